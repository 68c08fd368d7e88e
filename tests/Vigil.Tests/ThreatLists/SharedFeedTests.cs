using Vigil.Ingestion.ThreatLists;
using Xunit.Abstractions;

namespace Vigil.Tests.ThreatLists;

/// <summary>
/// Loads the public threat feeds under <c>$VIGIL_SHARED_DATA/intel</c>. The folders hold plain lists
/// of addresses and domains (several providers' block lists, domain-generation samples, and Maltrail
/// trail files with comments, <c>host:port</c> lines, URLs and bare paths) and STIX 2.1 bundles from the
/// OASIS examples. The ThreatFox JSON export under <c>opensearch-project_security-analytics</c> is in a
/// format Vigil does not read and is left out.
/// </summary>
public sealed class SharedFeedTests(ITestOutputHelper output)
{
    /// <summary>Feed folders and the format each file in them is read as.</summary>
    private static readonly (string Folder, string Pattern, ThreatListFormat Format)[] Feeds =
    [
        ("CriticalPathSecurity_Public-Intelligence-Feeds", "*.txt", ThreatListFormat.Txt),
        ("andrewaeva_DGA", "*.txt", ThreatListFormat.Txt),
        ("stamparm_maltrail", "*.txt", ThreatListFormat.Txt),
        ("oasis-open_cti-stix2-json-schemas", "*.json", ThreatListFormat.Stix),
    ];

    /// <summary>Bundles that hold no indicator at all (only infrastructure, malware and relationship objects), so they load no entries.</summary>
    private static readonly HashSet<string> BundlesWithoutIndicators = ["infrastructure.json"];

    [SharedDataFact]
    public void Parse_EveryFeed_LoadsEntries()
    {
        var files = MappedFiles().ToList();
        Assert.NotEmpty(files);
        foreach (var (path, format) in files)
        {
            var name = Path.GetFileName(path);
            using var stream = File.OpenRead(path);

            var parsed = ThreatListParsers.Parse(format, stream, name);

            output.WriteLine($"{Path.GetRelativePath(IntelFolder, path)} as {format}: {parsed.Entries.Count} addresses, {parsed.Domains.Count} domains, {parsed.RejectedCount} rejected, {parsed.Notes.Count} notes");
            Assert.True(BundlesWithoutIndicators.Contains(name) || parsed.Entries.Count + parsed.Domains.Count > 0, $"{name} loaded no entries");
            Assert.Equal(parsed.RejectedCount, parsed.Errors.Count);
            Assert.All(parsed.Errors, error => Assert.True(error.Line > 0 && error.Reason.Length > 0, error.ToString()));
        }
    }

    [SharedDataFact]
    public void TryDetectFormat_EveryFeed_MatchesMapping()
    {
        foreach (var (path, format) in MappedFiles())
        {
            using var reader = new StreamReader(path);
            var start = new char[64 * 1024];
            var length = reader.ReadBlock(start, 0, start.Length);

            var detected = ThreatListParsers.TryDetectFormat(start.AsSpan(0, length), out var detectedFormat);

            Assert.True(detected, $"{path}: no format detected");
            Assert.Equal(format, detectedFormat);
        }
    }

    private static string IntelFolder => Path.Combine(SharedDataFactAttribute.Folder, "intel");

    private static IEnumerable<(string Path, ThreatListFormat Format)> MappedFiles() =>
        Feeds
            .Where(feed => Directory.Exists(Path.Combine(IntelFolder, feed.Folder)))
            .SelectMany(feed => Directory.GetFiles(Path.Combine(IntelFolder, feed.Folder), feed.Pattern).Order(StringComparer.Ordinal).Select(path => (path, feed.Format)));
}
