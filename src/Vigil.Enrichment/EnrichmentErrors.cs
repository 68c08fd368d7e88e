namespace Vigil.Enrichment;

/// <summary>A row or entry of an enrichment file that was not loaded, and why; the rest of the file is still used.</summary>
/// <param name="File">The file path as configured.</param>
/// <param name="Location">Where in the file: <c>line 12</c>, or a JSON path such as <c>prefixes[3].ip_prefix</c>.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record EnrichmentError(string File, string Location, string Reason)
{
    public override string ToString() => $"{File}, {Location}: {Reason}";
}

/// <summary>An enrichment file that cannot be used at all: missing, of no supported format, or without one usable entry.</summary>
public sealed class EnrichmentFileException : Exception
{
    public EnrichmentFileException(string message)
        : base(message)
    {
    }

    public EnrichmentFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EnrichmentFileException()
    {
    }
}

/// <summary>Collects the errors of one file, keeping the first <see cref="MaxKept"/> and counting the rest.</summary>
internal sealed class EnrichmentErrorCollector(string file)
{
    public const int MaxKept = 100;

    private readonly List<EnrichmentError> kept = [];

    public string File => file;

    public int Count { get; private set; }

    public IReadOnlyList<EnrichmentError> Kept => kept;

    public void Add(string location, string reason)
    {
        Count++;
        if (kept.Count < MaxKept)
        {
            kept.Add(new EnrichmentError(file, location, reason));
        }
    }

    public void AddLine(int line, string reason) => Add($"line {line}", reason);
}
