namespace Vigil.Ingestion.Inspection;

/// <summary>Counts added up over the inspected objects.</summary>
public sealed record LogObjectInspectionTotals(long Objects, long RecordsRead, long RecordsRejected, long ObjectsFailed)
{
    public static LogObjectInspectionTotals Zero { get; } = new(0, 0, 0, 0);

    /// <summary>True when every object was read to its end without a rejected record.</summary>
    public bool IsClean => RecordsRejected == 0 && ObjectsFailed == 0;

    public LogObjectInspectionTotals Add(LogObjectInspection inspection) => new(
        Objects + 1,
        RecordsRead + inspection.RecordsRead,
        RecordsRejected + inspection.RecordsRejected,
        ObjectsFailed + (inspection.Failed ? 1 : 0));
}
