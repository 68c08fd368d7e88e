using Vigil.Contracts.Text;
using Vigil.Enrichment;

namespace Vigil.Host.Services;

/// <summary>Logs at start which enrichment files were loaded and which of their rows were skipped, and why.</summary>
public sealed partial class EnrichmentReportService(IpEnricher enricher, IReadOnlyList<EnrichmentError> errors, ILogger<EnrichmentReportService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Loaded(logger, enricher.Description);
        foreach (var error in errors)
        {
            RowSkipped(logger, error.File, error.Location, LogText.Escape(error.Reason));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Enrichment: {Description}")]
    private static partial void Loaded(ILogger logger, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Enrichment file {File}, {Location} was skipped: {Reason}")]
    private static partial void RowSkipped(ILogger logger, string file, string location, string reason);
}
