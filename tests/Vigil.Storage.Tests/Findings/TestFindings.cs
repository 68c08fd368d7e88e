using Vigil.Contracts.Findings;

namespace Vigil.Storage.Tests.Findings;

/// <summary>Findings for the store tests, with the fields the criteria tests filter on.</summary>
internal static class TestFindings
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static string NewId() => Guid.NewGuid().ToString("N");

    public static Finding ApiCall(
        string? id = null,
        string type = "Recon:IAMUser/MaliciousIPCaller.Custom",
        double severity = 5,
        string userName = "alice",
        string? remoteIp = "203.0.113.14",
        string? userAgent = "aws-cli/2.15.30",
        string? threatList = null,
        DateTimeOffset? lastSeen = null,
        long count = 1,
        string account = "111122223333")
    {
        id ??= NewId();
        var seen = lastSeen ?? T0;
        var principal = $"{account}/arn:aws:iam::{account}:user/{userName}";
        return new Finding
        {
            AccountId = account,
            Region = "us-east-1",
            Id = id,
            Arn = $"arn:aws:guardduty:us-east-1:{account}:detector/d/finding/{id}",
            Type = type,
            Resource = new FindingResource
            {
                ResourceType = "AccessKey",
                AccessKeyDetails = new AccessKeyDetails { PrincipalId = "AIDA" + userName.ToUpperInvariant(), UserName = userName, UserType = "IAMUser" },
            },
            Service = new FindingService
            {
                DetectorId = "d",
                Action = new FindingAction
                {
                    ActionType = "AWS_API_CALL",
                    AwsApiCallAction = new AwsApiCallAction
                    {
                        Api = "ListBuckets",
                        ServiceName = "s3.amazonaws.com",
                        UserAgent = userAgent,
                        RemoteIpDetails = remoteIp is null ? null : new RemoteIpDetails
                        {
                            IpAddressV4 = remoteIp,
                            Organization = new IpOrganization { Asn = "64496", AsnOrg = "Example Net" },
                        },
                    },
                },
                Evidence = threatList is null ? null : new FindingEvidence
                {
                    ThreatIntelligenceDetails = [new ThreatIntelligenceDetail { ThreatListName = threatList, ThreatNames = [remoteIp ?? "?"] }],
                },
                Count = count,
                EventFirstSeen = seen,
                EventLastSeen = seen,
                ResourceRole = "ACTOR",
                AdditionalInfo = new Dictionary<string, string> { ["principalKey"] = principal },
            },
            Severity = severity,
            CreatedAt = seen,
            UpdatedAt = seen,
            Title = $"{type} by {userName}",
            Description = "test finding",
        };
    }
}
