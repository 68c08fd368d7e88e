using Vigil.Contracts.Storage;

namespace Vigil.Console.Rules;

/// <summary>
/// The log files below the tenant's folder sources, newest first by modification time. Files of
/// every kind are listed; the back-test reads what Vigil recognises and reports the rest. The host
/// registers a listing that reads the tenant's S3 sources as well.
/// </summary>
public sealed class FolderSourceLogs(ISourceStore sources) : IRuleBackTestLogs
{
    public async Task<StoredLogListing> ListAsync(string tenantId, int maxObjects, CancellationToken cancellationToken) =>
        new(ListFolders(await sources.ListAsync(tenantId, cancellationToken), maxObjects), []);

    /// <summary>Returns the newest <paramref name="maxObjects"/> files below the folder sources among <paramref name="tenantSources"/>, newest first.</summary>
    public static IReadOnlyList<(StoredLogObject Object, DateTimeOffset LastModified)> ListFolderFiles(IEnumerable<SourceDefinition> tenantSources, int maxObjects)
    {
        var files = new List<FileInfo>();
        foreach (var source in tenantSources)
        {
            if (source.Kind != SourceKind.Folder || string.IsNullOrEmpty(source.Folder) || !Directory.Exists(source.Folder))
            {
                continue;
            }

            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden };
            files.AddRange(new DirectoryInfo(source.Folder).EnumerateFiles("*", options));
        }

        return [.. files
            .OrderByDescending(file => file.LastWriteTimeUtc)
            .Take(maxObjects)
            .Select(file => (new StoredLogObject(file.FullName, _ => Task.FromResult<Stream>(file.OpenRead())), new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero)))];
    }

    private static IReadOnlyList<StoredLogObject> ListFolders(IEnumerable<SourceDefinition> tenantSources, int maxObjects) =>
        [.. ListFolderFiles(tenantSources, maxObjects).Select(file => file.Object)];
}
