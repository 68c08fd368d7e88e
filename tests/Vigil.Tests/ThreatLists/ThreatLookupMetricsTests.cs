using System.Diagnostics.Metrics;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Tests.ThreatLists;

public sealed class ThreatLookupMetricsTests
{
    private static ThreatIntelSnapshot Load()
    {
        var registry = new ThreatIntelRegistry();
        var parsed = registry.Load("tenant-a", [
            new ThreatListSource("threats", "198.51.100.0/24\nbad.example.net\n"),
            new ThreatListSource("office", "198.51.100.12\ngood.bad.example.net\n") { Kind = ThreatListKind.Trusted },
        ]);
        Assert.All(parsed, list => Assert.Empty(list.Errors));
        return registry.For("tenant-a");
    }

    /// <summary>
    /// Collects the lookups counted on this thread, because other tests look up lists in parallel
    /// and the counter is static.
    /// </summary>
    private static Dictionary<(string Kind, string Result), long> Count(Action lookups)
    {
        var thread = Environment.CurrentManagedThreadId;
        var counts = new Dictionary<(string Kind, string Result), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == ThreatLookupInstruments.MeterName && instrument.Name == "vigil.intel.lookups")
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (Environment.CurrentManagedThreadId != thread)
            {
                return;
            }

            string? kind = null;
            string? result = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "kind")
                {
                    kind = tag.Value as string;
                }
                else if (tag.Key == "result")
                {
                    result = tag.Value as string;
                }
            }

            var key = (kind ?? "missing", result ?? "missing");
            counts[key] = counts.GetValueOrDefault(key) + value;
        });
        listener.Start();

        lookups();
        return counts;
    }

    [Fact]
    public void AddressLookups_CountedByResult()
    {
        var snapshot = Load();

        var counts = Count(() =>
        {
            snapshot.TryMatch("198.51.100.13", out _);
            snapshot.TryMatch("198.51.100.12", out _);
            snapshot.TryMatch("203.0.113.1", out _);
            snapshot.TryMatch("not an address", out _);
        });

        Assert.Equal(1, counts.GetValueOrDefault(("address", "match")));
        Assert.Equal(1, counts.GetValueOrDefault(("address", "trusted")));
        Assert.Equal(2, counts.GetValueOrDefault(("address", "none")));
        Assert.Equal(3, counts.Count);
    }

    [Fact]
    public void DomainLookups_CountedByResult()
    {
        var snapshot = Load();

        var counts = Count(() =>
        {
            snapshot.TryMatchDomain("www.bad.example.net", out _);
            snapshot.TryMatchDomain("good.bad.example.net", out _);
            snapshot.TryMatchDomain("example.org", out _);
        });

        Assert.Equal(1, counts.GetValueOrDefault(("domain", "match")));
        Assert.Equal(1, counts.GetValueOrDefault(("domain", "trusted")));
        Assert.Equal(1, counts.GetValueOrDefault(("domain", "none")));
        Assert.Equal(3, counts.Count);
    }

    [Fact]
    public void TrustedLookups_NotCounted()
    {
        var snapshot = Load();

        var counts = Count(() => snapshot.TryMatchTrusted("198.51.100.12", out _));

        Assert.Empty(counts);
    }

    [Fact]
    public void Lookups_WithListener_AllocateNothing()
    {
        var snapshot = Load();
        long total = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == ThreatLookupInstruments.MeterName && instrument.Name == "vigil.intel.lookups")
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref total, value));
        listener.Start();

        // Warm up first, so JIT compilation and static initialisation are not measured.
        LookUp(snapshot);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            LookUp(snapshot);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(Interlocked.Read(ref total) >= 4_004, $"Only {total} lookups were counted.");
    }

    private static void LookUp(ThreatIntelSnapshot snapshot)
    {
        snapshot.TryMatch("198.51.100.13", out _);
        snapshot.TryMatch("198.51.100.12", out _);
        snapshot.TryMatchDomain("www.bad.example.net", out _);
        snapshot.TryMatchDomain("example.org", out _);
    }
}
