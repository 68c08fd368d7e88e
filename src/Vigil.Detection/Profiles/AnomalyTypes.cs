using Vigil.Detection.Findings;

namespace Vigil.Detection.Profiles;

/// <summary>The anomaly finding types raised from behaviour profiles, with their GuardDuty severities.</summary>
public static class AnomalyTypes
{
    public const string ConsoleLoginSuccessB = "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B";

    public const string InstanceCredentialOutsideAws = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS";

    public const string InstanceCredentialInsideAws = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS";

    /// <summary>
    /// A Vigil type, not one of GuardDuty's: an hour of event time in which a principal made at least
    /// <see cref="HourlyActivity.MinimumEvents"/> calls and more than <see cref="HourlyActivity.Factor"/>
    /// times its busiest learned hour. Named for bulk reads, the usual cause, although every call counts.
    /// </summary>
    public const string ActivityVolumeUnusual = "Exfiltration:IAMUser/ActivityVolumeUnusual";

    /// <summary>Medium, below the High of the other exfiltration anomalies: the calls come from the principal's usual context, so a busy day of real work looks the same.</summary>
    public const double ActivityVolumeUnusualSeverity = 5.0;

    /// <summary>Returns the IAMUser/AnomalousBehavior type and severity of a tactic.</summary>
    public static (string Type, double Severity) ForTactic(AttackTactic tactic) => tactic switch
    {
        AttackTactic.CredentialAccess => ("CredentialAccess:IAMUser/AnomalousBehavior", 5.0),
        AttackTactic.DefenseEvasion => ("DefenseEvasion:IAMUser/AnomalousBehavior", 5.0),
        AttackTactic.Discovery => ("Discovery:IAMUser/AnomalousBehavior", 2.0),
        AttackTactic.Exfiltration => ("Exfiltration:IAMUser/AnomalousBehavior", 8.0),
        AttackTactic.Impact => ("Impact:IAMUser/AnomalousBehavior", 8.0),
        AttackTactic.InitialAccess => ("InitialAccess:IAMUser/AnomalousBehavior", 5.0),
        AttackTactic.Persistence => ("Persistence:IAMUser/AnomalousBehavior", 5.0),
        _ => ("PrivilegeEscalation:IAMUser/AnomalousBehavior", 5.0),
    };

    /// <summary>Returns the S3 anomaly type and severity of an S3 data event, or null for an operation in none of the five groups.</summary>
    public static (string Type, double Severity, string Verb)? ForS3(string? eventName) => eventName switch
    {
        "ListObjects" or "ListObjectsV2" or "ListObjectVersions" or "ListMultipartUploads" or "ListParts" or "HeadBucket" or "HeadObject"
            or "GetObjectAcl" or "GetObjectAttributes" or "GetObjectTagging" or "GetObjectLegalHold" or "GetObjectRetention"
            => ("Discovery:S3/AnomalousBehavior", 2.0, "listed or described objects"),
        "GetObject" or "CopyObject" or "SelectObjectContent" or "GetObjectTorrent" or "RestoreObject" or "UploadPartCopy"
            => ("Exfiltration:S3/AnomalousBehavior", 8.0, "read objects"),
        "DeleteObject" or "DeleteObjects" or "DeleteObjectTagging"
            => ("Impact:S3/AnomalousBehavior.Delete", 8.0, "deleted objects"),
        "PutObjectAcl" or "PutObjectRetention" or "PutObjectLegalHold"
            => ("Impact:S3/AnomalousBehavior.Permission", 8.0, "changed object permissions"),
        "PutObject" or "CompleteMultipartUpload" or "CreateMultipartUpload" or "UploadPart" or "PutObjectTagging"
            => ("Impact:S3/AnomalousBehavior.Write", 5.0, "wrote objects"),
        _ => null,
    };

    /// <summary>Every type raised from profiles, for the documentation and the tests.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        .. Enum.GetValues<AttackTactic>().Select(tactic => ForTactic(tactic).Type),
        "Discovery:S3/AnomalousBehavior",
        "Exfiltration:S3/AnomalousBehavior",
        "Impact:S3/AnomalousBehavior.Delete",
        "Impact:S3/AnomalousBehavior.Permission",
        "Impact:S3/AnomalousBehavior.Write",
        ConsoleLoginSuccessB,
        InstanceCredentialOutsideAws,
        InstanceCredentialInsideAws,
        ActivityVolumeUnusual,
    ];

    internal static FindingTemplate Template(string type, double severity, string title, string description) => new(type, severity, title, description);
}
