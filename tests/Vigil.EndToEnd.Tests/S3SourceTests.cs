using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using Vigil.Contracts.Storage;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// The host reading S3 listing and S3 notification sources from the local S3-compatible server
/// (s3rver) and SQS-compatible server (local-aws-sqs) that tests/tools/aws-local.js starts.
/// </summary>
public sealed class S3SourceTests(S3SourcesFixture fixture) : IClassFixture<S3SourcesFixture>
{
    private const string Account = "111122223333";
    private const string ForeignAccount = "999988887777";

    [Fact]
    public async Task Listing_LateAndRewrittenObjects()
    {
        var tenant = NewTenant();
        var prefix = $"{tenant}/AWSLogs/{Account}/CloudTrail/us-east-1/2024/03/05/";
        using var s3 = fixture.Aws.S3Client();
        await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "b.json", Trail(("e-b1", Account), ("e-b2", Account)));
        await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "c.json", Trail(("e-c1", Account)));
        await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "d.json.gz", Gzip(Trail(("e-d1", Account))));
        var source = await fixture.SaveAsync(Source(tenant, SourceKind.S3Listing) with { Bucket = S3SourcesFixture.ListingBucket, Prefix = tenant + "/" });

        var first = await fixture.WaitForStatusAsync(tenant, source.Id, status => status.ObjectsRead >= 3, "three objects read");
        Assert.Equal(3, first.ObjectsRead);
        Assert.Equal(4, first.RecordsRead);

        // Delivered late: its key sorts before every key already read.
        await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "a.json", Trail(("e-a1", Account)));
        var late = await fixture.WaitForStatusAsync(tenant, source.Id, status => status.ObjectsRead >= 4, "the late object read");
        Assert.Equal(4, late.ObjectsRead);
        Assert.Equal(5, late.RecordsRead);

        // Rewritten with another event: a new ETag, so it is read again; its old event is a duplicate.
        await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "c.json", Trail(("e-c1", Account), ("e-c2", Account)));
        var rewritten = await fixture.WaitForStatusAsync(tenant, source.Id, status => status.ObjectsRead >= 5, "the rewritten object read");

        // Many passes listed the other objects meanwhile; none of them was read again.
        Assert.Equal(5, rewritten.ObjectsRead);
        Assert.Equal(0, rewritten.ObjectsFailed);
        Assert.Equal(7, rewritten.RecordsRead);
        var ledger = await fixture.LedgerAsync(tenant);
        Assert.Equal(
            [$"s3://{S3SourcesFixture.ListingBucket}/{prefix}a.json", $"s3://{S3SourcesFixture.ListingBucket}/{prefix}b.json",
             $"s3://{S3SourcesFixture.ListingBucket}/{prefix}c.json", $"s3://{S3SourcesFixture.ListingBucket}/{prefix}d.json.gz"],
            ledger.Select(row => row.Key));
        Assert.All(ledger, row => Assert.Null(row.Error));
        var cRow = ledger.Single(row => row.Key.EndsWith("c.json", StringComparison.Ordinal));
        Assert.Equal(1, cRow.Duplicates);
        Assert.StartsWith(Encoding.UTF8.GetByteCount(Trail(("e-c1", Account), ("e-c2", Account))) + ":", cRow.Fingerprint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notifications_ReadAndDeleteMessages()
    {
        var tenant = NewTenant();
        var source = await fixture.SaveAsync(Source(tenant, SourceKind.S3Notifications) with
        {
            Bucket = S3SourcesFixture.NotifyBucket,
            Prefix = tenant + "/",
            QueueUrl = fixture.Aws.QueueUrls[S3SourcesFixture.NotifyQueue],
        });
        using var s3 = fixture.Aws.S3Client();

        // A space in the key: S3 writes it as '+' in the notification.
        var key = $"{tenant}/AWSLogs/{Account}/CloudTrail/us-east-1/2024/03/05/first log.json";
        await PutAsync(s3, S3SourcesFixture.NotifyBucket, key, Trail(("n-1", Account), ("n-2", Account)));

        var status = await fixture.WaitForStatusAsync(tenant, source.Id, status => status.ObjectsRead >= 1, "the announced object read");
        Assert.Equal(1, status.ObjectsRead);
        Assert.Equal(2, status.RecordsRead);
        Assert.Null(status.LastError);
        var row = Assert.Single(await fixture.LedgerAsync(tenant));
        Assert.Equal($"s3://{S3SourcesFixture.NotifyBucket}/{key}", row.Key);
        await fixture.WaitForEmptyQueueAsync(S3SourcesFixture.NotifyQueue);
    }

    [Fact]
    public async Task Notifications_MalformedMessages()
    {
        var tenant = NewTenant();
        var queue = fixture.Aws.QueueUrls[S3SourcesFixture.ManualQueue];
        var source = await fixture.SaveAsync(Source(tenant, SourceKind.S3Notifications) with
        {
            Bucket = S3SourcesFixture.ManualBucket,
            Prefix = tenant + "/",
            QueueUrl = queue,
        });
        using var s3 = fixture.Aws.S3Client();
        using var sqs = fixture.Aws.SqsClient();
        var key = $"{tenant}/AWSLogs/{Account}/CloudTrail/us-east-1/2024/03/05/wrapped.json";
        var put = await PutAsync(s3, S3SourcesFixture.ManualBucket, key, Trail(("m-1", Account)));

        await sqs.SendMessageAsync(queue, "not json \u001b[31m");
        await sqs.SendMessageAsync(queue, """{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"manual-logs"}""");
        await sqs.SendMessageAsync(queue, """{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"manual-logs"},"object":{"key":"x.json"}}}]}""");
        var notification = JsonSerializer.Serialize(new
        {
            Records = new[]
            {
                new
                {
                    eventName = "ObjectCreated:Put",
                    s3 = new { bucket = new { name = S3SourcesFixture.ManualBucket }, @object = new { key, size = put.Size, eTag = put.ETag.Trim('"') } },
                },
            },
        });
        // Wrapped by SNS, as when the bucket notifies a topic that the queue subscribes to.
        await sqs.SendMessageAsync(queue, JsonSerializer.Serialize(new { Type = "Notification", MessageId = "m", Message = notification }));

        var status = await fixture.WaitForStatusAsync(tenant, source.Id, status => status.ObjectsRead >= 1, "the SNS-wrapped announcement read");
        await fixture.WaitForEmptyQueueAsync(S3SourcesFixture.ManualQueue);

        status = await fixture.WaitForStatusAsync(tenant, source.Id, status => status.LastError is not null, "the malformed messages recorded");
        Assert.Equal(1, status.ObjectsRead);
        Assert.Equal(1, status.RecordsRead);
        Assert.Contains("queue message", status.LastError, StringComparison.Ordinal);
        // The host's console logger writes from a queue of its own, so a line can follow the status row.
        await fixture.WaitForOutputAsync("the message is not valid JSON");
        await fixture.WaitForOutputAsync("Records[0].s3.object.size");
        Assert.DoesNotContain("\u001b[31m", fixture.Host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_UnregisteredAccounts()
    {
        var tenant = NewTenant();
        var prefix = $"{tenant}/AWSLogs/{Account}/CloudTrail/us-east-1/2024/03/05/";
        using var s3 = fixture.Aws.S3Client();
        await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "mixed.json", Trail(("u-1", Account), ("u-2", ForeignAccount), ("u-3", ForeignAccount)));
        var source = await fixture.SaveAsync(Source(tenant, SourceKind.S3Listing) with
        {
            Bucket = S3SourcesFixture.ListingBucket,
            Prefix = tenant + "/",
            AccountIds = [Account],
        });

        var status = await fixture.WaitForStatusAsync(tenant, source.Id, status => status.ObjectsRead >= 1, "the mixed object read");

        Assert.Equal(1, status.RecordsRead);
        Assert.Equal(2, status.RecordsRejected);
        Assert.Equal(2, status.RecordsFromUnregisteredAccounts);
        await fixture.WaitForOutputAsync($"parsed record 2: account {ForeignAccount} is not registered to tenant {tenant}");
        var accounts = await fixture.FindingAccountsAsync(tenant);
        Assert.Equal([Account], accounts);

        // The source's metrics carry its id and kind.
        using var client = new HttpClient { BaseAddress = fixture.Host.BaseAddress };
        var metrics = await client.GetStringAsync("metrics");
        var unregistered = metrics.Split('\n').Where(line => line.StartsWith("vigil_source_records_total{", StringComparison.Ordinal)
            && line.Contains($"source_id=\"{source.Id}\"", StringComparison.Ordinal)
            && line.Contains("outcome=\"unregistered_account\"", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(unregistered);
        Assert.Contains("source_kind=\"S3Listing\"", line, StringComparison.Ordinal);
        var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
        Assert.Equal("2", value);
    }

    [Fact]
    public async Task Notifications_MissingObject_KeepsMessageForRetry()
    {
        var tenant = NewTenant();
        var queue = fixture.Aws.QueueUrls[S3SourcesFixture.RetryQueue];
        var source = await fixture.SaveAsync(Source(tenant, SourceKind.S3Notifications) with
        {
            Bucket = S3SourcesFixture.ManualBucket,
            Prefix = tenant + "/",
            QueueUrl = queue,
        });
        using var sqs = fixture.Aws.SqsClient();
        var key = $"{tenant}/AWSLogs/{Account}/CloudTrail/us-east-1/2024/03/05/never-written.json";
        var notification = JsonSerializer.Serialize(new
        {
            Records = new[]
            {
                new { eventName = "ObjectCreated:Put", s3 = new { bucket = new { name = S3SourcesFixture.ManualBucket }, @object = new { key, size = 10, eTag = "0123456789abcdef0123456789abcdef" } } },
            },
        });
        await sqs.SendMessageAsync(queue, notification);

        var status = await fixture.WaitForStatusAsync(tenant, source.Id, status => status.ObjectsFailed >= 1, "the missing object recorded as failed");

        Assert.Equal(1, status.ObjectsRead);
        Assert.Equal(1, status.ObjectsFailed);
        Assert.Contains($"s3://{S3SourcesFixture.ManualBucket}/{key}: the object cannot be opened", status.LastError, StringComparison.Ordinal);
        var row = Assert.Single(await fixture.LedgerAsync(tenant));
        Assert.NotNull(row.Error);

        // The message stays in the queue, hidden until the ledger's retry may be due.
        var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = queue, AttributeNames = ["ApproximateNumberOfMessagesNotVisible"] });
        Assert.Equal("1", attributes.Attributes["ApproximateNumberOfMessagesNotVisible"]);
        await sqs.PurgeQueueAsync(queue);
    }

    [Fact]
    public async Task Listing_DisabledThenDeletedSource_StopsReading()
    {
        var tenant = NewTenant();
        var prefix = $"{tenant}/AWSLogs/{Account}/CloudTrail/us-east-1/2024/03/05/";
        using var s3 = fixture.Aws.S3Client();
        await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "1.json", Trail(("d-1", Account)));
        var source = await fixture.SaveAsync(Source(tenant, SourceKind.S3Listing) with { Bucket = S3SourcesFixture.ListingBucket, Prefix = tenant + "/" });
        await fixture.WaitForStatusAsync(tenant, source.Id, status => status.ObjectsRead >= 1, "the first object read");

        // While the source is disabled, a new object waits; enabled again, the source reads it.
        await fixture.SaveAsync(source with { Enabled = false, UpdatedAt = source.UpdatedAt.AddSeconds(1) });
        await fixture.WaitForOutputAsync($"Stopping the reader of source {source.Name} of tenant {tenant}");
        await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "2.json", Trail(("d-2", Account)));
        Assert.Single(await fixture.LedgerAsync(tenant));
        await fixture.SaveAsync(source with { UpdatedAt = source.UpdatedAt.AddSeconds(2) });
        var enabled = await fixture.WaitForStatusAsync(tenant, source.Id, status => status.ObjectsRead >= 2, "the object put while disabled read");
        Assert.Equal(2, enabled.ObjectsRead);

        // Deleted: its reader stops, and nothing is counted for it any more.
        Assert.True(await new PostgresSourceStore(fixture.DataSource).DeleteAsync(tenant, source.Id, default));
        await fixture.WaitForOutputAsync($"Stopping the reader of source {source.Name} of tenant {tenant}", occurrences: 2);
        await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "3.json", Trail(("d-3", Account)));
        Assert.Equal(2, (await fixture.LedgerAsync(tenant)).Count);
        Assert.Empty(await new PostgresSourceStore(fixture.DataSource).ListStatusAsync(tenant, default));
    }

    [Fact]
    public async Task ParseCommand_ReadsS3Prefix()
    {
        var tenant = NewTenant();
        var prefix = $"{tenant}/AWSLogs/{Account}/CloudTrail/us-east-1/2024/03/05/";
        using var s3 = fixture.Aws.S3Client();
        await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "a.json", Trail(("p-1", Account), ("p-2", Account)));
        await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "b.json.gz", Gzip(Trail(("p-3", Account))));

        var result = await CliProcess.RunAsync(AwsLocal.HostEnvironment, "parse", $"s3://{S3SourcesFixture.ListingBucket}/{tenant}/", "--endpoint-url", fixture.Aws.S3Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"s3://{S3SourcesFixture.ListingBucket}/{prefix}a.json: ", result.Output, StringComparison.Ordinal);
        Assert.Contains($"s3://{S3SourcesFixture.ListingBucket}/{prefix}b.json.gz: ", result.Output, StringComparison.Ordinal);
        Assert.Contains("total: 2 objects, 3 records read, 0 rejected, 0 failed", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestCommand_ReadsS3PrefixOnce()
    {
        var tenant = NewTenant();
        var prefix = $"{tenant}/AWSLogs/{Account}/CloudTrail/us-east-1/2024/03/05/";
        using var s3 = fixture.Aws.S3Client();
        await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "a.json", Trail(("i-1", Account), ("i-2", Account)));
        string[] arguments =
        [
            "ingest", $"s3://{S3SourcesFixture.ListingBucket}/{tenant}/", "--tenant", tenant, "--create-tenant",
            "--connection", fixture.ConnectionString, "--cluster-id", fixture.Host.ClusterId,
            "--endpoint-url", fixture.Aws.S3Endpoint.ToString(),
        ];

        var first = await CliProcess.RunAsync(AwsLocal.HostEnvironment, arguments);
        var second = await CliProcess.RunAsync(AwsLocal.HostEnvironment, arguments);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.StartsWith("Read 2 records from 1 object (0 skipped", first.Output, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.StartsWith("Read 0 records from 0 objects (1 skipped", second.Output, StringComparison.Ordinal);
        var row = Assert.Single(await fixture.LedgerAsync(tenant));
        Assert.Equal($"s3://{S3SourcesFixture.ListingBucket}/{prefix}a.json", row.Key);
    }

    [Fact]
    public async Task ParseCommand_MissingBucket_Fails()
    {
        var result = await CliProcess.RunAsync(AwsLocal.HostEnvironment, "parse", "s3://no-such-bucket/logs/", "--endpoint-url", fixture.Aws.S3Endpoint.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: the S3 request failed", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_ResumesWithoutDoubleCounts()
    {
        var database = new PostgresFixture();
        await database.InitializeAsync();
        try
        {
            var tenant = NewTenant();
            var prefix = $"{tenant}/AWSLogs/{Account}/CloudTrail/us-east-1/2024/03/05/";
            using var s3 = fixture.Aws.S3Client();
            await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "1.json", Trail(("r-1", Account)));
            await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "2.json", Trail(("r-2", Account)));
            var store = new PostgresSourceStore(database.DataSource);
            var source = Source(tenant, SourceKind.S3Listing) with
            {
                Bucket = S3SourcesFixture.ListingBucket,
                Prefix = tenant + "/",
                ServiceUrl = fixture.Aws.S3Endpoint.ToString(),
                Region = AwsLocal.Region,
            };
            await store.SaveAsync(source, default);

            var host = await HostProcess.StartAsync(database.ConnectionString, null, S3SourcesFixture.AdminPassword, environment: AwsLocal.HostEnvironment);
            SourceStatus before;
            try
            {
                before = await S3SourcesFixture.WaitForStatusAsync(store, host, tenant, source.Id, status => status.ObjectsRead >= 2, "two objects read before the restart");
            }
            finally
            {
                await host.DisposeAsync();
            }

            await PutAsync(s3, S3SourcesFixture.ListingBucket, prefix + "0.json", Trail(("r-0", Account)));
            await using var restarted = await HostProcess.StartAsync(database.ConnectionString, null, S3SourcesFixture.AdminPassword, environment: AwsLocal.HostEnvironment);
            var after = await S3SourcesFixture.WaitForStatusAsync(store, restarted, tenant, source.Id, status => status.ObjectsRead >= 3, "the new object read after the restart");

            Assert.Equal(2, before.ObjectsRead);
            Assert.Equal(3, after.ObjectsRead);
            Assert.Equal(3, after.RecordsRead);
            await using var command = database.DataSource.CreateCommand("SELECT count(*), coalesce(sum(records_read), 0) FROM ingested_objects WHERE tenant_id = $1");
            command.Parameters.AddWithValue(tenant);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(3, reader.GetInt64(0));
            Assert.Equal(3, reader.GetInt64(1));
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    private static string NewTenant() => "s3-" + Guid.NewGuid().ToString("N")[..12];

    private static SourceDefinition Source(string tenant, SourceKind kind) => new()
    {
        Id = Guid.NewGuid(),
        TenantId = tenant,
        Name = kind + " source",
        Kind = kind,
        ServiceUrl = null,
        UpdatedAt = DateTimeOffset.UtcNow,
        UpdatedBy = "test",
    };

    private static async Task<(long Size, string ETag)> PutAsync(IAmazonS3 s3, string bucket, string key, byte[] content)
    {
        var response = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(content), UseChunkEncoding = false });
        return (content.Length, response.ETag);
    }

    private static async Task<(long Size, string ETag)> PutAsync(IAmazonS3 s3, string bucket, string key, string content) =>
        await PutAsync(s3, bucket, key, Encoding.UTF8.GetBytes(content));

    private static byte[] Gzip(string content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(content));
        }

        return buffer.ToArray();
    }

    /// <summary>A CloudTrail log with one StopLogging call per event, each in the given account.</summary>
    private static string Trail(params (string EventId, string Account)[] events) => JsonSerializer.Serialize(new
    {
        Records = events.Select((entry, index) => new
        {
            eventVersion = "1.09",
            userIdentity = new { type = "IAMUser", principalId = "AIDAEXAMPLEUSERID0001", arn = $"arn:aws:iam::{entry.Account}:user/alice", accountId = entry.Account, userName = "alice" },
            eventTime = $"2024-03-05T10:{15 + index:00}:00Z",
            eventSource = "cloudtrail.amazonaws.com",
            eventName = "StopLogging",
            awsRegion = "us-east-1",
            sourceIPAddress = "203.0.113.10",
            requestParameters = new { name = "audit-trail" },
            eventID = entry.EventId,
            eventType = "AwsApiCall",
            recipientAccountId = entry.Account,
        }),
    });
}

