using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Detectors;

/// <summary>
/// Policy:IAMUser/ShortTermRootCredentialUsage (severity 2): an API call made with the restricted,
/// short-term root credentials that <c>sts:AssumeRoot</c> issues to an organization's management
/// or delegated administrator account for a privileged task in a member account. AWS does not
/// document GuardDuty's signal. Vigil's rule: <c>userIdentity.type</c> is Root and
/// <c>userIdentity.sessionContext.assumedRoot</c> is true (the marker CloudTrail writes on
/// AssumeRoot sessions), with the same exclusions as <see cref="RootCredentialUsageDetector"/>.
/// Failed calls count too, as for root sign-in credentials. Such a call does not also raise
/// Policy:IAMUser/RootCredentialUsage.
/// </summary>
public sealed class ShortTermRootCredentialUsageDetector : ICloudTrailDetector
{
    public const string FindingType = "Policy:IAMUser/ShortTermRootCredentialUsage";

    public void Inspect(CloudTrailEvent record, string principalKey, DetectionContext context, List<Finding> findings)
    {
        if (!RootCredentialUsageDetector.IsRootActing(record) || !IsShortTermRootSession(record))
        {
            return;
        }

        var api = record.EventName ?? "(unknown)";
        var template = new FindingTemplate(
            FindingType,
            2.0,
            $"API {api} was invoked using short-term root credentials.",
            $"API {api} was invoked using restricted short-term root credentials issued by sts:AssumeRoot, from IP address {record.SourceIpAddress ?? "(unknown)"}.");
        findings.Add(ApiCallFindingFactory.Create(record, principalKey, context, template));
    }

    /// <summary>True when the record's <c>userIdentity.sessionContext.assumedRoot</c> is true (as a boolean or the string "true").</summary>
    public static bool IsShortTermRootSession(CloudTrailEvent record) =>
        JsonFields.BooleanAt(record.RawJson, "userIdentity", "sessionContext", "assumedRoot") == true;
}
