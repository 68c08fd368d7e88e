using Vigil.Contracts.Storage;
using Vigil.Grains.Ingest;

namespace Vigil.Cli.Commands;

/// <summary>
/// Adds what <c>vigil ingest</c> reads to the tenant's command-line source, so the console's
/// Sources page and the Overview's ingest health show the runs beside the sources the host reads.
/// </summary>
internal sealed class CommandLineSourceRecorder
{
    private readonly ISourceStore store;
    private readonly Guid sourceId;
    private readonly string tenantId;

    private CommandLineSourceRecorder(ISourceStore store, string tenantId)
    {
        this.store = store;
        this.tenantId = tenantId;
        sourceId = CommandLineSource.IdFor(tenantId);
    }

    /// <summary>
    /// Creates the tenant's command-line source, or notes this run's location on it. Returns null,
    /// after a warning on standard error, when another source of the tenant already has the name.
    /// </summary>
    public static async Task<CommandLineSourceRecorder?> OpenAsync(ISourceStore store, string tenantId, string location, string actor, TextWriter warnings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(warnings);
        var source = new SourceDefinition
        {
            Id = CommandLineSource.IdFor(tenantId),
            TenantId = tenantId,
            Name = CommandLineSource.Name,
            Kind = SourceKind.CommandLine,
            Folder = location,
            UpdatedAt = DateTimeOffset.UtcNow,
            UpdatedBy = actor,
        };

        try
        {
            await store.SaveAsync(source, cancellationToken);
        }
        catch (SourceConflictException)
        {
            await warnings.WriteLineAsync(
                $"warning: tenant '{tenantId}' has another source named '{CommandLineSource.Name}', so this run is not counted on the Sources page. Rename that source to count it.");
            return null;
        }

        return new CommandLineSourceRecorder(store, tenantId);
    }

    /// <summary>Adds one object's outcome to the source's counters.</summary>
    public Task RecordAsync(ObjectIngestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);

        // Counted even when the run is being cancelled: the object was read and its findings stored.
        return store.RecordProgressAsync(result.ToProgress(tenantId, sourceId), CancellationToken.None);
    }
}
