using Vigil.Contracts.Storage;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Intel;

/// <summary>
/// Fetches the tenant lists read from S3 when they are due. New content goes through
/// <see cref="ListCatalogue"/> as a new version (so a widened trusted list raises its finding); an
/// unchanged object only moves the next fetch; a failed fetch sets the list's status to error with the
/// reason, and its last content stays in use.
/// </summary>
public sealed class TenantListRefresher(IThreatListStore store, ListCatalogue catalogue, ITenantListSourceReader reader, TimeProvider clock)
{
    /// <summary>How long a claimed list is left to one silo before another may fetch it again.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(10);

    /// <summary>Fetches every due list; returns one result per list claimed.</summary>
    public async Task<IReadOnlyList<TenantFetchResult>> RefreshDueAsync(string actor, CancellationToken cancellationToken)
    {
        var due = await store.ClaimDueFetchesAsync(clock.GetUtcNow(), ClaimLease, cancellationToken);
        var results = new List<TenantFetchResult>(due.Count);
        foreach (var list in due)
        {
            results.Add(await FetchAsync(list, actor, cancellationToken));
        }

        return results;
    }

    private async Task<TenantFetchResult> FetchAsync(StoredThreatList list, string actor, CancellationToken cancellationToken)
    {
        string content;
        try
        {
            if (!S3ListUrl.TryParse(list.Source, out var url, out var error))
            {
                throw new ListSourceException(error);
            }

            content = await reader.ReadAsync(url, cancellationToken);
        }
        catch (ListSourceException exception)
        {
            var reason = "fetch failed: " + exception.Message;
            await store.ReportFetchAsync(list.TenantId, list.Name, reason, clock.GetUtcNow(), actor, cancellationToken);
            return new TenantFetchResult(list.TenantId, list.Name, null, reason);
        }

        if (ThreatIntelRegistry.Sha256Of(content) == list.Sha256)
        {
            await store.ReportFetchAsync(list.TenantId, list.Name, null, clock.GetUtcNow(), actor, cancellationToken);
            return new TenantFetchResult(list.TenantId, list.Name, null, null);
        }

        var request = new ListImportRequest(list.TenantId, list.Name, content, list.Format, list.Kind, actor)
        {
            Source = list.Source,
            RefreshInterval = list.RefreshInterval,
        };
        var imported = await catalogue.ImportAsync(request, cancellationToken);
        return new TenantFetchResult(list.TenantId, list.Name, imported, null);
    }
}

/// <summary>The outcome of fetching one tenant list: the import when the content changed, or why the fetch failed.</summary>
public sealed record TenantFetchResult(string TenantId, string Name, ListImportResult? Imported, string? FailureReason);
