using Microsoft.Extensions.Options;
using Vigil.Console;
using Vigil.Host;
using Vigil.Host.Configuration;
using Vigil.Host.Ingest;
using Vigil.Host.Services;

var builder = WebApplication.CreateBuilder(args);

// Serve the static files of MudBlazor and the console from the build output in every environment,
// not only under `dotnet run` in Development.
builder.WebHost.UseStaticWebAssets();

var options = builder.Configuration.GetSection(VigilHostOptions.SectionName).Get<VigilHostOptions>() ?? new VigilHostOptions();
var validation = new VigilHostOptionsValidator().Validate(null, options);
if (validation.Failed)
{
    System.Console.Error.WriteLine("Vigil cannot start because of its configuration:");
    foreach (var failure in validation.Failures ?? [])
    {
        System.Console.Error.WriteLine("  " + failure);
    }

    return 2;
}

// Enrichment files load before the host starts, so a missing or unusable file stops it with the reason.
Vigil.Enrichment.IpEnricher enricher;
var enrichmentErrors = new List<Vigil.Enrichment.EnrichmentError>();
try
{
    enricher = Vigil.Enrichment.IpEnricher.Load(options.Enrichment.ToSettings(), enrichmentErrors);
}
catch (Vigil.Enrichment.EnrichmentFileException exception)
{
    System.Console.Error.WriteLine("Vigil cannot start because of an enrichment file: " + exception.Message);
    return 2;
}

builder.Services.AddSingleton(enricher);
builder.Services.AddHostedService(services => new EnrichmentReportService(
    enricher, enrichmentErrors, services.GetRequiredService<ILogger<EnrichmentReportService>>()));
builder.AddVigilHost(options);
builder.AddVigilTelemetry();
builder.Services.AddVigilConsole(options.Console);

var app = builder.Build();
if (options.Console.LocalDemo)
{
    app.Logger.LogWarning("Vigil runs as a local demo (Vigil:Console:LocalDemo=true): local accounts sign in without further settings; do not use this setting on a shared deployment");
}

// New endpoints go into UseVigilEndpoints, where the tenant-isolation tests find them.
app.UseVigilEndpoints();

try
{
    await app.RunAsync();
}
catch (Vigil.Host.Services.DatabaseStartupException exception)
{
    // Logged as well as printed, so it reaches both the journal and a collector.
    app.Logger.LogCritical(exception, "Vigil cannot start: {Reason}", exception.Message);
    System.Console.Error.WriteLine("Vigil cannot start: " + exception.Message);
    return 3;
}

return 0;
