using System.Text;
using Vigil.Host.Integrity;
using Vigil.Host.Services;
using Vigil.Storage;
using Vigil.Testing;
using Vigil.Tests.Integrity;

namespace Vigil.Host.Tests.Integrity;

/// <summary>Continuous validation of a tenant's folder source, beside the host's watched folder.</summary>
public sealed class FolderTrailValidationTests(PostgresFixture database) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly TrailFolder folder = new();
    private readonly TestClock clock = new();
    private readonly RecordingFindingSink sink = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task TenantFolderSource_RaisesForItsTenant()
    {
        folder.WriteChain(2);
        folder.WritePrimaryKey();
        folder.WriteGzip(folder.Digests[1].LogKeys[0], Encoding.UTF8.GetBytes("""{"Records":[]}"""));
        var source = await TrailSources.SaveFolderSourceAsync(database, "tenant-folder", folder.Root);
        var validator = TrailSources.Validator(database, TrailSources.KeysFromFile(folder.PublicKeyPath, clock), sink, clock);

        var first = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);
        var second = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        var finding = Assert.Single(first.Findings);
        Assert.Equal("Stealth:S3/CloudTrailLogFileModified", finding.Type);
        Assert.Equal("tenant-folder", Assert.Single(sink.Written).TenantId);
        Assert.Empty(second.Findings);
    }

    [Fact]
    public async Task ChainBreak_StoredWithNewestDigestKey()
    {
        folder.WriteChain(2);
        folder.WriteDigest(folder.Digests[^1].End.AddHours(5), 1, starting: true);
        folder.WritePrimaryKey();
        var source = await TrailSources.SaveFolderSourceAsync(database, "tenant-breaks", folder.Root);
        var validator = TrailSources.Validator(database, TrailSources.KeysFromFile(folder.PublicKeyPath, clock), sink, clock);

        var result = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.Null(result.Error);
        var state = Assert.Single(await new PostgresTrailIntegrityStore(database.DataSource).ListAsync("tenant-breaks", CancellationToken.None), state => state.SourceId == source.Id);
        Assert.Equal(1, state.ChainBreaks);
        Assert.Equal(folder.Digests[^1].Key, state.NewestDigestKey);
        Assert.Equal(folder.Digests[^1].End, state.NewestDigestEnd);
        Assert.Equal(3, state.DigestsValid);
    }

    [Fact]
    public async Task MissingFolder_StoresError()
    {
        var source = await TrailSources.SaveFolderSourceAsync(database, "tenant-folder", Path.Combine(folder.Root, "gone"));
        folder.WritePrimaryKey();
        var validator = TrailSources.Validator(database, TrailSources.KeysFromFile(folder.PublicKeyPath, clock), sink, clock);

        var result = await validator.CheckAsync(source, TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.True(result.Leased);
        Assert.Contains("does not exist", result.Error, StringComparison.Ordinal);
        Assert.Empty(sink.Written);
    }

    [Fact]
    public void SourceKinds_FolderAndS3Only()
    {
        Assert.True(SourceTrailValidator.CanValidate(Source(Contracts.Storage.SourceKind.Folder)));
        Assert.True(SourceTrailValidator.CanValidate(Source(Contracts.Storage.SourceKind.S3Listing)));
        Assert.True(SourceTrailValidator.CanValidate(Source(Contracts.Storage.SourceKind.S3Notifications)));
        Assert.False(SourceTrailValidator.CanValidate(Source(Contracts.Storage.SourceKind.Firehose)));
    }

    private static Contracts.Storage.SourceDefinition Source(Contracts.Storage.SourceKind kind) => new()
    {
        Id = SourceRunnerService.WatchFolderSourceId("t"),
        TenantId = "t",
        Name = "n",
        Kind = kind,
        UpdatedAt = DateTimeOffset.UnixEpoch,
        UpdatedBy = "test",
    };
}
