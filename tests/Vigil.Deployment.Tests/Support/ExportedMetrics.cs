using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Detection.Intel;
using Vigil.Grains.Diagnostics;
using Vigil.Host;
using Vigil.Ingestion.ThreatLists;
using Vigil.Testing;

namespace Vigil.Deployment.Tests.Support;

/// <summary>
/// Scrapes <c>/metrics</c> from an in-memory test server (no socket) that has the host's telemetry
/// set-up, after recording one value on each of Vigil's instruments, looking up a small threat list
/// and running one PostgreSQL command, and keeps the sample names.
/// </summary>
public sealed class ExportedMetrics : IAsyncLifetime
{
    private WebApplication? app;

    /// <summary>Names of the samples in the scrape, such as <c>vigil_ingest_lag_seconds_bucket</c>.</summary>
    public IReadOnlySet<string> SampleNames { get; private set; } = new HashSet<string>();

    /// <summary>The scrape output in the Prometheus text format.</summary>
    public string Scrape { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();

        // An OTLP endpoint in the test's environment would make the host export over the network.
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("OTEL_EXPORTER_OTLP_ENDPOINT", "")]);
        builder.AddVigilTelemetry();
        app = builder.Build();
        app.MapVigilOperations();
        await app.StartAsync();

        RecordSamples(app.Services.GetRequiredService<IMeterFactory>());

        // One command on the real local database, so Npgsql's instruments have a value too.
        await using (var dataSource = NpgsqlDataSource.Create(await LocalPostgres.GetConnectionStringAsync()))
        await using (var command = dataSource.CreateCommand("SELECT 1"))
        {
            await command.ExecuteScalarAsync();
        }

        using var client = app.GetTestClient();

        // One request first, so the HTTP server instruments have a value in the scrape.
        using (var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative)))
        {
            live.EnsureSuccessStatusCode();
        }

        Scrape = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        SampleNames = Scrape.Split('\n')
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line[..line.IndexOfAny(['{', ' '])])
            .ToHashSet(StringComparer.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static void RecordSamples(IMeterFactory meterFactory)
    {
        var instruments = new VigilInstruments(meterFactory);
        var finished = DateTimeOffset.UtcNow;
        var record = new ObjectRecord
        {
            TenantId = "default",
            ObjectKey = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/01/sample.json.gz",
            Fingerprint = "1024@2026-01-01T00:00:00Z",
            Kind = ObjectKind.CloudTrail,
            RecordsRead = 10,
            RecordsRejected = 1,
            DuplicatesDropped = 2,
            FindingsRaised = 1,
            StartedAt = finished.AddSeconds(-1),
            FinishedAt = finished,
        };
        instruments.RecordObject(record, finished.AddMinutes(-5));
        instruments.RecordFindings("UnauthorizedAccess:IAMUser/MaliciousIPCaller", 1);
        FindingInstruments.RecordRaised("UnauthorizedAccess:IAMUser/MaliciousIPCaller");
        FindingInstruments.RecordUpdated("UnauthorizedAccess:IAMUser/MaliciousIPCaller");
        FindingInstruments.RecordSuppressed("Recon:EC2/Portscan", FindingInstruments.TypeDisabled);
        instruments.RecordGrainCall(ObjectKind.CloudTrail, 250);

        // Real lookups in a small snapshot: one match and one miss of each kind, and one trusted address.
        var registry = new ThreatIntelRegistry();
        registry.Load("default", [
            new ThreatListSource("threats", "198.51.100.0/24\nbad.example.net\n"),
            new ThreatListSource("office", "198.51.100.12\n") { Kind = ThreatListKind.Trusted },
        ]);
        var snapshot = registry.For("default");
        snapshot.TryMatch("198.51.100.13", out _);
        snapshot.TryMatch("198.51.100.12", out _);
        snapshot.TryMatch("203.0.113.1", out _);
        snapshot.TryMatchDomain("www.bad.example.net", out _);
        snapshot.TryMatchDomain("example.org", out _);
    }
}
