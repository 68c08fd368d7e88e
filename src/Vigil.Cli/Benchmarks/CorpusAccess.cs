using Vigil.Ingestion.Objects;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// How the floor and reader phases get the bytes of the corpus files: how many files they read at
/// a time, and whether from disk or from copies loaded into memory beforehand.
/// </summary>
/// <remarks>
/// Reading from memory on one thread leaves out file reads, the thread pool and the other core, so
/// two builds of a reader can be compared on a loaded machine. The reader targets are checked on
/// files read from disk on all cores (<see cref="Disk"/>), as a host reads them.
/// </remarks>
internal sealed class CorpusAccess
{
    private readonly IReadOnlyDictionary<string, byte[]>? contents;

    private CorpusAccess(int filesAtATime, IReadOnlyDictionary<string, byte[]>? contents)
    {
        FilesAtATime = filesAtATime;
        this.contents = contents;
    }

    /// <summary>Every file from disk, one per core at a time.</summary>
    public static CorpusAccess Disk { get; } = new(Environment.ProcessorCount, null);

    public int FilesAtATime { get; }

    /// <summary>Total size of the files loaded into memory, or null when they are read from disk.</summary>
    public long? BytesInMemory => contents?.Values.Sum(bytes => (long)bytes.Length);

    /// <summary>The report's text for how the files were read, such as "1 file at a time, from memory".</summary>
    public string Description =>
        (FilesAtATime == 1 ? "1 file at a time" : $"{FilesAtATime} files at a time") + (contents is null ? "" : ", from memory");

    /// <summary>Returns access to the files on disk, <paramref name="filesAtATime"/> at a time.</summary>
    public static CorpusAccess FromDisk(int filesAtATime) => new(filesAtATime, null);

    /// <summary>Loads every file of <paramref name="objects"/> into memory and returns access to those copies.</summary>
    public static async Task<CorpusAccess> LoadAsync(int filesAtATime, IEnumerable<LogObject> objects, CancellationToken cancellationToken)
    {
        var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var logObject in objects)
        {
            contents[logObject.Path] = await File.ReadAllBytesAsync(logObject.Path, cancellationToken);
        }

        return new CorpusAccess(filesAtATime, contents);
    }

    /// <summary>Opens one file for one sequential read, from its copy in memory when there is one.</summary>
    public Stream Open(LogObject logObject) =>
        contents is null ? FloorBenchmark.OpenFile(logObject.Path) : new MemoryStream(contents[logObject.Path], writable: false);
}
