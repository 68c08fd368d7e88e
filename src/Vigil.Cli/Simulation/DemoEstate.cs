namespace Vigil.Cli.Simulation;

/// <summary>The made-up AWS estate that <c>vigil simulate</c> writes logs for. Addresses come from the documentation ranges.</summary>
internal static class DemoEstate
{
    public const string AccountId = "111122223333";

    public const string Region = "us-east-1";

    public const string TrailName = "org-audit-trail";

    /// <summary>An address in the demo threat list (TEST-NET-2, never routed on the internet).</summary>
    public const string ThreatListedAddress = "198.51.100.23";

    /// <summary>The demo threat list's content: the planted attacker's /24 and a few single addresses.</summary>
    public const string ThreatListText = """
        # Demo threat list written by vigil simulate: documentation addresses only.
        198.51.100.0/24
        203.0.113.250
        2001:db8:bad::/48
        bad.example.net
        """;

    public static readonly string[] UserNames =
    [
        "alice", "bruno", "chandra", "dmitri", "eun-ji", "fatima", "gustavo", "hana", "ivan", "jasmine",
        "kwame", "lena", "mateo", "nadia", "oskar", "priya", "quentin", "rosa", "sven", "tomoko",
    ];

    public static readonly string[] RoleNames = ["ci-deployer", "data-pipeline", "lambda-exec", "ops-readonly"];

    /// <summary>Office egress addresses the users normally call from (TEST-NET-3).</summary>
    public static readonly string[] OfficeAddresses = ["203.0.113.10", "203.0.113.11", "203.0.113.12", "192.0.2.44"];

    public static readonly (string Source, string Name, bool ReadOnly)[] RoutineCalls =
    [
        ("ec2.amazonaws.com", "DescribeInstances", true),
        ("ec2.amazonaws.com", "DescribeSecurityGroups", true),
        ("s3.amazonaws.com", "ListBuckets", true),
        ("s3.amazonaws.com", "GetBucketPolicy", true),
        ("iam.amazonaws.com", "GetUser", true),
        ("iam.amazonaws.com", "ListRoles", true),
        ("sts.amazonaws.com", "GetCallerIdentity", true),
        ("cloudwatch.amazonaws.com", "GetMetricData", true),
        ("lambda.amazonaws.com", "ListFunctions20150331", true),
        ("ec2.amazonaws.com", "StartInstances", false),
        ("ssm.amazonaws.com", "GetParameter", true),
        ("logs.amazonaws.com", "FilterLogEvents", true),
    ];

    public static readonly string[] UserAgents =
    [
        "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12",
        "Boto3/1.34.60 md/Botocore#1.34.60 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.8",
        "console.amazonaws.com",
        "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64",
        "Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40.0",
    ];
}
