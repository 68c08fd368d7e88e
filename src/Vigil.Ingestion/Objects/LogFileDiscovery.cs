using Vigil.Contracts.Storage;

namespace Vigil.Ingestion.Objects;

/// <summary>
/// Finds CloudTrail log objects in a local folder laid out like the S3 bucket
/// (<c>AWSLogs/[o-org/]account/CloudTrail/region/YYYY/MM/DD/file.json.gz</c>) or flat.
/// </summary>
public static class LogFileDiscovery
{
    /// <summary>Lists the files below <paramref name="root"/> (or the single file it names) in key order.</summary>
    public static IReadOnlyList<LogObject> Enumerate(string root)
    {
        if (File.Exists(root))
        {
            var file = new FileInfo(root);
            return [Describe(file, file.Name)];
        }

        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The log folder '{root}' does not exist.");
        }

        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
            ReturnSpecialDirectories = false,
        };

        var objects = new List<LogObject>();
        foreach (var path in Directory.EnumerateFiles(root, "*", options))
        {
            var file = new FileInfo(path);
            var key = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            objects.Add(Describe(file, key));
        }

        objects.Sort((left, right) => string.CompareOrdinal(left.Key, right.Key));
        return objects;
    }

    /// <summary>
    /// Guesses the kind of an object from its key, for listings. The ingestor decides from the
    /// content (<c>LogObjectInspector</c>). AWS names deliveries with <c>CloudTrail-Digest</c>,
    /// <c>vpcflowlogs</c> and <c>vpcdnsquerylogs</c> in the key, and CloudTrail logs end in <c>.json</c> or <c>.json.gz</c>.
    /// </summary>
    public static ObjectKind KindFromKey(string key)
    {
        var name = key[(key.LastIndexOf('/') + 1)..];
        if (key.Contains("CloudTrail-Digest", StringComparison.Ordinal))
        {
            return ObjectKind.CloudTrailDigest;
        }

        if (key.Contains("vpcflowlogs", StringComparison.Ordinal) || name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            return ObjectKind.VpcFlow;
        }

        if (key.Contains("vpcdnsquerylogs", StringComparison.Ordinal))
        {
            return ObjectKind.Route53;
        }

        if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".json.gz", StringComparison.OrdinalIgnoreCase))
        {
            return ObjectKind.CloudTrail;
        }

        return ObjectKind.Unknown;
    }

    /// <summary>True for keys of Parquet objects (<c>.parquet</c>).</summary>
    public static bool IsParquet(string key) => key.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    private static LogObject Describe(FileInfo file, string key) =>
        new(file.FullName, key, KindFromKey(key), $"{file.Length}:{file.LastWriteTimeUtc.Ticks}");
}

/// <summary>
/// A log object found in a folder: its path, its key (relative path with '/' separators), the kind
/// guessed from the key, and a fingerprint of size and modification time that changes when it is rewritten.
/// </summary>
public sealed record LogObject(string Path, string Key, ObjectKind Kind, string Fingerprint);
