using System.Buffers;
using Vigil.Contracts.Events;

namespace Vigil.Ingestion.VpcFlow;

/// <summary>
/// The checked values of the version 2 fields for every row of one Parquet row group, filled one
/// column at a time by <see cref="FlowParquetColumn.FillDefaultFormat"/>. A row whose value in some
/// column is not in the usual form is only marked, and the reader builds that row with
/// <see cref="FlowRecordBuilder"/>, which gives the same record or the rejection.
/// </summary>
/// <remarks>
/// The arrays come from <see cref="ArrayPool{T}"/> and go back in <see cref="Dispose"/>. A value
/// counts only where its bit in <see cref="Filled"/> is set, so the value arrays are not cleared.
/// </remarks>
internal sealed class DefaultFormatRows : IDisposable
{
    // Indexed by field slot, like the bits of Filled.
    private readonly long[]?[] numbers = new long[]?[64];
    private readonly string?[]?[] texts = new string?[]?[64];

    public DefaultFormatRows(int rows)
    {
        Rows = rows;
        Filled = ArrayPool<ulong>.Shared.Rent(rows);
        Filled.AsSpan(0, rows).Clear();
        NeedsFieldByField = ArrayPool<bool>.Shared.Rent(rows);
        NeedsFieldByField.AsSpan(0, rows).Clear();
    }

    public int Rows { get; }

    /// <summary>One bit per field slot with a value, per row.</summary>
    public ulong[] Filled { get; }

    /// <summary>Per row: true when a value is not in the usual form, so the row is read field by field.</summary>
    public bool[] NeedsFieldByField { get; }

    /// <summary>Returns the array of numbers of a numeric field, renting it on first use.</summary>
    public long[] NumbersOf(FlowField field) => numbers[field.Slot] ??= ArrayPool<long>.Shared.Rent(Rows);

    /// <summary>Returns the array of strings of a text or address field, renting it on first use.</summary>
    public string?[] TextsOf(FlowField field) => texts[field.Slot] ??= ArrayPool<string?>.Shared.Rent(Rows);

    /// <summary>Builds the record of a row that was not marked in <see cref="NeedsFieldByField"/>, as <see cref="FlowRecordBuilder.Build"/> does.</summary>
    public FlowRecord Build(int row, DateTimeOffset ingestTime)
    {
        var filled = Filled[row];
        return new FlowRecord
        {
            IngestTime = ingestTime,
            Version = Int32(filled, FlowFields.Version, row),
            AccountId = Text(filled, FlowFields.AccountId, row),
            InterfaceId = Text(filled, FlowFields.InterfaceId, row),
            SourceAddress = Text(filled, FlowFields.SourceAddress, row),
            DestinationAddress = Text(filled, FlowFields.DestinationAddress, row),
            SourcePort = Int32(filled, FlowFields.SourcePort, row),
            DestinationPort = Int32(filled, FlowFields.DestinationPort, row),
            Protocol = Int32(filled, FlowFields.Protocol, row),
            Packets = Int64(filled, FlowFields.Packets, row),
            Bytes = Int64(filled, FlowFields.Bytes, row),
            Start = Time(filled, FlowFields.Start, row),
            End = Time(filled, FlowFields.End, row),
            Action = Text(filled, FlowFields.Action, row),
            LogStatus = Text(filled, FlowFields.LogStatus, row),
        };
    }

    public void Dispose()
    {
        ArrayPool<ulong>.Shared.Return(Filled);
        ArrayPool<bool>.Shared.Return(NeedsFieldByField);
        foreach (var array in numbers)
        {
            if (array is not null)
            {
                ArrayPool<long>.Shared.Return(array);
            }
        }

        foreach (var array in texts)
        {
            if (array is not null)
            {
                // Cleared, so the pool does not keep the strings alive.
                ArrayPool<string?>.Shared.Return(array, clearArray: true);
            }
        }
    }

    private static bool Has(ulong filled, FlowField field) => (filled & (1UL << field.Slot)) != 0;

    private string? Text(ulong filled, FlowField field, int row) => Has(filled, field) ? texts[field.Slot]![row] : null;

    private long? Int64(ulong filled, FlowField field, int row) => Has(filled, field) ? numbers[field.Slot]![row] : null;

    private int? Int32(ulong filled, FlowField field, int row) => Has(filled, field) ? (int)numbers[field.Slot]![row] : null;

    private DateTimeOffset? Time(ulong filled, FlowField field, int row) =>
        Has(filled, field) ? DateTimeOffset.FromUnixTimeSeconds(numbers[field.Slot]![row]) : null;
}
