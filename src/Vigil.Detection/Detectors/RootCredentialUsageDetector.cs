using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Detectors;

/// <summary>
/// Policy:IAMUser/RootCredentialUsage (severity 2): an API call made with the account's root user
/// credentials. Calls that an AWS service made on the root user's behalf (<c>invokedBy</c> set)
/// and service events are not the root user acting, so they are left out. Calls in a short-term
/// session from <c>sts:AssumeRoot</c> raise <see cref="ShortTermRootCredentialUsageDetector"/>'s type instead.
/// </summary>
public sealed class RootCredentialUsageDetector : ICloudTrailDetector
{
    public const string FindingType = "Policy:IAMUser/RootCredentialUsage";

    public void Inspect(CloudTrailEvent record, string principalKey, DetectionContext context, List<Finding> findings)
    {
        if (!IsRootActing(record) || ShortTermRootCredentialUsageDetector.IsShortTermRootSession(record))
        {
            return;
        }

        var api = record.EventName ?? "(unknown)";
        var template = new FindingTemplate(
            FindingType,
            2.0,
            $"API {api} was invoked using root credentials.",
            $"API {api} was invoked using root credentials from IP address {record.SourceIpAddress ?? "(unknown)"}.");
        findings.Add(ApiCallFindingFactory.Create(record, principalKey, context, template));
    }

    /// <summary>True when the root user made the call itself: identity type Root, no <c>invokedBy</c>, not a service event.</summary>
    public static bool IsRootActing(CloudTrailEvent record) =>
        record.UserIdentity is { Type: "Root", InvokedBy: null } && record.EventType != "AwsServiceEvent";
}
