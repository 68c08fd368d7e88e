using System.Text;
using System.Text.Json;
using Vigil.Cli.Replay;
using Vigil.Grains.Ingest;

namespace Vigil.EndToEnd.Tests;

/// <summary>Records of accounts not registered to a source are counted and rejected, for every log kind.</summary>
public sealed class AccountMappingTests : IAsyncLifetime
{
    private const string Tenant = "tenant-a";
    private const string Registered = "111122223333";
    private const string Foreign = "999988887777";
    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-accounts-" + Guid.NewGuid().ToString("N"));
    private ReplaySilo? silo;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        silo = await ReplaySilo.StartAsync(null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            await silo.DisposeAsync();
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task FlowLog_AccountIdField()
    {
        var result = await IngestAsync("flow.log", """
            version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
            2 111122223333 eni-0a1b2c3d4e5f60002 198.51.100.10 10.0.2.20 41000 22 6 12 2400 1700000000 1700000060 ACCEPT OK
            2 999988887777 eni-0a1b2c3d4e5f60003 198.51.100.10 10.0.2.21 41000 22 6 12 2400 1700000000 1700000060 ACCEPT OK
            2 999988887777 eni-0a1b2c3d4e5f60003 198.51.100.11 10.0.2.21 41000 22 6 12 2400 1700000000 1700000060 ACCEPT OK
            """);

        Assert.Equal(1, result.Record.RecordsRead);
        Assert.Equal(2, result.Record.RecordsRejected);
        Assert.Equal(2, result.RecordsFromUnregisteredAccounts);
    }

    [Fact]
    public async Task FlowLog_WithoutAccountField_UsesTheKeyLayout()
    {
        const string Lines = """
            version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
            2 eni-0a1b2c3d4e5f60002 198.51.100.10 10.0.2.20 41000 22 6 12 2400 1700000000 1700000060 ACCEPT OK
            """;
        var registered = await IngestAsync($"AWSLogs/{Registered}/vpcflowlogs/us-east-1/2024/03/05/a.log", Lines);
        var foreign = await IngestAsync($"AWSLogs/{Foreign}/vpcflowlogs/us-east-1/2024/03/05/b.log", Lines);

        Assert.Equal((1, 0L), (registered.Record.RecordsRead, registered.RecordsFromUnregisteredAccounts));
        Assert.Equal((0, 1L), (foreign.Record.RecordsRead, foreign.RecordsFromUnregisteredAccounts));
    }

    [Fact]
    public async Task ResolverLog_AccountIdField()
    {
        var result = await IngestAsync("dns.log", Query(Registered) + "\n" + Query(Foreign) + "\n");

        Assert.Equal(1, result.Record.RecordsRead);
        Assert.Equal(1, result.Record.RecordsRejected);
        Assert.Equal(1, result.RecordsFromUnregisteredAccounts);
    }

    [Fact]
    public async Task CloudTrail_RecipientAccount_ElseTheKeyLayout()
    {
        var trail = JsonSerializer.Serialize(new
        {
            Records = new object[]
            {
                Event("c-1", Registered),
                Event("c-2", Foreign),
                Event("c-3", null),
            },
        });

        var inRegisteredFolder = await IngestAsync($"AWSLogs/{Registered}/CloudTrail/us-east-1/2024/03/05/a.json", trail);
        var flat = await IngestAsync("flat.json", trail);

        // c-3 names no recipient account: the key layout supplies it, and a flat key supplies none.
        Assert.Equal((2, 1L), (inRegisteredFolder.Record.RecordsRead, inRegisteredFolder.RecordsFromUnregisteredAccounts));
        Assert.Equal(1, inRegisteredFolder.Record.RecordsRejected);
        Assert.Equal((0, 2L), (flat.Record.RecordsRead - flat.Record.DuplicatesDropped, flat.RecordsFromUnregisteredAccounts));
        Assert.All(silo!.Findings.Snapshot(Tenant), finding => Assert.Equal(Registered, finding.AccountId));
    }

    [Fact]
    public async Task AnyAccount_AcceptsEveryAccount()
    {
        var path = Write("dns-any.log", Query(Registered) + "\n" + Query(Foreign) + "\n");
        var logObject = new ObjectToRead("dns-any.log", "1", _ => Task.FromResult<Stream>(File.OpenRead(path)));

        var result = await silo!.Ingestor.IngestAsync(IngestTarget.AnyAccount(Tenant), logObject, CancellationToken.None);

        Assert.Equal(2, result.Record.RecordsRead);
        Assert.Equal(0, result.RecordsFromUnregisteredAccounts);
    }

    [Fact]
    public async Task OpenerFailure_IsRecordedAsFailedObject()
    {
        var logObject = new ObjectToRead("s3://bucket/missing.json", "10:abc", _ => throw new IOException("connection reset"));

        var result = await silo!.Ingestor.IngestAsync(IngestTarget.AnyAccount(Tenant), logObject, CancellationToken.None);

        Assert.Equal("s3://bucket/missing.json: the object cannot be opened: connection reset", result.Record.Error);
        var recorded = Assert.Single(silo.Ledger.Records, record => record.ObjectKey == "s3://bucket/missing.json");
        Assert.Equal(result.Record.Error, recorded.Error);
    }

    private async Task<ObjectIngestResult> IngestAsync(string key, string content)
    {
        var path = Write(key, content);
        var logObject = new ObjectToRead(key, "1", _ => Task.FromResult<Stream>(File.OpenRead(path)));
        return await silo!.Ingestor.IngestAsync(IngestTarget.ForAccounts(Tenant, [Registered]), logObject, CancellationToken.None);
    }

    private string Write(string key, string content)
    {
        var path = Path.Combine(folder, key.Replace('/', '_'));
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    private static string Query(string account) => JsonSerializer.Serialize(new
    {
        version = "1.100000",
        account_id = account,
        region = "us-east-1",
        vpc_id = "vpc-0a1b2c3d4e5f60718",
        query_timestamp = "2024-05-01T10:00:01Z",
        query_name = "www.example.com.",
        query_type = "A",
        query_class = "IN",
        rcode = "NOERROR",
        answers = Array.Empty<object>(),
        srcaddr = "198.51.100.20",
        srcport = "53211",
        transport = "UDP",
        srcids = new { instance = "i-0a1b2c3d4e5f60718" },
    });

    private static Dictionary<string, object?> Event(string eventId, string? recipient)
    {
        var record = new Dictionary<string, object?>
        {
            ["eventVersion"] = "1.09",
            ["userIdentity"] = new { type = "Root", principalId = "111122223333", arn = "arn:aws:iam::111122223333:root", accountId = "111122223333" },
            ["eventTime"] = "2024-03-05T10:15:00Z",
            ["eventSource"] = "signin.amazonaws.com",
            ["eventName"] = "ConsoleLogin",
            ["awsRegion"] = "us-east-1",
            ["sourceIPAddress"] = "203.0.113.10",
            ["eventID"] = eventId,
            ["eventType"] = "AwsConsoleSignIn",
        };
        if (recipient is not null)
        {
            record["recipientAccountId"] = recipient;
        }

        return record;
    }
}
