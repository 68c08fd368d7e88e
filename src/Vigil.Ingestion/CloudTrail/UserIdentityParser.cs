using System.Text.Json;
using Vigil.Contracts.Events;

namespace Vigil.Ingestion.CloudTrail;

/// <summary>Reads the <c>userIdentity</c> element of every documented type, and of types not yet documented.</summary>
internal static class UserIdentityParser
{
    public static UserIdentity? Read(ref Utf8JsonReader reader, CloudTrailReaderOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        var max = options.MaxStringLength;
        string? type = null, principalId = null, arn = null, accountId = null, accessKeyId = null, userName = null, invokedBy = null;
        string? identityProvider = null;
        SessionContext session = default;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = CloudTrailRecordParser.GetStringOrRawText(ref reader);
            reader.Read();
            switch (name)
            {
                case "type":
                    type = CloudTrailRecordParser.ReadScalarText(ref reader, max);
                    break;
                case "principalId":
                    principalId = CloudTrailRecordParser.ReadScalarText(ref reader, max);
                    break;
                case "arn":
                    arn = CloudTrailRecordParser.ReadScalarText(ref reader, max);
                    break;
                case "accountId":
                    accountId = CloudTrailRecordParser.ReadScalarText(ref reader, max);
                    break;
                case "accessKeyId":
                    accessKeyId = CloudTrailRecordParser.ReadScalarText(ref reader, max);
                    break;
                case "userName":
                    userName = CloudTrailRecordParser.ReadScalarText(ref reader, max);
                    break;
                case "invokedBy":
                    invokedBy = CloudTrailRecordParser.ReadScalarText(ref reader, max);
                    break;
                case "identityProvider":
                    identityProvider = CloudTrailRecordParser.ReadScalarText(ref reader, max);
                    break;
                case "sessionContext":
                    session = ReadSessionContext(ref reader, max);
                    break;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return new UserIdentity
        {
            Type = type,
            PrincipalId = principalId,
            Arn = arn,
            AccountId = accountId,
            AccessKeyId = string.IsNullOrEmpty(accessKeyId) ? null : accessKeyId,
            UserName = userName,
            InvokedBy = invokedBy,
            SessionIssuerType = session.IssuerType,
            SessionIssuerArn = session.IssuerArn,
            SessionIssuerUserName = session.IssuerUserName,
            MfaAuthenticated = session.MfaAuthenticated,
            IdentityProvider = identityProvider ?? session.FederatedProvider,
        };
    }

    private static SessionContext ReadSessionContext(ref Utf8JsonReader reader, int max)
    {
        var context = default(SessionContext);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return context;
        }

        // The sessionContext object sits at depth d. Its sections (sessionIssuer, attributes,
        // webIdFederationData) have their names at d + 1 and their scalar fields at d + 2.
        var depth = reader.CurrentDepth;
        string? section = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth)
            {
                break;
            }

            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            var name = CloudTrailRecordParser.GetStringOrRawText(ref reader);
            var level = reader.CurrentDepth;
            reader.Read();
            if (level == depth + 1)
            {
                section = name;
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    reader.Skip();
                }

                continue;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            var value = CloudTrailRecordParser.ReadScalarText(ref reader, max);
            switch (section, name)
            {
                case ("sessionIssuer", "type"):
                    context.IssuerType = value;
                    break;
                case ("sessionIssuer", "arn"):
                    context.IssuerArn = value;
                    break;
                case ("sessionIssuer", "userName"):
                    context.IssuerUserName = value;
                    break;
                case ("attributes", "mfaAuthenticated"):
                    context.MfaAuthenticated = bool.TryParse(value, out var mfa) ? mfa : null;
                    break;
                case ("webIdFederationData", "federatedProvider"):
                    context.FederatedProvider = value;
                    break;
            }
        }

        return context;
    }

    private struct SessionContext
    {
        public string? IssuerType;
        public string? IssuerArn;
        public string? IssuerUserName;
        public bool? MfaAuthenticated;
        public string? FederatedProvider;
    }
}
