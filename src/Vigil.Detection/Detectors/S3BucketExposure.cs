using System.Collections.Frozen;
using System.Text.Json;

namespace Vigil.Detection.Detectors;

/// <summary>Who a bucket policy or ACL change lets in, ordered from none to everyone.</summary>
public enum BucketExposureLevel
{
    None = 0,

    /// <summary>Every signed request from any AWS account.</summary>
    AuthenticatedUsers = 1,

    /// <summary>Anyone on the internet, unsigned requests included.</summary>
    Anonymous = 2,
}

/// <summary>The widest access a bucket policy or ACL grants, and the grant that gives it.</summary>
public readonly record struct BucketExposure(BucketExposureLevel Level, string Reason)
{
    public static BucketExposure None { get; } = new(BucketExposureLevel.None, "");

    public static BucketExposure Wider(BucketExposure first, BucketExposure second) => second.Level > first.Level ? second : first;
}

/// <summary>
/// Reads the access that the request of a PutBucketPolicy or PutBucketAcl grants. It checks
/// each grant on its own and is not a full policy evaluation. Deny statements, Block Public
/// Access and the bucket's other grants are not weighed, so a result means the change grants
/// wide access, not that the bucket is reachable now.
/// </summary>
public static class S3BucketExposure
{
    private const string AllUsersGroup = "acs.amazonaws.com/groups/global/AllUsers";

    private const string AuthenticatedUsersGroup = "acs.amazonaws.com/groups/global/AuthenticatedUsers";

