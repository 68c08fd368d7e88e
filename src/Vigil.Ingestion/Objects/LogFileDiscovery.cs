using System.IO.Enumeration;
using Vigil.Contracts.Storage;

namespace Vigil.Ingestion.Objects;

/// <summary>
/// Finds CloudTrail log objects in a local folder laid out like the S3 bucket
/// (<c>AWSLogs/[o-org/]account/CloudTrail/region/YYYY/MM/DD/file.json.gz</c>) or flat.
/// </summary>
public static class LogFileDiscovery
{
    /// <summary>
    /// Lists the files below <paramref name="root"/> (or the single file it names) in ordinal key
    /// order, as a recursive <see cref="Directory.EnumerateFiles(string, string, EnumerationOptions)"/>
    /// would: hidden and system entries and folders that cannot be read are skipped, symbolic links to
    /// folders are followed, and a symbolic link to a file is listed with its own size and time.
    /// </summary>
    /// <remarks>
    /// The listing walks one folder at a time and holds only the entries of the folders on the current
    /// path. A pass over a large watched folder runs every poll interval, and a list of every file
    /// would exceed 85,000 bytes (the large object heap threshold) past 8,192 files. Such arrays are
    /// freed only by full collections. A single folder with more than 2,048 entries (40 bytes each)
    /// still puts its list on the large object heap.
    /// </remarks>
    public static IEnumerable<LogObject> Enumerate(string root)
    {
        if (File.Exists(root))
        {
            var file = new FileInfo(root);
            return [new LogObject(file.FullName, file.Name, KindFromKey(file.Name), Fingerprint(file.Length, file.LastWriteTimeUtc))];
        }

        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The log folder '{root}' does not exist.");
        }

        return EnumerateFolder(Path.GetFullPath(root), keyPrefix: "");
    }

    private static IEnumerable<LogObject> EnumerateFolder(string folder, string keyPrefix)
    {
        foreach (var entry in ListFolder(folder, isRoot: keyPrefix.Length == 0))
        {
            if (entry.IsFolder)
            {
                foreach (var logObject in EnumerateFolder(entry.Path, keyPrefix + entry.SortName))
                {
                    yield return logObject;
                }
            }
            else
            {
                var key = keyPrefix + entry.SortName;
                yield return new LogObject(entry.Path, key, KindFromKey(key), Fingerprint(entry.Length, entry.LastWriteTimeUtc));
            }
        }
    }

    /// <summary>Returns the entries of one folder in key order. A sub-folder removed since its parent was listed has none.</summary>
    private static List<FolderEntry> ListFolder(string folder, bool isRoot)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
            ReturnSpecialDirectories = false,
        };

        List<FolderEntry> entries;
        try
        {
            entries = new FileSystemEnumerable<FolderEntry>(folder, Describe, options).ToList();
        }
        catch (DirectoryNotFoundException) when (!isRoot)
        {
            // The listing is lazy, so a sub-folder can be moved away while the objects before it are read.
            return [];
        }

        // A folder sorts by its name followed by '/', the separator of the keys below it. Names
        // contain no '/', so this order equals the ordinal order of the full keys.
        entries.Sort((left, right) => string.CompareOrdinal(left.SortName, right.SortName));
        return entries;
    }

    private static FolderEntry Describe(ref FileSystemEntry entry)
    {
        var name = entry.FileName.ToString();
        return entry.IsDirectory
            ? new FolderEntry(entry.ToFullPath(), name + "/", IsFolder: true, 0, default)
            : new FolderEntry(entry.ToFullPath(), name, IsFolder: false, entry.Length, entry.LastWriteTimeUtc.UtcDateTime);
    }

    private static string Fingerprint(long length, DateTime lastWriteTimeUtc) => $"{length}:{lastWriteTimeUtc.Ticks}";

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
}

/// <summary>One entry of a listed folder: a sub-folder's <see cref="SortName"/> ends with '/'.</summary>
internal readonly record struct FolderEntry(string Path, string SortName, bool IsFolder, long Length, DateTime LastWriteTimeUtc);

/// <summary>
/// A log object found in a folder: its path, its key (relative path with '/' separators), the kind
/// guessed from the key, and a fingerprint of size and modification time that changes when it is rewritten.
/// </summary>
public sealed record LogObject(string Path, string Key, ObjectKind Kind, string Fingerprint);
