using Vigil.Ingestion.CloudTrail;

namespace Vigil.Ingestion.Inspection;

/// <summary>
/// The outcome of inspecting one log object: what it is, how many records were read and rejected,
/// the first rejections, and the error that stopped it, if any.
/// </summary>
public sealed record LogObjectInspection
{
    /// <summary>The path or name the object was inspected under, which rejections and errors contain too.</summary>
    public required string Name { get; init; }

    public required LogObjectKind Kind { get; init; }

    public required LogObjectFormat Format { get; init; }

    public required LogObjectCompression Compression { get; init; }

    public long RecordsRead { get; init; }

    /// <summary>Every record rejected, including those beyond <see cref="Rejections"/>.</summary>
    public long RecordsRejected { get; init; }

    /// <summary>CloudTrail Insights events among <see cref="RecordsRead"/>, which is 0 for other kinds.</summary>
    public long InsightRecords { get; init; }

    /// <summary>The first rejections in object order, at most <see cref="LogObjectInspectorOptions.MaxRejections"/>.</summary>
    public IReadOnlyList<RecordRejection> Rejections { get; init; } = [];

    /// <summary>
    /// Why the object was not read to its end or not read at all: an empty object, content of no
    /// supported kind, invalid JSON or gzip data, a size limit or a file system error. Null when it was read to the end.
    /// </summary>
    public string? Error { get; init; }

    /// <summary>True when <see cref="Error"/> is set.</summary>
    public bool Failed => Error is not null;

    /// <summary>True when the object was read to its end without a rejected record.</summary>
    public bool IsClean => Error is null && RecordsRejected == 0;
}
