namespace Vigil.Ingestion.VpcFlow;

/// <summary>
/// The outcome of reading one text flow log object: records read and rejected, and header lines
/// recognised (none for a file in the default format without a header). It also records whether the
/// default version 2 layout was used, and gives the error that stopped the object early, if any.
/// </summary>
public sealed record VpcFlowTextSummary(long RecordsRead, long RecordsRejected, long HeaderLines, bool UsedDefaultFormat, string? Error);

/// <summary>The outcome of reading one Parquet flow log object: rows read and rejected, row groups, and the error that stopped it, if any.</summary>
public sealed record VpcFlowParquetSummary(long RecordsRead, long RecordsRejected, int RowGroups, string? Error);
