using System.Diagnostics;
using System.Text;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// Measures threat-list lookups. It writes a plain-text list of the given size (IPv4 addresses and
/// ranges, IPv6 addresses and ranges, domains), parses and compiles it. Then it times lookups of
/// address text and domain names against the snapshot on one thread and counts the bytes they allocate.
/// </summary>
internal static class ListBenchmark
{
    /// <summary>Shares of the entries: IPv4 addresses, IPv4 ranges, IPv6 addresses, IPv6 ranges, domains.</summary>
    private static readonly (string Kind, double Share)[] Mix = [("ipv4", 0.5), ("ipv4-cidr", 0.1), ("ipv6", 0.15), ("ipv6-cidr", 0.05), ("domain", 0.2)];

    public static ListBenchmarkResult Run(int entries, int lookups, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(entries * 24);
        var queries = new Dictionary<string, List<string>>
        {
            ["ipv4"] = [],
            ["ipv6"] = [],
            ["domain"] = [],
        };
        foreach (var (kind, share) in Mix)
        {
            var count = (int)(entries * share);
            for (var i = 0; i < count; i++)
            {
                var entry = Entry(kind, random);
                text.Append(entry).Append('\n');
                if (i % 64 == 0)
                {
                    queries[kind.StartsWith("ipv4", StringComparison.Ordinal) ? "ipv4" : kind.StartsWith("ipv6", StringComparison.Ordinal) ? "ipv6" : "domain"].Add(HitFor(kind, entry));
                }
            }
        }

        // Half of the queries miss: random addresses and names that the generator does not write.
        var lookupSets = queries.ToDictionary(pair => pair.Key, pair => Interleave(pair.Value, Misses(pair.Key, pair.Value.Count, random)));

        var content = text.ToString();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var stopwatch = Stopwatch.StartNew();
        var parsed = ThreatListParsers.Parse(ThreatListFormat.Txt, new StringReader(content), "bench", new ListParserOptions { MaxEntries = Math.Max(entries + 1, 2_000_000) });
        var parseTime = stopwatch.Elapsed;
        stopwatch.Restart();
        var snapshot = ThreatIntelSnapshot.Build([(new ThreatListInfo("bench", null), parsed.Entries, parsed.Domains)]);
        var compileTime = stopwatch.Elapsed;
        var rejected = parsed.RejectedCount;
        parsed = null;
        content = null;
        text.Clear();
        GC.KeepAlive(parsed);
        var snapshotBytes = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;

        var phases = new List<LookupPhase>();
        foreach (var (kind, values) in lookupSets)
        {
            var lookup = kind == "domain"
                ? (Func<string, bool>)(name => snapshot.TryMatchDomain(name, out _))
                : address => snapshot.TryMatch(address, out _);
            Measure(values, lookup, Math.Max(1, lookups / 20));
            phases.Add(Measure(values, lookup, lookups) with { Kind = kind });
        }

        return new ListBenchmarkResult(snapshot.EntryCount, rejected, parseTime, compileTime, snapshotBytes, phases);
    }

    private static LookupPhase Measure(List<string> values, Func<string, bool> lookup, int lookups)
    {
        var matches = 0;
        var stopwatch = new Stopwatch();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        stopwatch.Start();
        for (var i = 0; i < lookups; i++)
        {
            if (lookup(values[i % values.Count]))
            {
                matches++;
            }
        }

        stopwatch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return new LookupPhase("", lookups, matches, stopwatch.Elapsed, allocated);
    }

    private static string Entry(string kind, Random random) => kind switch
    {
        "ipv4" => $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}",
        "ipv4-cidr" => Ipv4Range(random),
        "ipv6" => $"2001:db8:{random.Next(0x10000):x}:{random.Next(0x10000):x}::{random.Next(1, 0x10000):x}",
        "ipv6-cidr" => $"2001:db8:{random.Next(0x10000):x}:{random.Next(0x10000):x}::/64",
        _ => $"{Label(random, 10)}.{Label(random, 6)}.example",
    };

    private static string Ipv4Range(Random random)
    {
        var prefix = random.Next(16, 31);
        var address = (uint)random.NextInt64(1L << 24, 224L << 24) & (uint.MaxValue << (32 - prefix));
        return $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}/{prefix}";
    }

    /// <summary>A query that the entry matches: the address itself, an address inside the range, or a subdomain.</summary>
    private static string HitFor(string kind, string entry) => kind switch
    {
        "ipv4-cidr" => entry[..entry.IndexOf('/')],
        "ipv6-cidr" => entry[..entry.IndexOf('/')] + "1",
        "domain" => "www." + entry,
        _ => entry,
    };

    private static List<string> Misses(string kind, int count, Random random) =>
        [.. Enumerable.Range(0, count).Select(_ => kind switch
        {
            "ipv4" => $"{random.Next(224, 240)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}",
            "ipv6" => $"2001:db9:{random.Next(0x10000):x}::{random.Next(1, 0x10000):x}",
            _ => $"{Label(random, 10)}.{Label(random, 6)}.example.org",
        })];

    private static List<string> Interleave(List<string> hits, List<string> misses) =>
        [.. hits.Zip(misses).SelectMany(pair => new[] { pair.First, pair.Second })];

    private static string Label(Random random, int length) =>
        string.Create(length, random, (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + source.Next(26));
            }
        });
}

internal sealed record ListBenchmarkResult(int Entries, int Rejected, TimeSpan ParseTime, TimeSpan CompileTime, long SnapshotBytes, IReadOnlyList<LookupPhase> Lookups);

internal sealed record LookupPhase(string Kind, int Lookups, int Matches, TimeSpan Elapsed, long AllocatedBytes)
{
    public double PerSecond => Lookups / Elapsed.TotalSeconds;

    public double BytesPerLookup => (double)AllocatedBytes / Lookups;
}
