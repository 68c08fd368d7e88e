using System.Text;
using System.Text.Json;
using Vigil.Contracts.Events;
using Vigil.Contracts.Text;

namespace Vigil.Ingestion.CloudTrail;

/// <summary>Reads the <c>userIdentity</c> element of every documented type, and of types not yet documented.</summary>
internal static class UserIdentityParser
{
    internal enum Name
    {
        Other,
        Type,
        PrincipalId,
        Arn,
        AccountId,
        AccessKeyId,
        UserName,
        InvokedBy,
        IdentityProvider,
        SessionContext,
        SessionIssuer,
        Attributes,
        WebIdFederationData,
        MfaAuthenticated,
        FederatedProvider,
    }

    /// <summary>
    /// Reads the value at the reader into <paramref name="identity"/>, null when it is not an object.
    /// Returns false when the data ends inside it. Values with few distinct texts in an estate (type,
    /// account, invoking service, and the issuer's type, ARN and name, which name a role) come from
    /// <paramref name="cache"/>. Values of which there is one per principal or session (ids, ARNs,
    /// names, keys) do not, because thousands of them would keep replacing each other in the cache.
    /// </summary>
    public static bool TryRead(ref Utf8JsonReader reader, CloudTrailReaderOptions options, Utf8StringCache cache, out UserIdentity? identity)
    {
        identity = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return reader.TrySkip();
        }

