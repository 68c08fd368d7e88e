using System.Text.Json;
using Vigil.Cli.Replay;

namespace Vigil.EndToEnd.Tests;

/// <summary>Folder passes against one in-process silo: late files, redeliveries and rewritten objects.</summary>
public sealed class FolderIngestTests : IAsyncLifetime
{
    private const string Tenant = "default";
    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-folder-" + Guid.NewGuid().ToString("N"));
    private ReplaySilo? silo;

    private string DayFolder => Path.Combine(folder, "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2024", "03", "05");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DayFolder);
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
    public async Task FolderPass_LateFileSortingEarlier()
    {
        WriteLog("T1015Z_Aa1Example0001", "10000000-0000-4000-8000-000000000901");
        WriteLog("T1020Z_Zz9Example0002", "10000000-0000-4000-8000-000000000902");
        WriteLog("T1025Z_Cc3Example0003", "10000000-0000-4000-8000-000000000903");
        WriteLog("T1030Z_Dd4Example0005", "10000000-0000-4000-8000-000000000905");
        var first = await silo!.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        // Delivered late, for a slot already passed: its key sorts before keys read in the first pass.
        WriteLog("T1020Z_Bd9Example0004", "10000000-0000-4000-8000-000000000904");
        var second = await silo.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        Assert.Equal(4, first.ObjectsRead);
        Assert.Equal(1, second.ObjectsRead);
        Assert.Equal(4, second.ObjectsSkipped);
        Assert.Equal(1, second.RecordsRead);
        Assert.Equal(5, silo.Ledger.Records.Count);
        var trail = Assert.Single(silo.Findings.Snapshot(Tenant));
        Assert.Equal(5, trail.Service.Count);
    }

    [Fact]
    public async Task FolderPass_DoneObjectsSkipLedger()
    {
        WriteLog("T1015Z_Aa1Example0001", "10000000-0000-4000-8000-000000000601");
        WriteLog("T1020Z_Bb2Example0002", "10000000-0000-4000-8000-000000000602");
        var first = await silo!.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);
        var decisionsAfterFirst = silo.Ledger.Decisions;

        WriteLog("T1025Z_Cc3Example0003", "10000000-0000-4000-8000-000000000603");
        var second = await silo.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        Assert.Equal(2, first.ObjectsRead);
        Assert.Equal(2, decisionsAfterFirst);
        Assert.Equal(1, second.ObjectsRead);
        Assert.Equal(2, second.ObjectsSkipped);
        Assert.Equal(3, silo.Ledger.Decisions);
        var trail = Assert.Single(silo.Findings.Snapshot(Tenant));
        Assert.Equal(3, trail.Service.Count);
    }

    [Fact]
    public async Task FolderPass_RedeliveredEvents()
    {
        WriteLog("T1015Z_Aa1Example0001", "10000000-0000-4000-8000-000000000801", "10000000-0000-4000-8000-000000000802");
        await silo!.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        WriteLog("T1015Z_Aa1Example0001_copy", "10000000-0000-4000-8000-000000000801", "10000000-0000-4000-8000-000000000802");
        var second = await silo.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        Assert.Equal(2, second.DuplicatesDropped);
        Assert.Equal(0, second.FindingsRaised);
        var trail = Assert.Single(silo.Findings.Snapshot(Tenant));
        Assert.Equal(2, trail.Service.Count);
    }

    [Fact]
    public async Task FolderPass_RewrittenObject()
    {
        var path = WriteLog("T1015Z_Aa1Example0001", "10000000-0000-4000-8000-000000000701");
        await silo!.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        WriteLog("T1015Z_Aa1Example0001", "10000000-0000-4000-8000-000000000701", "10000000-0000-4000-8000-000000000702");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        var second = await silo.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        Assert.Equal(1, second.ObjectsRead);
        Assert.Equal(1, second.DuplicatesDropped);
        var trail = Assert.Single(silo.Findings.Snapshot(Tenant));
        Assert.Equal(2, trail.Service.Count);
    }

    [Fact]
    public async Task FolderPass_TruncatedGzip()
    {
        var path = Path.Combine(DayFolder, "111122223333_CloudTrail_us-east-1_20240305T1015Z_Tr1Example0001.json.gz");
        using (var buffer = new MemoryStream())
        {
            using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(System.Text.Encoding.UTF8.GetBytes("{\"Records\":[{\"eventTime\":\"2024-03-05T10:15:00Z\",\"eventID\":\"x\"}]}"));
            }

            File.WriteAllBytes(path, buffer.ToArray()[..(int)(buffer.Length / 2)]);
        }

        var first = await silo!.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);
        var second = await silo.Ingestor.IngestFolderAsync(Tenant, folder, null, CancellationToken.None);

        Assert.Equal(1, first.ObjectsFailed);
        var record = Assert.Single(silo.Ledger.Records);
        Assert.NotNull(record.Error);
        Assert.Equal(0, second.ObjectsRead);
        Assert.Equal(1, second.ObjectsSkipped);
    }

    /// <summary>Writes a delivered log file with one successful StopLogging call per event id.</summary>
    private string WriteLog(string slotAndSuffix, params string[] eventIds)
    {
        var records = eventIds.Select((eventId, index) => new
        {
            eventVersion = "1.09",
            userIdentity = new { type = "IAMUser", principalId = "AIDAEXAMPLEUSERID0001", arn = "arn:aws:iam::111122223333:user/alice", accountId = "111122223333", userName = "alice" },
            eventTime = $"2024-03-05T10:{15 + index:00}:00Z",
            eventSource = "cloudtrail.amazonaws.com",
            eventName = "StopLogging",
            awsRegion = "us-east-1",
            sourceIPAddress = "203.0.113.10",
            requestParameters = new { name = "audit-trail" },
            eventID = eventId,
            eventType = "AwsApiCall",
            recipientAccountId = "111122223333",
        });

        var path = Path.Combine(DayFolder, $"111122223333_CloudTrail_us-east-1_20240305{slotAndSuffix}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { Records = records }));
        return path;
    }
}
