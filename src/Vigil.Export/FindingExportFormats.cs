using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Contracts.Findings;

namespace Vigil.Export;

/// <summary>The document formats a finding can be exported in.</summary>
public enum FindingExportFormat
{
    /// <summary>GuardDuty's finding JSON inside an Amazon EventBridge event (<c>detail-type</c> "GuardDuty Finding").</summary>
    EventBridge,

    /// <summary>An OCSF 1.1 Detection Finding (class 2004).</summary>
    Ocsf,
}

/// <summary>
/// Builds the exported documents of a finding. The event id is derived from the finding id and
/// its <c>updatedAt</c>, so a retried delivery of the same version carries the same id and a
/// receiver can drop the duplicate.
/// </summary>
public static class FindingExportFormats
{
    public static JsonObject Format(Finding finding, FindingExportFormat format) =>
        Format(finding, format, isNew: finding.CreatedAt == finding.UpdatedAt);

    /// <summary>Builds the document; <paramref name="isNew"/> sets the OCSF activity (Create or Update).</summary>
    public static JsonObject Format(Finding finding, FindingExportFormat format, bool isNew) => format switch
    {
        FindingExportFormat.EventBridge => EventBridge(finding),
        _ => Ocsf(finding, isNew),
    };

    /// <summary>Returns the EventBridge event GuardDuty publishes for a finding: the finding is the <c>detail</c>.</summary>
    public static JsonObject EventBridge(Finding finding)
    {
        var detail = JsonNode.Parse(FindingJson.Serialize(finding))!.AsObject();
        return new JsonObject
        {
            ["version"] = "0",
            ["id"] = EventId(finding),
            ["detail-type"] = "GuardDuty Finding",
            ["source"] = "aws.guardduty",
            ["account"] = finding.AccountId,
            ["time"] = Iso(finding.UpdatedAt),
            ["region"] = finding.Region,
            ["resources"] = new JsonArray(),
            ["detail"] = detail,
        };
    }

    /// <summary>
    /// Returns an OCSF 1.1 Detection Finding: class_uid 2004 in category 2 (Findings), activity 1
    /// (Create) for a new finding and 2 (Update) for a later occurrence, severity_id from
    /// GuardDuty's bands, and the GuardDuty document under <c>unmapped</c>.
    /// </summary>
    public static JsonObject Ocsf(Finding finding, bool isNew)
    {
        var activity = isNew ? 1 : 2;
        return new JsonObject
        {
            ["category_uid"] = 2,
            ["category_name"] = "Findings",
            ["class_uid"] = 2004,
            ["class_name"] = "Detection Finding",
            ["activity_id"] = activity,
            ["activity_name"] = isNew ? "Create" : "Update",
            ["type_uid"] = 200400 + activity,
            ["severity_id"] = OcsfSeverity(finding.Severity),
            ["severity"] = OcsfSeverityName(OcsfSeverity(finding.Severity)),
            ["status_id"] = finding.Service.Archived ? 4 : 1,
            ["time"] = finding.UpdatedAt.ToUnixTimeMilliseconds(),
            ["count"] = finding.Service.Count,
            ["message"] = finding.Title,
            ["metadata"] = new JsonObject
            {
                ["version"] = "1.1.0",
                ["uid"] = EventId(finding),
                ["product"] = new JsonObject { ["name"] = "Vigil", ["vendor_name"] = "Vigil" },
            },
            ["finding_info"] = new JsonObject
            {
                ["uid"] = finding.Arn,
                ["title"] = finding.Title,
                ["desc"] = finding.Description,
                ["types"] = new JsonArray(finding.Type),
                ["created_time"] = finding.CreatedAt.ToUnixTimeMilliseconds(),
                ["modified_time"] = finding.UpdatedAt.ToUnixTimeMilliseconds(),
                ["first_seen_time"] = finding.Service.EventFirstSeen.ToUnixTimeMilliseconds(),
                ["last_seen_time"] = finding.Service.EventLastSeen.ToUnixTimeMilliseconds(),
            },
            ["cloud"] = new JsonObject
            {
                ["provider"] = "AWS",
                ["region"] = finding.Region,
                ["account"] = new JsonObject { ["uid"] = finding.AccountId },
            },
            ["resources"] = new JsonArray(new JsonObject { ["type"] = finding.Resource.ResourceType, ["cloud_partition"] = finding.Partition, ["region"] = finding.Region }),
            ["unmapped"] = JsonNode.Parse(FindingJson.Serialize(finding)),
        };
    }

    /// <summary>Maps GuardDuty severity (Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0) onto OCSF severity_id 2 to 5.</summary>
    public static int OcsfSeverity(double severity) => severity switch
    {
        < 4 => 2,
        < 7 => 3,
        < 9 => 4,
        _ => 5,
    };

    private static string OcsfSeverityName(int id) => id switch
    {
        2 => "Low",
        3 => "Medium",
        4 => "High",
        _ => "Critical",
    };

    /// <summary>Returns a UUID-shaped id from the SHA-256 of the finding id and its update time.</summary>
    public static string EventId(Finding finding)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(finding.Id + "\n" + Iso(finding.UpdatedAt)));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    public static string Serialize(JsonObject document) => document.ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
