using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Vigil.Grains.Diagnostics;
using Vigil.Host.Health;

namespace Vigil.Host;

/// <summary>OpenTelemetry metrics, traces and logs, the Prometheus scrape endpoint and the health checks.</summary>
public static class VigilTelemetryExtensions
{
    /// <summary>
    /// Name of the meter and the activity source of Npgsql, which report every PostgreSQL command's
    /// duration (<c>db.client.operation.duration</c>), failures and connection pool use.
    /// </summary>
    public const string NpgsqlTelemetryName = "Npgsql";

    /// <summary>True when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names a collector, the only case in which traces are recorded.</summary>
    public static bool HasOtlpCollector(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>
    /// Configures OpenTelemetry from the standard <c>OTEL_*</c> variables: metrics are always
    /// available for Prometheus at <c>/metrics</c>; metrics, traces and logs also go to an OTLP
    /// collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Traces are recorded only then.
    /// </summary>
    public static WebApplicationBuilder AddVigilTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = HasOtlpCollector(builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("vigil-host"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(VigilInstruments.Name, "Microsoft.Orleans", NpgsqlTelemetryName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            // Traces are recorded only for an exporter. Without one, a tracer provider still created and
            // tagged an activity for every grain call and PostgreSQL command. With the metrics, that
            // took 5.9% of the host's CPU samples (perf) while it ingested the corpus of
            // `vigil bench run --host` (docs/benchmarks.md, "Host profile").
            telemetry.WithTracing(tracing => tracing
                .AddSource(VigilInstruments.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", NpgsqlTelemetryName)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter());
            telemetry.WithLogging(logging => logging.AddOtlpExporter());
        }

        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<SiloHealthCheck>("silo", tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health/live</c> (the process responds), <c>/health/ready</c> (database and silo) and
    /// <c>/metrics</c>. They allow anonymous access: bind the console to a private address when
    /// these must not be public.
    /// </summary>
    public static WebApplication MapVigilOperations(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }
}
