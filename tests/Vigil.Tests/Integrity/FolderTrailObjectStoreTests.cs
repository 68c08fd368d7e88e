using System.Text;
using Vigil.Ingestion.Integrity;

namespace Vigil.Tests.Integrity;

public sealed class FolderTrailObjectStoreTests : IDisposable
{
    private readonly TrailFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void ParseMetadata_HeadObjectOutput_ReadsMetadata()
    {
        var metadata = FolderTrailObjectStore.ParseMetadata(
            """{"ContentLength":512,"Metadata":{"signature":"abcd","signature-algorithm":"SHA256withRSA"}}"""u8.ToArray(), "digest.json.gz.metadata.json");

        Assert.Equal("abcd", metadata["signature"]);
        Assert.Equal("SHA256withRSA", metadata["signature-algorithm"]);
    }

    [Fact]
    public void ParseMetadata_HeaderNames_PrefixRemoved()
    {
        var metadata = FolderTrailObjectStore.ParseMetadata(
            """{"X-Amz-Meta-Signature":"abcd","x-amz-meta-signature-algorithm":"SHA256withRSA"}"""u8.ToArray(), "digest.json.gz.metadata.json");

        Assert.Equal("abcd", metadata["signature"]);
        Assert.Equal("SHA256withRSA", metadata["signature-algorithm"]);
    }

    [Fact]
    public void ParseMetadata_InvalidJson_NamesFile()
    {
        var error = Assert.Throws<InvalidDataException>(() => FolderTrailObjectStore.ParseMetadata("{\"signature\":"u8.ToArray(), "digest.json.gz.metadata.json"));

        Assert.StartsWith("the metadata file digest.json.gz.metadata.json is not valid JSON at line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_KeyLeavingFolder_NotFound()
    {
        await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(folder.Root)!, "outside.json"), "{}");
        var store = new FolderTrailObjectStore(folder.Root);

        Assert.Null(await store.OpenAsync("../outside.json", CancellationToken.None));
        Assert.Null(await store.OpenAsync("AWSLogs/../../outside.json", CancellationToken.None));
        Assert.Null(await store.OpenAsync("/etc/hostname", CancellationToken.None));
        Assert.Null(await store.OpenAsync("", CancellationToken.None));
    }

    [Fact]
    public async Task Open_ExistingKey_ReturnsContent()
    {
        folder.WriteGzip("AWSLogs/a.json.gz", Encoding.UTF8.GetBytes("{}"));
        var store = new FolderTrailObjectStore(folder.Root);

        await using var stream = await store.OpenAsync("AWSLogs/a.json.gz", CancellationToken.None);

        Assert.NotNull(stream);
    }

    [Fact]
    public async Task ListDigestKeys_SkipsLogsAndSidecars()
    {
        folder.WriteChain(2, logsPerDigest: 1);
        var store = new FolderTrailObjectStore(folder.Root);

        var keys = await store.ListDigestKeysAsync(CancellationToken.None);

        var digestKeys = keys.Where(key => DigestKey.TryParse(key) is not null).ToList();
        Assert.Equal([folder.Digests[0].Key, folder.Digests[1].Key], digestKeys);
        Assert.DoesNotContain(keys, key => key.Contains("/CloudTrail/", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_MissingFolder_Throws()
    {
        Assert.Throws<DirectoryNotFoundException>(() => new FolderTrailObjectStore(Path.Combine(folder.Root, "missing")));
    }
}
