using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Storage;

namespace Vigil.Export.Tests.Support;

/// <summary>
/// The export pipeline on a real database: the finding store whose trigger fills the outbox, the
/// export store, and a dispatcher with a fake clock, one tenant per harness.
/// </summary>
internal sealed class ExportHarness : IDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly Meter meter;

    public ExportHarness(NpgsqlDataSource dataSource, params IExportSender[] senders)
    {
        this.dataSource = dataSource;
        Findings = new PostgresFindingStore(dataSource);
        Store = new PostgresExportStore(dataSource);
        meter = new Meter(ExportInstruments.MeterName);
        Metrics = new MetricCollector<long>(meter, "vigil.export.findings");
        Instruments = new ExportInstruments(new SingleMeterFactory(meter));
        Senders = senders;
        Dispatcher = NewDispatcher("silo-a");
    }

    public string TenantId { get; } = "tenant-" + Guid.NewGuid().ToString("N")[..8];

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public PostgresFindingStore Findings { get; }

    public PostgresExportStore Store { get; }

    public ExportInstruments Instruments { get; }

    public MetricCollector<long> Metrics { get; }

    public IExportSender[] Senders { get; }

    public ExportDispatcher Dispatcher { get; }

    public ExportDispatcher NewDispatcher(string owner) =>
        new(Store, Senders, Instruments, Clock, new ExportDispatcherOptions { OwnerId = owner, MaxAttempts = 3 }, NullLogger<ExportDispatcher>.Instance);

    public async Task<ExportDestination> AddDestinationAsync(ExportDestination destination, string? secret = null, PublishingFrequency frequency = PublishingFrequency.FifteenMinutes)
    {
        var saved = destination with { TenantId = TenantId, UpdatedAt = Clock.GetUtcNow(), UpdatedBy = "admin1" };
        await Store.SetPublishingFrequencyAsync(TenantId, frequency, "admin1", Clock.GetUtcNow(), CancellationToken.None);
        await Store.SaveAsync(saved, secret, CancellationToken.None);
        return saved;
    }

    /// <summary>Writes one occurrence of a finding, which creates it or adds to its count.</summary>
    public Task WriteAsync(string findingId, string accountId = "111122223333", string region = "us-east-1") =>
        Findings.WriteAsync(TenantId, [Finding(findingId, accountId, region)], CancellationToken.None);

    /// <summary>
    /// Runs the dispatcher once, after the outbox rows written so far are visible to it: rows of a
    /// transaction still running anywhere in the cluster are held back until it ends.
    /// </summary>
    public async Task RunAsync(ExportDispatcher? dispatcher = null)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FROM export_outbox WHERE tenant_id = @tenant_id AND tx >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint");
        command.Parameters.AddWithValue("tenant_id", TenantId);
        for (var i = 0; i < 500 && (long)(await command.ExecuteScalarAsync())! > 0; i++)
        {
            await Task.Delay(10);
        }

        await (dispatcher ?? Dispatcher).RunOnceAsync(CancellationToken.None);
    }

    public static Finding Finding(string findingId, string accountId = "111122223333", string region = "us-east-1") => TestFinding.Create() with
    {
        Id = findingId,
        AccountId = accountId,
        Region = region,
        Arn = $"arn:aws:guardduty:{region}:{accountId}:detector/d/finding/{findingId}",
    };

    public void Dispose()
    {
        Metrics.Dispose();
        meter.Dispose();
    }

    private sealed class SingleMeterFactory(Meter meter) : IMeterFactory
    {
        public Meter Create(MeterOptions options) => meter;

        public void Dispose()
        {
        }
    }
}
