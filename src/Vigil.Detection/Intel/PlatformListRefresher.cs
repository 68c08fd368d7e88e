using Vigil.Contracts.Storage;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Intel;

/// <summary>
/// Fetches the platform lists that are due from their sources and stores each content as a new version
/// when it changed. A failed fetch sets the list's status to error with the reason, and the content of
/// the last good fetch stays in use. Silos load what is stored (<see cref="ListLoader"/>).
/// </summary>
public sealed class PlatformListRefresher(IPlatformListStore store, ListSourceReader reader, TimeProvider clock)
{
    /// <summary>How long a claimed list is left to one silo before another may fetch it again.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(10);

    /// <summary>Fetches every due list; returns one result per list claimed.</summary>
    public async Task<IReadOnlyList<PlatformFetchResult>> RefreshDueAsync(string actor, CancellationToken cancellationToken)
    {
        var due = await store.ClaimDueAsync(clock.GetUtcNow(), ClaimLease, cancellationToken);
        var results = new List<PlatformFetchResult>(due.Count);
        foreach (var list in due)
        {
            results.Add(await FetchAsync(list.Definition, actor, cancellationToken));
        }

        return results;
    }

    /// <summary>Fetches one list now, whether or not it is due.</summary>
    public async Task<PlatformFetchResult> FetchAsync(PlatformListDefinition definition, string actor, CancellationToken cancellationToken)
    {
        string content;
        try
        {
            content = await reader.ReadAsync(definition.Source, cancellationToken);
        }
        catch (ListSourceException exception)
        {
            await store.ReportFetchFailedAsync(definition.Name, exception.Message, clock.GetUtcNow(), actor, cancellationToken);
            return new PlatformFetchResult(definition.Name, null, exception.Message, null);
        }

        if (!ThreatListParsers.TryParseStoredFormat(definition.Format, out var format, out var options))
        {
            var reason = $"invalid format '{definition.Format}'";
            await store.ReportFetchFailedAsync(definition.Name, reason, clock.GetUtcNow(), actor, cancellationToken);
            return new PlatformFetchResult(definition.Name, null, reason, null);
        }

        var parsed = ThreatListParsers.Parse(format, new StringReader(content), definition.Name, options);
        var saved = await store.StoreContentAsync(
            definition.Name, content, ThreatIntelRegistry.Sha256Of(content), parsed.Entries.Count + parsed.Domains.Count, parsed.RejectedCount, clock.GetUtcNow(), actor, cancellationToken);
        return new PlatformFetchResult(definition.Name, saved, null, parsed);
    }
}

/// <summary>The outcome of fetching one platform list: how it was saved, or why the fetch failed.</summary>
public sealed record PlatformFetchResult(string Name, ListSaveResult? Saved, string? FailureReason, ParsedList? Parsed);
