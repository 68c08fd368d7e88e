using Vigil.Contracts.Storage;
using Vigil.Ingestion.Objects;

namespace Vigil.Tests.Objects;

public sealed class LogFileDiscoveryTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "vigil-discovery-" + Guid.NewGuid().ToString("N"));

    public LogFileDiscoveryTests()
    {
        Directory.CreateDirectory(root);
    }

    public void Dispose()
    {
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void Enumerate_NestedFolders_OrdinalKeyOrder()
    {
        // '-' (0x2D) and '.' (0x2E) sort before '/' (0x2F), so "a-b/x" and "a.json" come before "a/...",
        // although the folder name "a" sorts before "a-b" and "a.json".
        string[] keys = ["a/b.json", "a-b/x.json", "a.json", "a/c/d.json", "a/c.json", "b.json", "B.json", "a/c-d/e.json", "z/y/x/w.json"];
        foreach (var key in keys)
        {
            Write(key, "{}");
        }

        var listed = LogFileDiscovery.Enumerate(root).Select(logObject => logObject.Key).ToList();

        Assert.Equal(keys.Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public void Enumerate_File_FingerprintMatchesFileInfo()
    {
        var path = Write("AWSLogs/111122223333/CloudTrail/us-east-1/2026/06/01/trail.json.gz", "content");
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 6, 1, 10, 0, 0, DateTimeKind.Utc).AddTicks(1234));
        var info = new FileInfo(path);

        var logObject = Assert.Single(LogFileDiscovery.Enumerate(root));

        Assert.Equal(info.FullName, logObject.Path);
        Assert.Equal("AWSLogs/111122223333/CloudTrail/us-east-1/2026/06/01/trail.json.gz", logObject.Key);
        Assert.Equal(ObjectKind.CloudTrail, logObject.Kind);

        // The ledger compares fingerprints, so a changed format would read every object again.
        Assert.Equal($"{info.Length}:{info.LastWriteTimeUtc.Ticks}", logObject.Fingerprint);
    }

    [Fact]
    public void Enumerate_RewrittenFile_NewFingerprint()
    {
        var path = Write("flat.json", "{}");
        var before = Assert.Single(LogFileDiscovery.Enumerate(root)).Fingerprint;

        File.WriteAllText(path, "{\"Records\":[]}");

        Assert.NotEqual(before, Assert.Single(LogFileDiscovery.Enumerate(root)).Fingerprint);
    }

    [Fact]
    public void Enumerate_HiddenEntries_Skipped()
    {
        Write("visible.json", "{}");
        Write(".hidden.json", "{}");
        Write(".hidden-folder/inside.json", "{}");

        Assert.Equal(["visible.json"], LogFileDiscovery.Enumerate(root).Select(logObject => logObject.Key));
    }

    [Fact]
    public void Enumerate_SymbolicLinks_ListedLikeEnumerateFiles()
    {
        Write("real/sub/f.json", "{}");
        Directory.CreateSymbolicLink(Path.Combine(root, "link"), "real");
        File.CreateSymbolicLink(Path.Combine(root, "file-link.json"), Path.Combine("real", "sub", "f.json"));
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        var expected = Directory.EnumerateFiles(root, "*", options)
            .Select(path => new FileInfo(path))
            .Select(info => (Key: Path.GetRelativePath(root, info.FullName).Replace(Path.DirectorySeparatorChar, '/'), Fingerprint: $"{info.Length}:{info.LastWriteTimeUtc.Ticks}"))
            .OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .ToList();

        var listed = LogFileDiscovery.Enumerate(root).Select(logObject => (logObject.Key, logObject.Fingerprint)).ToList();

        Assert.Contains(listed, entry => entry.Key == "link/sub/f.json");
        Assert.Equal(expected, listed);
    }

    [Fact]
    public void Enumerate_FolderMovedAwayDuringListing_Skipped()
    {
        Write("a/1.json", "{}");
        Write("b/2.json", "{}");
        Write("c/3.json", "{}");
        var keys = new List<string>();

        foreach (var logObject in LogFileDiscovery.Enumerate(root))
        {
            keys.Add(logObject.Key);
            if (logObject.Key == "a/1.json")
            {
                Directory.Move(Path.Combine(root, "b"), Path.Combine(root, ".moved"));
            }
        }

        Assert.Equal(["a/1.json", "c/3.json"], keys);
    }

    [Fact]
    public void Enumerate_MissingRoot_Throws()
    {
        Assert.Throws<DirectoryNotFoundException>(() => LogFileDiscovery.Enumerate(Path.Combine(root, "missing")));
    }

    [Fact]
    public void Enumerate_SingleFile_KeyIsFileName()
    {
        var path = Write("one/two.json", "{}");

        var logObject = Assert.Single(LogFileDiscovery.Enumerate(path));

        Assert.Equal("two.json", logObject.Key);
        Assert.Equal(path, logObject.Path);
    }

    private string Write(string key, string content)
    {
        var path = Path.Combine(root, key.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }
}
