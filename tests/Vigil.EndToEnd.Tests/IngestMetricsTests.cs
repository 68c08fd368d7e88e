using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Vigil.Cli.Replay;
using Vigil.Grains.Ingest;

namespace Vigil.EndToEnd.Tests;

/// <summary>The grain call and batch size instruments, recorded while a replay silo ingests a flow log.</summary>
public sealed class IngestMetricsTests : IAsyncLifetime
{
    private const string Tenant = "tenant-a";
    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-ingest-metrics-" + Guid.NewGuid().ToString("N"));
    private ReplaySilo? silo;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        silo = await ReplaySilo.StartAsync(null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            await silo.DisposeAsync();
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task FlowLog_OneGrainCallPerEndpoint()
    {
        var measurements = new ConcurrentQueue<(string Instrument, long Value, string? Kind)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            // Other test classes run replay silos in this process; only this silo's meter counts.
            if (ReferenceEquals(instrument.Meter.Scope, silo!.MeterFactory) && instrument.Name is "vigil.ingest.grain_calls" or "vigil.ingest.batch_records")
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? kind = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "kind")
                {
                    kind = tag.Value as string;
                }
            }

            measurements.Enqueue((instrument.Name, value, kind));
        });
        listener.Start();

        // Two records of one network interface and one of another: two grains, one batch each.
        var path = Path.Combine(folder, "flow.log");
        await File.WriteAllTextAsync(path, """
            version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
            2 111122223333 eni-0a1b2c3d4e5f60002 198.51.100.10 10.0.2.20 41000 22 6 12 2400 1700000000 1700000060 ACCEPT OK
            2 111122223333 eni-0a1b2c3d4e5f60002 198.51.100.11 10.0.2.20 41000 22 6 12 2400 1700000000 1700000060 ACCEPT OK
            2 111122223333 eni-0a1b2c3d4e5f60003 198.51.100.10 10.0.2.21 41000 22 6 12 2400 1700000000 1700000060 ACCEPT OK
            """, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        var logObject = new ObjectToRead("flow.log", "1", _ => Task.FromResult<Stream>(File.OpenRead(path)));
        var result = await silo!.Ingestor.IngestAsync(IngestTarget.AnyAccount(Tenant), logObject, CancellationToken.None);

        Assert.Null(result.Record.Error);
        var calls = measurements.Where(measurement => measurement.Instrument == "vigil.ingest.grain_calls").ToList();
        var batches = measurements.Where(measurement => measurement.Instrument == "vigil.ingest.batch_records").ToList();
        Assert.Equal(2, calls.Sum(call => call.Value));
        Assert.All(calls, call => Assert.Equal("VpcFlow", call.Kind));
        Assert.Equal([1L, 2L], batches.Select(batch => batch.Value).Order());
        Assert.All(batches, batch => Assert.Equal("VpcFlow", batch.Kind));
    }
}
