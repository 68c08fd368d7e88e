namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// The column of a CSV list that contains its entries: a header name (matched exactly first, then without
/// regard to case and surrounding spaces) or a 0-based index.
/// </summary>
public sealed record CsvColumn
{
    private CsvColumn(string? name, int? index)
    {
        Name = name;
        Index = index;
    }

    /// <summary>The header name of the column, or null when the column is chosen by index.</summary>
    public string? Name { get; }

    /// <summary>The 0-based index of the column, or null when the column is chosen by name.</summary>
    public int? Index { get; }

    public static CsvColumn Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new CsvColumn(name, null);
    }

    public static CsvColumn AtIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new CsvColumn(null, index);
    }

    public override string ToString() => Name is null ? $"column {Index}" : $"column '{Name}'";
}
