using Vigil.Contracts.Storage;

namespace Vigil.Console.Rules;

/// <summary>
/// The log files below the tenant's folder sources, newest first by modification time. Files of
/// every kind are listed; the back-test reads what Vigil recognises and reports the rest.
/// </summary>
public sealed class FolderSourceLogs(ISourceStore sources) : IRuleBackTestLogs
{
    public async Task<IReadOnlyList<StoredLogObject>> ListAsync(string tenantId, int maxObjects, CancellationToken cancellationToken)
    {
        // NOTE: S3 listing and notification sources are not read here; back-test their logs with
        // `vigil replay --rules` over a copy of the bucket.
        var files = new List<FileInfo>();
        foreach (var source in await sources.ListAsync(tenantId, cancellationToken))
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
            .Select(file => new StoredLogObject(file.FullName, _ => Task.FromResult<Stream>(file.OpenRead())))];
    }
}
