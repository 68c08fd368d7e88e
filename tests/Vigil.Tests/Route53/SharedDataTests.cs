namespace Vigil.Tests.Route53;

public sealed class SharedDataTests
{
    /// <summary>
    /// Returns the files under <c>dns/</c> of the shared data that are Route 53 Resolver query logs:
    /// JSON with a <c>query_timestamp</c> field. The Zeek dns.log captures there use other field names.
    /// </summary>
    private static List<string> ResolverLogFiles()
    {
        var folder = Path.Combine(SharedDataFactAttribute.Folder, "dns");
        return [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(path => File.ReadAllText(path).Contains("\"query_timestamp\"", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
    }

    [SharedDataFact]
    public async Task Read_SharedResolverLogs_NoRejections()
    {
        var files = ResolverLogFiles();
        Assert.NotEmpty(files);

        foreach (var path in files)
        {
            var read = await Route53Read.BytesAsync(File.ReadAllBytes(path), Path.GetFileName(path));

            Assert.True(read.Rejections.Count == 0, $"{path}: {string.Join("; ", read.Rejections)}");
            Assert.True(read.Records.Count > 0, $"{path}: no records read");
        }
    }

    [SharedDataFact]
    public async Task Read_SharedResolverLogs_NamesNormalised()
    {
        foreach (var path in ResolverLogFiles())
        {
            var read = await Route53Read.BytesAsync(File.ReadAllBytes(path), Path.GetFileName(path));

            Assert.All(read.Records, record => Assert.False(record.NormalizedQueryName.EndsWith('.'), record.QueryName));
            Assert.All(read.Records, record => Assert.Equal(record.NormalizedQueryName.ToLowerInvariant(), record.NormalizedQueryName));
            Assert.All(read.Records, record => Assert.True(record.IsQueryNameValid, record.QueryName));
        }
    }
}
