using System.Text.Json;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Detectors;

/// <summary>
/// PrivilegeEscalation:IAMUser/AdministrativePermissions (severity 5): a successful call that gives an
/// IAM user, role or group full administrator rights. It fires for AttachUserPolicy, AttachRolePolicy
/// and AttachGroupPolicy with the AWS managed policy AdministratorAccess, and for PutUserPolicy,
/// PutRolePolicy and PutGroupPolicy whose inline policy has an Allow statement for every action
/// (<c>*</c>) on every resource (<c>*</c>). GuardDuty retired this type in favour of its anomaly model,
/// which Vigil does not have, so the type name is GuardDuty's old one and the trigger and severity are
/// Vigil's rule.
/// </summary>
public sealed class AdministrativePermissionsDetector : ICloudTrailDetector
{
    public const string FindingType = "PrivilegeEscalation:IAMUser/AdministrativePermissions";

    private const string AdministratorAccessSuffix = ":policy/AdministratorAccess";

    public void Inspect(CloudTrailEvent record, string principalKey, DetectionContext context, List<Finding> findings)
    {
        if (record.EventSource != "iam.amazonaws.com" || !record.Succeeded || record.EventName is null)
        {
            return;
        }

        var (targetKind, targetField) = record.EventName switch
        {
            "AttachUserPolicy" or "PutUserPolicy" => ("user", "userName"),
            "AttachRolePolicy" or "PutRolePolicy" => ("role", "roleName"),
            "AttachGroupPolicy" or "PutGroupPolicy" => ("group", "groupName"),
            _ => (null, null),
        };
        if (targetKind is null)
        {
            return;
        }

        string? grant;
        if (record.EventName.StartsWith("Attach", StringComparison.Ordinal))
        {
            var policyArn = JsonFields.TopLevelText(record.RequestParametersJson, "policyArn");
            grant = policyArn is not null && policyArn.StartsWith("arn:", StringComparison.Ordinal) && policyArn.EndsWith(AdministratorAccessSuffix, StringComparison.Ordinal)
                ? $"attached the managed policy {policyArn}"
                : null;
        }
        else
        {
            grant = AllowsEverything(JsonFields.TopLevelText(record.RequestParametersJson, "policyDocument"))
                ? $"put the inline policy {JsonFields.TopLevelText(record.RequestParametersJson, "policyName") ?? "(unnamed)"}, which allows every action on every resource,"
                : null;
        }

        if (grant is null)
        {
            return;
        }

        var target = JsonFields.TopLevelText(record.RequestParametersJson, targetField!) ?? "(unknown)";
        var actor = ApiCallFindingFactory.UserNameOf(record.UserIdentity) ?? "(unknown)";
        var template = new FindingTemplate(
            FindingType,
            5.0,
            $"A principal granted administrator permissions to IAM {targetKind} {target}.",
            $"{record.UserIdentity?.Type ?? "A principal"} {actor} {grant} to IAM {targetKind} {target} with {record.EventName}. Full administrator rights on a new principal are a common step of privilege escalation.");
        var affected = new Dictionary<string, string> { [$"AWS::IAM::{char.ToUpperInvariant(targetKind[0])}{targetKind[1..]}"] = target };
        findings.Add(ApiCallFindingFactory.Create(record, principalKey, context, template, affectedResources: affected));
    }

    /// <summary>True when a policy document (JSON text, possibly URL-encoded as IAM logs it) has an Allow statement for action * on resource *.</summary>
    internal static bool AllowsEverything(string? policyDocument)
    {
        if (policyDocument is null)
        {
            return false;
        }

        var text = policyDocument.TrimStart().StartsWith('%') ? Uri.UnescapeDataString(policyDocument) : policyDocument;
        using var document = JsonFields.ParseBounded(text);
        if (document is null)
        {
            return false;
        }

        foreach (var statement in JsonFields.OneOrMany(JsonFields.Property(document.RootElement, "Statement")))
        {
            if (JsonFields.StringOf(JsonFields.Property(statement, "Effect")) == "Allow"
                && HasWildcard(JsonFields.Property(statement, "Action"))
                && HasWildcard(JsonFields.Property(statement, "Resource")))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasWildcard(JsonElement? element) =>
        JsonFields.OneOrMany(element).Any(item => JsonFields.StringOf(item) == "*");
}
