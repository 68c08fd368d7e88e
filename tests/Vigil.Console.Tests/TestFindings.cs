using Vigil.Contracts.Findings;

namespace Vigil.Console.Tests;

/// <summary>Builds GuardDuty-shaped findings for the tests.</summary>
internal static class TestFindings
{
    public static readonly DateTimeOffset FirstSeen = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);
    public static readonly DateTimeOffset LastSeen = new(2025, 3, 5, 18, 30, 0, TimeSpan.Zero);

    public static Finding Create(
        string id,
        double severity = 5.0,
        string type = "UnauthorizedAccess:IAMUser/MaliciousIPCaller",
        string userName = "alice",
        string userAgent = "aws-cli/2.15.0",
        string remoteIp = "198.51.100.7",
        bool archived = false,
        FindingEvidence? evidence = null)
    {
        return new Finding
        {
            AccountId = "111122223333",
            Region = "eu-west-1",
            Id = id,
            Arn = $"arn:aws:guardduty:eu-west-1:111122223333:detector/d1/finding/{id}",
            Type = type,
            Severity = severity,
            CreatedAt = FirstSeen,
            UpdatedAt = LastSeen,
            Title = $"API ListBuckets was invoked from a known malicious IP by {userName}",
            Description = "An API was invoked from an IP address on a threat list.",
            Resource = new FindingResource
            {
                ResourceType = "AccessKey",
                AccessKeyDetails = new AccessKeyDetails
                {
                    AccessKeyId = "AKIAIOSFODNN7EXAMPLE",
                    PrincipalId = "AIDAEXAMPLEPRINCIPAL",
                    UserName = userName,
                    UserType = "IAMUser",
                },
            },
            Service = new FindingService
            {
                DetectorId = "d1",
                Archived = archived,
                Count = 3,
                EventFirstSeen = FirstSeen,
                EventLastSeen = LastSeen,
                ResourceRole = "TARGET",
                Evidence = evidence,
                Action = new FindingAction
                {
                    ActionType = "AWS_API_CALL",
                    AwsApiCallAction = new AwsApiCallAction
                    {
                        Api = "ListBuckets",
                        ServiceName = "s3.amazonaws.com",
                        CallerType = "Remote IP",
                        ErrorCode = "AccessDenied",
                        UserAgent = userAgent,
                        RemoteIpDetails = new RemoteIpDetails { IpAddressV4 = remoteIp },
                    },
                },
            },
        };
    }
}
