namespace Vigil.Detection.Dns;

/// <summary>
/// The current event-time window of an endpoint's DNS rules: per registrable domain, the distinct
/// data-carrying subdomains, and the generated-looking domains. A query older than the window is not
/// counted; a query past its end starts a new window. Kept in memory only, so a grain that is
/// deactivated starts its window again.
/// </summary>
public sealed class DnsWindowState
{
    private DnsWindow? current;

    /// <summary>Drops the current window.</summary>
    public void Reset() => current = null;

    /// <summary>Returns the window of <paramref name="time"/>, or null for a query older than the current window.</summary>
    public DnsWindow? For(DateTimeOffset time, TimeSpan length)
    {
        var start = new DateTimeOffset(time.UtcTicks - (time.UtcTicks % length.Ticks), TimeSpan.Zero);
        if (current is null || start > current.Start)
        {
            current = new DnsWindow(start);
        }

        return start == current.Start ? current : null;
    }
}

/// <summary>The counts of one window.</summary>
public sealed class DnsWindow(DateTimeOffset start)
{
    private readonly Dictionary<string, TunnelCounts> tunnels = new(StringComparer.Ordinal);
    private readonly List<string> dgaCandidates = [];

    public DateTimeOffset Start { get; } = start;

    /// <summary>Generated-looking registrable domains of the window, in the order first seen.</summary>
    public IReadOnlyList<string> DgaCandidates => dgaCandidates;

    /// <summary>Returns the counts of a registrable domain; when the window is full, the domain with the fewest names is dropped first.</summary>
    public TunnelCounts Tunnel(string registrable, int maxDomains)
    {
        if (tunnels.TryGetValue(registrable, out var counts))
        {
            return counts;
        }

        if (tunnels.Count >= maxDomains)
        {
            var weakest = tunnels.MinBy(pair => pair.Value.Unique).Key;
            tunnels.Remove(weakest);
        }

        counts = new TunnelCounts();
        tunnels[registrable] = counts;
        return counts;
    }

    /// <summary>Adds a generated-looking domain; false when it is already counted or the window holds <paramref name="maxDomains"/>.</summary>
    public bool AddDgaCandidate(string registrable, int maxDomains)
    {
        if (dgaCandidates.Count >= maxDomains || dgaCandidates.Contains(registrable, StringComparer.Ordinal))
        {
            return false;
        }

        dgaCandidates.Add(registrable);
        return true;
    }
}

/// <summary>Distinct data-carrying subdomains of one registrable domain in one window, with their length and entropy sums.</summary>
public sealed class TunnelCounts
{
    /// <summary>Most names remembered per domain; past it the count stops growing, which is past every sensible threshold.</summary>
    private const int MaxNames = 4_096;

    private readonly HashSet<ulong> names = [];

    public int Unique => names.Count;

    public double LengthSum { get; private set; }

    public double EntropySum { get; private set; }

    /// <summary>True once the finding of this domain was raised in this window.</summary>
    public bool Raised { get; set; }

    /// <summary>Adds a name by its hash; false when it was already counted.</summary>
    public bool Add(ulong hash, int length, double entropy)
    {
        if (names.Count >= MaxNames || !names.Add(hash))
        {
            return false;
        }

        LengthSum += length;
        EntropySum += entropy;
        return true;
    }
}
