using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Detectors;

/// <summary>
/// Stealth:IAMUser/CloudTrailLoggingDisabled (severity 2): a successful StopLogging or DeleteTrail,
/// or an UpdateTrail that narrows what the trail records (multi-region or global-service events
/// turned off) or turns off log file validation. Failed calls changed nothing and are left out.
/// </summary>
public sealed class CloudTrailLoggingDisabledDetector : ICloudTrailDetector
{
    public const string FindingType = "Stealth:IAMUser/CloudTrailLoggingDisabled";

    private static readonly string[] DisablingUpdateFlags = ["isMultiRegionTrail", "includeGlobalServiceEvents", "enableLogFileValidation"];

    public void Inspect(CloudTrailEvent record, string principalKey, DetectionContext context, List<Finding> findings)
    {
        if (record.EventSource != "cloudtrail.amazonaws.com" || !record.Succeeded)
        {
            return;
        }

        string? change = record.EventName switch
        {
            "StopLogging" => "stopped logging",
            "DeleteTrail" => "deleted the trail",
            "UpdateTrail" => DescribeDisablingUpdate(record.RequestParametersJson),
            _ => null,
        };
        if (change is null)
        {
            return;
        }

        var trail = JsonFields.TopLevelText(record.RequestParametersJson, "name") ?? "(unknown)";
        var user = ApiCallFindingFactory.UserNameOf(record.UserIdentity) ?? "(unknown)";
        var template = new FindingTemplate(
            FindingType,
            2.0,
            $"AWS CloudTrail trail {trail} was disabled.",
            $"{record.UserIdentity?.Type ?? "A principal"} {user} {change} for AWS CloudTrail trail {trail} with {record.EventName}. This can be an attempt to hide activity.");
        var affected = new Dictionary<string, string> { ["AWS::CloudTrail::Trail"] = trail };
        findings.Add(ApiCallFindingFactory.Create(record, principalKey, context, template, affectedResources: affected));
    }

    private static string? DescribeDisablingUpdate(string? requestParameters)
    {
        var turnedOff = DisablingUpdateFlags.Where(flag => JsonFields.TopLevelBoolean(requestParameters, flag) == false).ToList();
        return turnedOff.Count == 0 ? null : "set " + string.Join(", ", turnedOff.Select(flag => flag + " to false")) + " on";
    }
}
