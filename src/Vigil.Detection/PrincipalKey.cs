using Vigil.Contracts.Events;

namespace Vigil.Detection;

/// <summary>
/// Names the principal that owns an event: <c>account/principal</c>, where the principal is the IAM
/// ARN, the role ARN behind an assumed-role session, the invoking service, or a marker for events
/// without an identity. The principal grain key is <c>tenant/account/principal</c>.
/// </summary>
public static class PrincipalKey
{
    /// <summary>Longest key kept as is; longer keys (forged or unusual ARNs) are shortened with a hash suffix.</summary>
    public const int MaxLength = GrainKeyText.MaxLength;

    public static string For(CloudTrailEvent record) => GrainKeyText.Bound($"{record.AccountId}/{PrincipalOf(record)}");

    public static string GrainKey(string tenantId, string principalKey) => $"{tenantId}/{principalKey}";

    /// <summary>
    /// The grain key of the event's principal, <c>GrainKey(tenantId, For(record))</c>. It is made as one
    /// string instead of two unless the principal key must be shortened, which only a key over <see cref="MaxLength"/> is.
    /// </summary>
    public static string GrainKeyFor(string tenantId, CloudTrailEvent record)
    {
        var account = record.AccountId;
        var principal = PrincipalOf(record);
        return account.Length + 1 + principal.Length <= MaxLength
            ? $"{tenantId}/{account}/{principal}"
            : GrainKey(tenantId, For(record));
    }

    private static string PrincipalOf(CloudTrailEvent record)
    {
        var identity = record.UserIdentity;
        return identity switch
        {
            null => "(no identity)",
            { Type: "AssumedRole" } => identity.SessionIssuerArn ?? identity.Arn ?? identity.PrincipalId,
            { Type: "Root" } => identity.Arn ?? $"arn:aws:iam::{identity.AccountId ?? record.AccountId}:root",
            { Type: "AWSService" } => "service:" + (identity.InvokedBy ?? "unknown"),
            { Type: "AWSAccount" } => "account:" + (identity.AccountId ?? identity.PrincipalId),
            _ => identity.Arn ?? identity.PrincipalId ?? identity.UserName,
        } ?? "(" + (identity?.Type ?? "unknown") + ")";
    }
}
