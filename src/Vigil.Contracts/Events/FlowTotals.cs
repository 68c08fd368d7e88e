namespace Vigil.Contracts.Events;

/// <summary>Bytes and packets added up over the traffic records of a set of flow records.</summary>
public sealed record FlowTotals(long Bytes, long Packets, long TrafficRecords)
{
    /// <summary>
    /// Adds up <see cref="FlowRecord.Bytes"/> and <see cref="FlowRecord.Packets"/> of every record for
    /// which <see cref="FlowRecord.IsTrafficRecord"/> is true, so NODATA and SKIPDATA records are left
    /// out. A null counter adds nothing. Throws <see cref="OverflowException"/> past <see cref="long.MaxValue"/>.
    /// </summary>
    public static FlowTotals Sum(IEnumerable<FlowRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);

        long bytes = 0;
        long packets = 0;
        long trafficRecords = 0;
        foreach (var record in records)
        {
            if (!record.IsTrafficRecord)
            {
                continue;
            }

            trafficRecords++;
            bytes = checked(bytes + (record.Bytes ?? 0));
            packets = checked(packets + (record.Packets ?? 0));
        }

        return new FlowTotals(bytes, packets, trafficRecords);
    }
}
