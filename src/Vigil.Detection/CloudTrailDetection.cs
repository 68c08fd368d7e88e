using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Detectors;

namespace Vigil.Detection;

/// <summary>Runs the CloudTrail detectors over a batch of one principal's events and merges repeats of a finding id.</summary>
public sealed class CloudTrailDetection(IReadOnlyList<ICloudTrailDetector> detectors)
{
    /// <summary>The detectors Vigil runs by default; docs/findings.md lists the finding types they raise.</summary>
    public static CloudTrailDetection Default { get; } = new(
    [
        new RootCredentialUsageDetector(),
        new ShortTermRootCredentialUsageDetector(),
        new CloudTrailLoggingDisabledDetector(),
        new CustomThreatListCallerDetector(),
        new S3CustomThreatListCallerDetector(),
        new PlatformThreatListCallerDetector(),
        new PasswordPolicyChangeDetector(),
        new PenTestUserAgentDetector(),
        new S3BlockPublicAccessDisabledDetector(),
        new S3BucketPublicAccessGrantedDetector(),
        new S3ServerAccessLoggingDisabledDetector(),
        new BedrockLoggingDisabledDetector(),
        new AdministrativePermissionsDetector(),
    ]);

    /// <summary>
    /// Returns one aggregated finding occurrence per finding id raised by the events. Events whose
    /// source address is on one of the tenant's trusted lists raise nothing, as GuardDuty documents
    /// for its trusted IP lists.
    /// </summary>
    public IReadOnlyList<Finding> Inspect(IEnumerable<CloudTrailEvent> records, string principalKey, DetectionContext context)
    {
        var raised = new List<Finding>();
        var checkTrusted = context.Intel.TrustedEntryCount > 0;

        var list = records.AsReadOnlyList();
        for (var index = 0; index < list.Count; index++)
        {
            var record = list[index];
            if (checkTrusted && context.Intel.TryMatchTrusted(record.SourceIpAddress, out _))
            {
                continue;
            }

            foreach (var detector in detectors)
            {
                detector.Inspect(record, principalKey, context, raised);
            }
        }

        return FindingAggregation.MergeById(raised);
    }
}