        var max = options.MaxStringLength;
        string? type = null, principalId = null, arn = null, accountId = null, accessKeyId = null, userName = null, invokedBy = null;
        string? identityProvider = null;
        SessionContext session = default;

        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                break;
            }

            var name = Identify(ref reader);
            if (!reader.Read())
            {
                return false;
            }

            switch (name)
            {
                case Name.Type:
                    type = CloudTrailRecordParser.ReadScalarText(ref reader, max, cache);
                    break;
                case Name.PrincipalId:
                    principalId = CloudTrailRecordParser.ReadScalarText(ref reader, max);
                    break;
                case Name.Arn:
                    arn = CloudTrailRecordParser.ReadScalarText(ref reader, max);
                    break;
                case Name.AccountId:
                    accountId = CloudTrailRecordParser.ReadScalarText(ref reader, max, cache);
                    break;
                case Name.AccessKeyId:
                    accessKeyId = CloudTrailRecordParser.ReadScalarText(ref reader, max);
                    break;
                case Name.UserName:
                    userName = CloudTrailRecordParser.ReadScalarText(ref reader, max);
                    break;
                case Name.InvokedBy:
                    invokedBy = CloudTrailRecordParser.ReadScalarText(ref reader, max, cache);
                    break;
                case Name.IdentityProvider:
                    identityProvider = CloudTrailRecordParser.ReadScalarText(ref reader, max);
                    break;
                case Name.SessionContext:
                    if (!TryReadSessionContext(ref reader, max, cache, out session))
                    {
                        return false;
                    }

                    break;
            }

            if (!reader.TrySkip())
            {
                return false;
            }
        }

        identity = Create(type, principalId, arn, accountId, accessKeyId, userName, invokedBy, identityProvider, session);
        return true;
    }

    /// <summary>Builds the identity from the values read, by either parser.</summary>
    internal static UserIdentity Create(
        string? type, string? principalId, string? arn, string? accountId, string? accessKeyId, string? userName, string? invokedBy,
        string? identityProvider, SessionContext session) =>
        Create(type, principalId, arn, accountId, new DeferredText(string.IsNullOrEmpty(accessKeyId) ? null : accessKeyId), new DeferredText(userName), invokedBy, identityProvider, session);

    /// <summary>Builds the identity with the access key and user name in either form. The caller turns an empty access key into null.</summary>
    internal static UserIdentity Create(
        string? type, string? principalId, string? arn, string? accountId, DeferredText accessKeyId, DeferredText userName, string? invokedBy,
        string? identityProvider, SessionContext session) => new()
        {
            Type = type,
            PrincipalId = principalId,
            Arn = arn,
            AccountId = accountId,
            AccessKeyIdText = accessKeyId,
            UserNameText = userName,
            InvokedBy = invokedBy,
            SessionIssuerType = session.IssuerType,
            SessionIssuerArn = session.IssuerArn,
            SessionIssuerUserName = session.IssuerUserName,
            MfaAuthenticated = session.MfaAuthenticated,
            IdentityProvider = identityProvider ?? session.FederatedProvider,
        };

    /// <summary>Reads a <c>sessionContext</c> value; the reader ends on its last token. Returns false when the data ends inside it.</summary>
    private static bool TryReadSessionContext(ref Utf8JsonReader reader, int max, Utf8StringCache cache, out SessionContext context)
    {
        context = default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return true;
        }

        // The sessionContext object sits at depth d. Its sections (sessionIssuer, attributes,
        // webIdFederationData) have their names at d + 1 and their scalar fields at d + 2.
        var depth = reader.CurrentDepth;
        var section = Name.Other;
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth)
            {
                return true;
            }

            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            var name = Identify(ref reader);
            var level = reader.CurrentDepth;
            if (!reader.Read())
            {
                return false;
            }

            if (level == depth + 1)
            {
                section = name;
                if (reader.TokenType == JsonTokenType.StartArray && !reader.TrySkip())
                {
                    return false;
                }

                continue;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                if (!reader.TrySkip())
                {
                    return false;
                }

                continue;
            }

            switch (section, name)
            {
                case (Name.SessionIssuer, Name.Type):
                    context.IssuerType = CloudTrailRecordParser.ReadScalarText(ref reader, max, cache);
                    break;
                case (Name.SessionIssuer, Name.Arn):
                    context.IssuerArn = CloudTrailRecordParser.ReadScalarText(ref reader, max, cache);
                    break;
                case (Name.SessionIssuer, Name.UserName):
                    context.IssuerUserName = CloudTrailRecordParser.ReadScalarText(ref reader, max, cache);
                    break;
                case (Name.Attributes, Name.MfaAuthenticated):
                    context.MfaAuthenticated = bool.TryParse(CloudTrailRecordParser.ReadScalarText(ref reader, max, cache), out var mfa) ? mfa : null;
                    break;
                case (Name.WebIdFederationData, Name.FederatedProvider):
                    context.FederatedProvider = CloudTrailRecordParser.ReadScalarText(ref reader, max, cache);
                    break;
            }
        }
    }

    private static Name Identify(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped || reader.HasValueSequence
            ? Identify(Encoding.UTF8.GetBytes(CloudTrailRecordParser.GetStringOrRawText(ref reader)))
            : Identify(reader.ValueSpan);

    /// <summary>The member name of <paramref name="name"/>; the inverse of <see cref="Identify(ReadOnlySpan{byte})"/>.</summary>
    internal static string NameOf(Name name) => name switch
    {
        Name.Type => "type",
        Name.PrincipalId => "principalId",
        Name.Arn => "arn",
        Name.AccountId => "accountId",
        Name.AccessKeyId => "accessKeyId",
        Name.UserName => "userName",
        Name.InvokedBy => "invokedBy",
        Name.IdentityProvider => "identityProvider",
        Name.SessionContext => "sessionContext",
        Name.SessionIssuer => "sessionIssuer",
        Name.Attributes => "attributes",
        Name.WebIdFederationData => "webIdFederationData",
        Name.MfaAuthenticated => "mfaAuthenticated",
        Name.FederatedProvider => "federatedProvider",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Other names have no single spelling."),
    };

    internal static Name Identify(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 => name.SequenceEqual("arn"u8) ? Name.Arn : Name.Other,
        4 => name.SequenceEqual("type"u8) ? Name.Type : Name.Other,
        8 => name.SequenceEqual("userName"u8) ? Name.UserName : Name.Other,
        9 => name[0] switch
        {
            (byte)'a' when name.SequenceEqual("accountId"u8) => Name.AccountId,
            (byte)'i' when name.SequenceEqual("invokedBy"u8) => Name.InvokedBy,
            _ => Name.Other,
        },
        10 => name.SequenceEqual("attributes"u8) ? Name.Attributes : Name.Other,
        11 => name[0] switch
        {
            (byte)'p' when name.SequenceEqual("principalId"u8) => Name.PrincipalId,
            (byte)'a' when name.SequenceEqual("accessKeyId"u8) => Name.AccessKeyId,
            _ => Name.Other,
        },
        13 => name.SequenceEqual("sessionIssuer"u8) ? Name.SessionIssuer : Name.Other,
        14 => name.SequenceEqual("sessionContext"u8) ? Name.SessionContext : Name.Other,
        16 => name[0] switch
        {
            (byte)'i' when name.SequenceEqual("identityProvider"u8) => Name.IdentityProvider,
            (byte)'m' when name.SequenceEqual("mfaAuthenticated"u8) => Name.MfaAuthenticated,
            _ => Name.Other,
        },
        17 => name.SequenceEqual("federatedProvider"u8) ? Name.FederatedProvider : Name.Other,
        19 => name.SequenceEqual("webIdFederationData"u8) ? Name.WebIdFederationData : Name.Other,
        _ => Name.Other,
    };

    internal struct SessionContext
    {
        public string? IssuerType;
        public string? IssuerArn;
        public string? IssuerUserName;
        public bool? MfaAuthenticated;
        public string? FederatedProvider;
    }
}
