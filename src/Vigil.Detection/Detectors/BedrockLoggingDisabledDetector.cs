using System.Text.Json;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Detectors;

/// <summary>
/// DefenseEvasion:IAMUser/BedrockLoggingDisabled (severity 5): a successful
/// DeleteModelInvocationLoggingConfiguration, or a PutModelInvocationLoggingConfiguration whose
/// <c>loggingConfig</c> names neither destination (<c>cloudWatchConfig</c> nor <c>s3Config</c>),
/// so model invocations are logged nowhere. A Put without a <c>loggingConfig</c> object has an
/// unknown shape and is left out.
/// </summary>
public sealed class BedrockLoggingDisabledDetector : ICloudTrailDetector
{
    public const string FindingType = "DefenseEvasion:IAMUser/BedrockLoggingDisabled";

    public void Inspect(CloudTrailEvent record, string principalKey, DetectionContext context, List<Finding> findings)
    {
        if (record.EventSource != "bedrock.amazonaws.com" || !record.Succeeded)
        {
            return;
        }

        var change = record.EventName switch
        {
            "DeleteModelInvocationLoggingConfiguration" => "deleted the model invocation logging configuration",
            "PutModelInvocationLoggingConfiguration" when RemovesEveryDestination(record.RequestParametersJson) =>
                "set a model invocation logging configuration without a CloudWatch Logs or S3 destination",
            _ => null,
        };
        if (change is null)
        {
            return;
        }

        var user = ApiCallFindingFactory.UserNameOf(record.UserIdentity) ?? "(unknown)";
        var template = new FindingTemplate(
            FindingType,
            5.0,
            "Amazon Bedrock model invocation logging was disabled.",
            $"{record.UserIdentity?.Type ?? "A principal"} {user} {change} in region {record.AwsRegion ?? "(unknown)"} with {record.EventName}. Prompts and responses sent to Bedrock models are no longer recorded, which can hide data exfiltration or model abuse.");
        findings.Add(ApiCallFindingFactory.Create(record, principalKey, context, template));
    }

    // NOTE: a Put that keeps a destination but sets every *DataDeliveryEnabled flag to false may
    // also log nothing. It is not detected, because Bedrock does not document the flags' defaults.
    private static bool RemovesEveryDestination(string? requestParameters) =>
        JsonFields.ValueKindAt(requestParameters, "loggingConfig") == JsonValueKind.Object
        && JsonFields.ValueKindAt(requestParameters, "loggingConfig", "cloudWatchConfig") != JsonValueKind.Object
        && JsonFields.ValueKindAt(requestParameters, "loggingConfig", "s3Config") != JsonValueKind.Object;
}
