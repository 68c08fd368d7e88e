using Vigil.Contracts.Storage;

namespace Vigil.Grains.Ingest;

/// <summary>Totals over the objects of one folder pass.</summary>
public sealed class FolderIngestSummary
{
    /// <summary>Objects read in this pass, including failed ones and those that were not log files.</summary>
    public int ObjectsRead { get; set; }

    /// <summary>Objects not read: already done, or failed earlier and not yet due for another attempt.</summary>
    public int ObjectsSkipped { get; set; }

    /// <summary>Objects due to be read but leased by another reader, usually another silo reading them now.</summary>
    public int ObjectsLeasedByOthers { get; set; }

    public int ObjectsFailed { get; set; }

    /// <summary>Objects whose name or content showed they are not logs Vigil reads (digests counted apart).</summary>
    public int ObjectsNotLogs { get; set; }

    public int DigestObjects { get; set; }

    public long RecordsRead { get; set; }

    public long RecordsRejected { get; set; }

    public long DuplicatesDropped { get; set; }

    /// <summary>Finding occurrences raised; the findings they aggregate into may be fewer.</summary>
    public long FindingsRaised { get; set; }

    public void Add(ObjectRecord record)
    {
        ObjectsRead++;
        if (record.Error is not null)
        {
            ObjectsFailed++;
        }
        else if (record.Kind == ObjectKind.Unknown)
        {
            ObjectsNotLogs++;
        }
        else if (record.Kind == ObjectKind.CloudTrailDigest)
        {
            DigestObjects++;
        }

        RecordsRead += record.RecordsRead;
        RecordsRejected += record.RecordsRejected;
        DuplicatesDropped += record.DuplicatesDropped;
        FindingsRaised += record.FindingsRaised;
    }

    /// <summary>Returns a one-line account of the pass for people, without a final full stop.</summary>
    public string Describe() =>
        $"Read {Count(RecordsRead, "record")} from {Count(ObjectsRead, "object")} " +
        $"({ObjectsSkipped} skipped as done or waiting for a retry, {ObjectsLeasedByOthers} leased by other readers, {ObjectsFailed} failed, " +
        $"{ObjectsNotLogs} not log files, {Count(DigestObjects, "digest")}); " +
        $"{RecordsRejected} rejected, {DuplicatesDropped} duplicates dropped, {Count(FindingsRaised, "finding occurrence")}";

    private static string Count(long count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
}