    /// <summary>
    /// Condition keys that narrow who can call: the caller's network, account, organization or
    /// identity, or the AWS resource or access point acting for it. A positive operator on one of
    /// these with a concrete value stops a statement from counting as public.
    /// </summary>
    private static readonly FrozenSet<string> RestrictingKeys = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "aws:SourceIp", "aws:VpcSourceIp", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceVpcArn",
        "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
        "aws:userid", "aws:username", "aws:PrincipalServiceName",
        "aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths",
        "s3:DataAccessPointAccount", "s3:DataAccessPointArn");

    /// <summary>Keys that describe the signing principal's ARN, account or organization, so anonymous requests lack them.</summary>
    private static readonly FrozenSet<string> SignedRequestKeys = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn");

    private static readonly string[] GrantHeaders =
        ["x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-grant-full-control"];

    /// <summary>
    /// Assesses PutBucketPolicy parameters. The policy is read from <c>bucketPolicy</c>, as an
    /// object or as JSON text. An Allow statement counts when its principal is <c>"*"</c> or
    /// <c>{"AWS": "*"}</c>, or when it uses NotPrincipal (everyone except the listed principals),
    /// and no condition restricts it (see <see cref="AssessConditions"/>).
    /// </summary>
    public static BucketExposure FromPolicyRequest(string? requestParameters) => Guarded(PolicyRequest, requestParameters);

    /// <summary>
    /// Assesses PutBucketAcl parameters: the canned ACL in <c>x-amz-acl</c> (public-read and
    /// public-read-write are anonymous, authenticated-read is authenticated users), the
    /// <c>x-amz-grant-*</c> headers, and the grants of <c>AccessControlPolicy.AccessControlList.Grant</c>.
    /// A grant of any permission to the AllUsers group is anonymous, to AuthenticatedUsers is authenticated users.
    /// </summary>
    public static BucketExposure FromAclRequest(string? requestParameters) => Guarded(AclRequest, requestParameters);

    /// <summary>Runs an assessment, reading a name or string with an invalid escape (such as a lone surrogate) as no exposure.</summary>
    private static BucketExposure Guarded(Func<string?, BucketExposure> assess, string? requestParameters)
    {
        try
        {
            return assess(requestParameters);
        }
        catch (InvalidOperationException)
        {
            return BucketExposure.None;
        }
    }

    private static BucketExposure PolicyRequest(string? requestParameters)
    {
        using var parameters = JsonFields.ParseBounded(requestParameters);
        var policy = JsonFields.Property(parameters?.RootElement, "bucketPolicy");
        if (policy is { ValueKind: JsonValueKind.Object } policyObject)
        {
            return FromPolicy(policyObject);
        }

        using var parsed = JsonFields.ParseBounded(JsonFields.StringOf(policy));
        return parsed is null ? BucketExposure.None : FromPolicy(parsed.RootElement);
    }

    private static BucketExposure AclRequest(string? requestParameters)
    {
        using var parameters = JsonFields.ParseBounded(requestParameters);
        if (parameters is null)
        {
            return BucketExposure.None;
        }

        var root = parameters.RootElement;
        var widest = BucketExposure.None;
        foreach (var canned in JsonFields.OneOrMany(JsonFields.Property(root, "x-amz-acl")))
        {
            var acl = JsonFields.StringOf(canned);
            widest = BucketExposure.Wider(widest, acl switch
            {
                "public-read" or "public-read-write" => new(BucketExposureLevel.Anonymous, $"the canned ACL {acl}"),
                "authenticated-read" => new(BucketExposureLevel.AuthenticatedUsers, "the canned ACL authenticated-read"),
                _ => BucketExposure.None,
            });
        }

        foreach (var header in GrantHeaders)
        {
            foreach (var value in JsonFields.OneOrMany(JsonFields.Property(root, header)))
            {
                widest = BucketExposure.Wider(widest, FromGrantee(JsonFields.StringOf(value), $"the {header} header"));
            }
        }

        var grants = JsonFields.Property(JsonFields.Property(JsonFields.Property(root, "AccessControlPolicy"), "AccessControlList"), "Grant");
        foreach (var grant in JsonFields.OneOrMany(grants))
        {
            var uri = JsonFields.StringOf(JsonFields.Property(JsonFields.Property(grant, "Grantee"), "URI"));
            var permission = JsonFields.StringOf(JsonFields.Property(grant, "Permission")) ?? "a permission";
            widest = BucketExposure.Wider(widest, FromGrantee(uri, $"an ACL grant of {permission}"));
        }

        return widest;
    }

    private static BucketExposure FromPolicy(JsonElement policy)
    {
        var widest = BucketExposure.None;
        var index = 0;
        foreach (var statement in JsonFields.OneOrMany(JsonFields.Property(policy, "Statement")))
        {
            index++;
            var effect = JsonFields.StringOf(JsonFields.Property(statement, "Effect"));
            if (!string.Equals(effect, "Allow", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var everyone = IsWildcardPrincipal(JsonFields.Property(statement, "Principal")) || JsonFields.Property(statement, "NotPrincipal") is not null;
            if (!everyone)
            {
                continue;
            }

            var level = AssessConditions(JsonFields.Property(statement, "Condition"));
            var name = JsonFields.StringOf(JsonFields.Property(statement, "Sid")) is { Length: > 0 } sid ? $"statement {sid}" : $"statement {index}";
            var reason = level == BucketExposureLevel.AuthenticatedUsers
                ? $"bucket policy {name} allows any principal whose request is signed"
                : $"bucket policy {name} allows any principal without a restricting condition";
            widest = BucketExposure.Wider(widest, new BucketExposure(level, reason));
        }

        return widest;
    }

    private static bool IsWildcardPrincipal(JsonElement? principal)
    {
        if (JsonFields.StringOf(principal) == "*")
        {
            return true;
        }

        return JsonFields.OneOrMany(JsonFields.Property(principal, "AWS")).Any(value => JsonFields.StringOf(value) == "*");
    }

    /// <summary>
    /// Returns who an everyone-principal statement admits under its Condition block. A clause
    /// restricts when its operator is positive (not a Not… operator, not …IfExists, not Null,
    /// not ForAllValues:, each of which also passes requests that lack the key), its key is one
    /// of <see cref="RestrictingKeys"/> and none of its values is a wildcard ("*", "?" runs,
    /// 0.0.0.0/0 or ::/0); then the statement admits no one. Otherwise a positive clause on a key
    /// of <see cref="SignedRequestKeys"/> with a wildcard value admits every signed request, and
    /// a statement with neither admits anyone.
    /// </summary>
    private static BucketExposureLevel AssessConditions(JsonElement? condition)
    {
        if (condition is not { ValueKind: JsonValueKind.Object } conditions)
        {
            return BucketExposureLevel.Anonymous;
        }

        var signedOnly = false;
        foreach (var clause in conditions.EnumerateObject())
        {
            if (clause.Value.ValueKind != JsonValueKind.Object || !IsPositiveOperator(clause.Name))
            {
                continue;
            }

            foreach (var key in clause.Value.EnumerateObject())
            {
                var values = JsonFields.OneOrMany(key.Value).ToList();
                var anyWildcard = values.Any(IsWildcardValue);
                if (RestrictingKeys.Contains(key.Name) && values.Count > 0 && !anyWildcard)
                {
                    return BucketExposureLevel.None;
                }

                signedOnly |= SignedRequestKeys.Contains(key.Name) && anyWildcard;
            }
        }

        return signedOnly ? BucketExposureLevel.AuthenticatedUsers : BucketExposureLevel.Anonymous;
    }

    private static bool IsPositiveOperator(string name)
    {
        if (name.StartsWith("ForAllValues:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var baseName = name.StartsWith("ForAnyValue:", StringComparison.OrdinalIgnoreCase) ? name["ForAnyValue:".Length..] : name;
        return !baseName.EndsWith("IfExists", StringComparison.OrdinalIgnoreCase)
            && !baseName.Equals("Null", StringComparison.OrdinalIgnoreCase)
            && !baseName.Contains("Not", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsWildcardValue(JsonElement value)
    {
        var text = JsonFields.StringOf(value);
        if (text is null)
        {
            return false;
        }

        return text.Trim().Trim('*', '?').Length == 0 || text.Trim() is "0.0.0.0/0" or "::/0";
    }

    private static BucketExposure FromGrantee(string? grantee, string grant)
    {
        if (grantee is null)
        {
            return BucketExposure.None;
        }

        if (grantee.Contains(AllUsersGroup, StringComparison.OrdinalIgnoreCase))
        {
            return new(BucketExposureLevel.Anonymous, $"{grant} to the AllUsers group");
        }

        return grantee.Contains(AuthenticatedUsersGroup, StringComparison.OrdinalIgnoreCase)
            ? new(BucketExposureLevel.AuthenticatedUsers, $"{grant} to the AuthenticatedUsers group")
            : BucketExposure.None;
    }
}
