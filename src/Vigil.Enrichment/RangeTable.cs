namespace Vigil.Enrichment;

/// <summary>
/// Address ranges with a value each, sorted by start address, for binary search. IPv4 and IPv6 ranges
/// are kept apart. Lookups allocate nothing.
/// </summary>
internal sealed class RangeTable<T>
    where T : class
{
    private readonly uint[] v4Starts;
    private readonly uint[] v4Ends;
    private readonly T[] v4Values;
    private readonly UInt128[] v6Starts;
    private readonly UInt128[] v6Ends;
    private readonly T[] v6Values;

    private RangeTable(List<(uint Start, uint End, T Value)> v4, List<(UInt128 Start, UInt128 End, T Value)> v6)
    {
        v4Starts = [.. v4.Select(range => range.Start)];
        v4Ends = [.. v4.Select(range => range.End)];
        v4Values = [.. v4.Select(range => range.Value)];
        v6Starts = [.. v6.Select(range => range.Start)];
        v6Ends = [.. v6.Select(range => range.End)];
        v6Values = [.. v6.Select(range => range.Value)];
    }

    public int Count => v4Starts.Length + v6Starts.Length;

    public T? Find(uint address)
    {
        var index = LastStartAtOrBefore(v4Starts, address);
        return index >= 0 && address <= v4Ends[index] ? v4Values[index] : null;
    }

    public T? Find(UInt128 address)
    {
        var index = LastStartAtOrBefore(v6Starts, address);
        return index >= 0 && address <= v6Ends[index] ? v6Values[index] : null;
    }

    private static int LastStartAtOrBefore<TKey>(TKey[] starts, TKey address)
        where TKey : IComparable<TKey>
    {
        var low = 0;
        var high = starts.Length - 1;
        var found = -1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            if (starts[middle].CompareTo(address) <= 0)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }

    /// <summary>Collects ranges, then sorts them and rejects those that overlap a range added before them.</summary>
    public sealed class Builder
    {
        private readonly List<(uint Start, uint End, T Value, int Line)> v4 = [];
        private readonly List<(UInt128 Start, UInt128 End, T Value, int Line)> v6 = [];

        public void Add(uint start, uint end, T value, int line) => v4.Add((start, end, value, line));

        public void Add(UInt128 start, UInt128 end, T value, int line) => v6.Add((start, end, value, line));

        /// <summary>Builds the table; a range that overlaps an earlier one (by start address) is reported through <paramref name="overlap"/> and left out.</summary>
        public RangeTable<T> Build(Action<int, string> overlap)
        {
            var keptV4 = new List<(uint, uint, T)>(v4.Count);
            v4.Sort((left, right) => left.Start.CompareTo(right.Start));
            var lastEnd = default(uint?);
            foreach (var (start, end, value, line) in v4)
            {
                if (lastEnd is { } previous && start <= previous)
                {
                    overlap(line, $"the range {IpBits.ToAddress(start)}-{IpBits.ToAddress(end)} overlaps the range before it");
                    continue;
                }

                keptV4.Add((start, end, value));
                lastEnd = end;
            }

            var keptV6 = new List<(UInt128, UInt128, T)>(v6.Count);
            v6.Sort((left, right) => left.Start.CompareTo(right.Start));
            var lastEndV6 = default(UInt128?);
            foreach (var (start, end, value, line) in v6)
            {
                if (lastEndV6 is { } previous && start <= previous)
                {
                    overlap(line, $"the range {IpBits.ToAddress(start)}-{IpBits.ToAddress(end)} overlaps the range before it");
                    continue;
                }

                keptV6.Add((start, end, value));
                lastEndV6 = end;
            }

            return new RangeTable<T>(keptV4, keptV6);
        }
    }
}
