using Vigil.Contracts.Storage;
using Vigil.Detection.Findings;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Intel;

/// <summary>
/// Changes tenant lists the way every front end (CLI, console, API) must: it parses the content to count
/// and report its entries, stores it with its version and audit entry, and raises
/// <see cref="TrustedListChangeFinding"/> when a trusted list was widened.
/// </summary>
public sealed class ListCatalogue(IThreatListStore store, IFindingSink findings, TimeProvider clock)
{
    /// <summary>Parses and stores a list; throws <see cref="ArgumentException"/> for an invalid format or kind.</summary>
    public async Task<ListImportResult> ImportAsync(ListImportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ThreatListParsers.TryParseStoredFormat(request.Format, out var format, out var options))
        {
            throw new ArgumentException($"Invalid list format '{request.Format}'; use txt, stix, otxcsv, alienvault, proofpoint, fireeye or csv:COLUMN.", nameof(request));
        }

        if (request.Kind is not ("threat" or "trusted"))
        {
            throw new ArgumentException($"Invalid list kind '{request.Kind}'; use threat or trusted.", nameof(request));
        }

        var parsed = ThreatListParsers.Parse(format, new StringReader(request.Content), request.Name, options);
        var now = clock.GetUtcNow();
        var sha256 = ThreatIntelRegistry.Sha256Of(request.Content);
        var saved = await store.SaveAsync(
            new StoredThreatList
            {
                TenantId = request.TenantId,
                Name = request.Name,
                Format = request.Format,
                Kind = request.Kind,
                Content = request.Content,
                Sha256 = sha256,
                UpdatedAt = now,
                UpdatedBy = request.Actor,
                Status = request.Activate ? ListStatus.Activating : ListStatus.Inactive,
                EntryCount = parsed.Entries.Count + parsed.Domains.Count,
                RejectedCount = parsed.RejectedCount,
                Source = request.Source,
                RefreshInterval = request.RefreshInterval,
            },
            cancellationToken);

        var raised = false;
        if (request.Kind == "trusted" && request.Activate)
        {
            var wasInUse = saved.PreviousStatus is ListStatus.Active or ListStatus.Activating;
            var previous = wasInUse && saved.PreviousContent is not null ? EntriesOf(format, options, saved.PreviousContent, request.Name) : [];
            var current = EntriesOf(parsed);
            var added = current.Where(entry => !previous.Contains(entry)).ToList();
            var removed = previous.Count(entry => !current.Contains(entry));
            var action = "activated";
            if (saved.PreviousStatus is null)
            {
                action = "created";
            }
            else if (wasInUse)
            {
                action = "updated";
            }

            if (added.Count > 0 || action != "updated")
            {
                var change = new TrustedListChange(request.Name, saved.Version, sha256, request.Actor, action, now) { AddedEntries = added, RemovedCount = removed };
                await RaiseAsync(request.TenantId, change, cancellationToken);
                raised = true;
            }
        }

        return new ListImportResult(parsed, saved, raised);
    }

    /// <summary>Activates or deactivates a list; activating a trusted list raises <see cref="TrustedListChangeFinding"/>. False when there is no such list.</summary>
    public async Task<bool> SetActiveAsync(string tenantId, string name, bool active, string actor, CancellationToken cancellationToken)
    {
        var list = await store.FindAsync(tenantId, name, cancellationToken);
        if (list is null || !await store.SetActiveAsync(tenantId, name, active, actor, cancellationToken))
        {
            return false;
        }

        if (active && list.Kind == "trusted" && list.Status is ListStatus.Inactive or ListStatus.Error
            && ThreatListParsers.TryParseStoredFormat(list.Format, out var format, out var options))
        {
            var entries = EntriesOf(format, options, list.Content, name);
            var change = new TrustedListChange(name, list.Version, list.Sha256, actor, "activated", clock.GetUtcNow()) { AddedEntries = [.. entries] };
            await RaiseAsync(tenantId, change, cancellationToken);
        }

        return true;
    }

    private async Task RaiseAsync(string tenantId, TrustedListChange change, CancellationToken cancellationToken)
    {
        var context = new DetectionContext(tenantId, ThreatIntelSnapshot.Empty, clock);
        await findings.WriteAsync(tenantId, [TrustedListChangeFinding.Create(context, change)], cancellationToken);
    }

    /// <summary>The entries of a list as normalised text (network or domain), in list order without repeats.</summary>
    private static List<string> EntriesOf(ParsedList parsed)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var entries = new List<string>();
        foreach (var entry in parsed.Entries)
        {
            var text = entry.Network.ToString();
            if (seen.Add(text))
            {
                entries.Add(text);
            }
        }

        foreach (var domain in parsed.Domains)
        {
            if (seen.Add(domain.Domain))
            {
                entries.Add(domain.Domain);
            }
        }

        return entries;
    }

    private static HashSet<string> EntriesOf(ThreatListFormat format, ListParserOptions? options, string content, string name) =>
        new(EntriesOf(ThreatListParsers.Parse(format, new StringReader(content), name, options)), StringComparer.OrdinalIgnoreCase);
}

/// <summary>A list to import: its tenant, name, content, stored format name (csv:COLUMN for a CSV column), kind, who imports it and whether to activate it.</summary>
public sealed record ListImportRequest(string TenantId, string Name, string Content, string Format, string Kind, string Actor)
{
    /// <summary>False stores the list as inactive, so it is not used until it is activated.</summary>
    public bool Activate { get; init; } = true;

    /// <summary>The <c>s3://bucket/key</c> URL the content was read from, to refresh it from; null for an uploaded file.</summary>
    public string? Source { get; init; }

    /// <summary>How often a list with a <see cref="Source"/> is fetched again.</summary>
    public TimeSpan? RefreshInterval { get; init; }
}

/// <summary>The parsed list, how it was saved, and whether a trusted-list finding was raised.</summary>
public sealed record ListImportResult(ParsedList Parsed, ListSaveResult Saved, bool RaisedTrustedListFinding);
