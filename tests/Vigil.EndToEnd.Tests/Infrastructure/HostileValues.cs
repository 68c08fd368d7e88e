using System.Text.Json;

namespace Vigil.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A CloudTrail log file whose attacker-controlled fields carry markup and control characters,
/// to prove the console shows them as text and the logs escape them.
/// </summary>
internal static class HostileValues
{
    public const string UserAgent = "<img src=x onerror=alert(1)>\r\nforged-line\u001b[31m";

    public const string UserName = "<script>alert(1)</script>";

    public const string FileName = "111122223333_CloudTrail_us-east-1_20261130T2355Z_HostileValues0001.json";

    public static void WriteLogFile(string logFolder)
    {
        var folder = Path.Combine(logFolder, "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2026", "11", "30");
        Directory.CreateDirectory(folder);
        var records = new object[]
        {
            new
            {
                eventVersion = "1.10",
                userIdentity = new { type = "Root", principalId = "111122223333", arn = "arn:aws:iam::111122223333:root", accountId = "111122223333" },
                eventTime = "2026-11-30T23:58:00Z",
                eventSource = "iam.amazonaws.com",
                eventName = "ListUsers",
                awsRegion = "us-east-1",
                sourceIPAddress = "192.0.2.201",
                userAgent = UserAgent,
                eventID = "e2e00000-0000-4000-8000-000000000001",
                eventType = "AwsApiCall",
                recipientAccountId = "111122223333",
            },
            new
            {
                eventVersion = "1.10",
                userIdentity = new { type = "IAMUser", principalId = "AIDAHOSTILE0000000001", arn = "arn:aws:iam::111122223333:user/hostile", accountId = "111122223333", userName = UserName },
                eventTime = "2026-11-30T23:58:30Z",
                eventSource = "s3.amazonaws.com",
                eventName = "ListBuckets",
                awsRegion = "us-east-1",
                sourceIPAddress = "203.0.113.250",
                userAgent = UserAgent,
                eventID = "e2e00000-0000-4000-8000-000000000002",
                eventType = "AwsApiCall",
                recipientAccountId = "111122223333",
            },
        };

        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(new { Records = records }));
    }
}
