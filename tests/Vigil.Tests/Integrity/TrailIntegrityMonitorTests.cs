using System.Text;
using Vigil.Contracts.Findings;
using Vigil.Detection;
using Vigil.Detection.Integrity;
using Vigil.Detection.Intel;
using Vigil.Ingestion.Integrity;
using Vigil.Tests.Support;

namespace Vigil.Tests.Integrity;

/// <summary>Continuous validation of a trail folder: each problem raises one finding, and a logged pause of logging raises none.</summary>
public sealed class TrailIntegrityMonitorTests : IDisposable
{
    private static readonly DetectionContext Context = new("tenant-a", ThreatIntelSnapshot.Empty, new FixedTimeProvider(TrailFolder.Origin.AddDays(1)));

    private readonly TrailFolder folder = new();

    public void Dispose() => folder.Dispose();

    private TrailIntegrityMonitor Monitor(PublicKeyList keys) => new(new FolderTrailObjectStore(folder.Root), TrailFolder.Bucket, keys, TrailValidatorOptions.Default);

    [Fact]
    public async Task IntactChain_RaisesNothing()
    {
        folder.WriteChain(3);
        var monitor = Monitor(folder.WritePrimaryKey());

        Assert.Empty(await monitor.CheckAsync(Context, CancellationToken.None));
    }

    [Fact]
    public async Task ModifiedLogFile_RaisesOnce()
    {
        folder.WriteChain(2);
        var monitor = Monitor(folder.WritePrimaryKey());
        var modified = folder.Digests[0].LogKeys[0];
        folder.WriteGzip(modified, Encoding.UTF8.GetBytes("""{"Records":[]}"""));

        var first = await monitor.CheckAsync(Context, CancellationToken.None);
        var second = await monitor.CheckAsync(Context, CancellationToken.None);

        var finding = Assert.Single(first);
        Assert.Equal("Stealth:S3/CloudTrailLogFileModified", finding.Type);
        Assert.Equal(8, finding.Severity);
        Assert.Equal(TrailFolder.Account, finding.AccountId);
        Assert.Equal(TrailFolder.Region, finding.Region);
        Assert.Equal(modified, finding.Service.AdditionalInfo!["object"]);
        Assert.Equal(TrailFolder.Bucket, finding.Service.Action.AwsApiCallAction!.AffectedResources!["AWS::S3::Bucket"]);
        Assert.Empty(second);
    }

    [Fact]
    public async Task DeletedLogFile_RaisesDeleted()
    {
        folder.WriteChain(2);
        var monitor = Monitor(folder.WritePrimaryKey());
        File.Delete(folder.PathOf(folder.Digests[1].LogKeys[1]));

        var finding = Assert.Single(await monitor.CheckAsync(Context, CancellationToken.None));

        Assert.Equal("Stealth:S3/CloudTrailLogFileDeleted", finding.Type);
    }

    [Fact]
    public async Task DeletedDigest_RaisesMissing()
    {
        folder.WriteChain(3);
        var monitor = Monitor(folder.WritePrimaryKey());
        folder.Delete(folder.Digests[1].Key);

        var findings = await monitor.CheckAsync(Context, CancellationToken.None);

        var finding = Assert.Single(findings);
        Assert.Equal("Stealth:S3/CloudTrailDigestMissing", finding.Type);
        Assert.Equal(folder.Digests[1].Key, finding.Service.AdditionalInfo!["object"]);
    }

    [Fact]
    public async Task AlteredDigest_RaisesInvalid()
    {
        folder.WriteChain(3);
        var monitor = Monitor(folder.WritePrimaryKey());
        var altered = Encoding.UTF8.GetString(folder.Digests[1].Content).Replace("\"hashAlgorithm\":\"SHA-256\"", "\"hashAlgorithm\":\"SHA-256\" ", StringComparison.Ordinal);
        folder.WriteGzip(folder.Digests[1].Key, Encoding.UTF8.GetBytes(altered));

        var findings = await monitor.CheckAsync(Context, CancellationToken.None);

        Assert.Contains(findings, finding => finding.Type == "Stealth:S3/CloudTrailDigestInvalid");
        Assert.DoesNotContain(findings, finding => finding.Type == "Stealth:S3/CloudTrailDigestMissing");
    }

    [Fact]
    public async Task UnexplainedGap_RaisesChainBroken()
    {
        folder.WriteChain(2);
        folder.WriteDigest(folder.Digests[^1].End.AddHours(5), 1, starting: true);
        var monitor = Monitor(folder.WritePrimaryKey());

        var finding = Assert.Single(await monitor.CheckAsync(Context, CancellationToken.None));

        Assert.Equal("Stealth:S3/CloudTrailDigestChainBroken", finding.Type);
        Assert.Equal(5, finding.Severity);
        Assert.Equal(TrailFolder.Account, finding.AccountId);
    }

    [Theory]
    [InlineData("StopLogging")]
    [InlineData("DeleteTrail")]
    [InlineData("UpdateTrail")]
    public async Task GapAfterLoggingChange_RaisesNothing(string eventName)
    {
        folder.WriteChain(1);
        folder.WriteDigest(folder.Digests[^1].End.AddHours(1), 1, eventName: eventName);
        folder.WriteDigest(folder.Digests[^1].End.AddHours(5), 1, starting: true);
        var monitor = Monitor(folder.WritePrimaryKey());

        Assert.Empty(await monitor.CheckAsync(Context, CancellationToken.None));
    }

    [Fact]
    public async Task GapAfterForgedLoggingChange_RaisesBoth()
    {
        folder.WriteChain(2);
        var forged = folder.Digests[^1].LogKeys[0];
        folder.WriteGzip(forged, Encoding.UTF8.GetBytes("""{"Records":[{"eventVersion":"1.11","eventID":"forged","eventTime":"2026-03-05T01:05:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging"}]}"""));
        folder.WriteDigest(folder.Digests[^1].End.AddHours(5), 1, starting: true);
        var monitor = Monitor(folder.WritePrimaryKey());

        var types = (await monitor.CheckAsync(Context, CancellationToken.None)).Select(finding => finding.Type).Order(StringComparer.Ordinal);

        Assert.Equal(["Stealth:S3/CloudTrailDigestChainBroken", "Stealth:S3/CloudTrailLogFileModified"], types);
    }

    [Fact]
    public async Task LaterCheck_FindsNewProblemOnly()
    {
        folder.WriteChain(2);
        var monitor = Monitor(folder.WritePrimaryKey());
        Assert.Empty(await monitor.CheckAsync(Context, CancellationToken.None));

        folder.WriteChain(1);
        File.Delete(folder.PathOf(folder.Digests[^1].LogKeys[0]));
        var findings = await monitor.CheckAsync(Context, CancellationToken.None);

        var finding = Assert.Single(findings);
        Assert.Equal("Stealth:S3/CloudTrailLogFileDeleted", finding.Type);
        Assert.Equal(folder.Digests[^1].LogKeys[0], finding.Service.AdditionalInfo!["object"]);
    }
}