/// <summary>One database, the local S3 and SQS servers, and one host reading the sources saved in that database.</summary>
public sealed class S3SourcesFixture : IAsyncLifetime
{
    public const string AdminPassword = "e2e-admin-password-1";
    public const string ListingBucket = "listing-logs";
    public const string NotifyBucket = "notify-logs";
    public const string NotifyQueue = "notify-events";
    public const string ManualBucket = "manual-logs";
    public const string ManualQueue = "manual-events";
    public const string RetryQueue = "retry-events";

    private readonly PostgresFixture database = new();
    private AwsLocal? aws;
    private HostProcess? host;

    internal AwsLocal Aws => aws ?? throw new InvalidOperationException("The fixture is not started.");

    internal HostProcess Host => host ?? throw new InvalidOperationException("The fixture is not started.");

    internal Npgsql.NpgsqlDataSource DataSource => database.DataSource;

    internal string ConnectionString => database.ConnectionString;

    private PostgresSourceStore Store => new(database.DataSource);

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        aws = await AwsLocal.StartAsync([ListingBucket, NotifyBucket, ManualBucket], [ManualQueue, RetryQueue], [(NotifyBucket, NotifyQueue)]);
        host = await HostProcess.StartAsync(database.ConnectionString, null, AdminPassword, environment: AwsLocal.HostEnvironment);
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }

        if (aws is not null)
        {
            await aws.DisposeAsync();
        }

        await database.DisposeAsync();
    }

    /// <summary>Saves the source pointed at the local servers.</summary>
    internal async Task<SourceDefinition> SaveAsync(SourceDefinition source)
    {
        var local = source with { ServiceUrl = Aws.S3Endpoint.ToString(), Region = AwsLocal.Region };
        await Store.SaveAsync(local, default);
        return local;
    }

    internal Task<SourceStatus> WaitForStatusAsync(string tenant, Guid sourceId, Func<SourceStatus, bool> condition, string what) =>
        WaitForStatusAsync(Store, Host, tenant, sourceId, condition, what);

    internal static async Task<SourceStatus> WaitForStatusAsync(ISourceStore store, HostProcess host, string tenant, Guid sourceId, Func<SourceStatus, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        SourceStatus? status = null;
        while (DateTime.UtcNow < deadline)
        {
            status = (await store.ListStatusAsync(tenant, default)).SingleOrDefault(row => row.SourceId == sourceId);
            if (status is not null && condition(status))
            {
                return status;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Waiting for {what} timed out; the last status was {status}. Host output:\n{host.Output}");
    }

    /// <summary>Waits until the host has written a line containing <paramref name="text"/> at least <paramref name="occurrences"/> times.</summary>
    internal async Task WaitForOutputAsync(string text, int occurrences = 1)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            var output = Host.Output;
            var found = 0;
            for (var index = output.IndexOf(text, StringComparison.Ordinal); index >= 0; index = output.IndexOf(text, index + text.Length, StringComparison.Ordinal))
            {
                found++;
            }

            if (found >= occurrences)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The host did not write '{text}' {occurrences} times within a minute. Host output:\n{Host.Output}");
    }

    internal async Task WaitForEmptyQueueAsync(string queue)
    {
        using var sqs = Aws.SqsClient();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        var attributes = new List<string> { "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible" };
        Dictionary<string, string> last = [];
        while (DateTime.UtcNow < deadline)
        {
            var response = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = Aws.QueueUrls[queue], AttributeNames = attributes });
            last = response.Attributes ?? [];
            if (attributes.All(name => last.TryGetValue(name, out var value) && value == "0"))
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Queue {queue} still holds messages: {string.Join(", ", last.Select(pair => $"{pair.Key}={pair.Value}"))}. Host output:\n{Host.Output}");
    }

    internal async Task<IReadOnlyList<(string Key, string Fingerprint, string? Error, long Duplicates)>> LedgerAsync(string tenant)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT object_key, fingerprint, error, duplicates_dropped FROM ingested_objects WHERE tenant_id = $1 ORDER BY object_key");
        command.Parameters.AddWithValue(tenant);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, string?, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3)));
        }

        return rows;
    }

    internal async Task<IReadOnlyList<string>> FindingAccountsAsync(string tenant)
    {
        await using var command = database.DataSource.CreateCommand("SELECT DISTINCT account_id FROM findings WHERE tenant_id = $1 ORDER BY account_id");
        command.Parameters.AddWithValue(tenant);
        await using var reader = await command.ExecuteReaderAsync();
        var accounts = new List<string>();
        while (await reader.ReadAsync())
        {
            accounts.Add(reader.GetString(0));
        }

        return accounts;
    }
}
