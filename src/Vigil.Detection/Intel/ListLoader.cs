using Vigil.Contracts.Storage;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Intel;

/// <summary>
/// Compiles the stored tenant and platform lists into a <see cref="ThreatIntelRegistry"/> and reports
/// each content's outcome to the store, which moves activating lists to active or error. A list is
/// loaded unless it is inactive or has no content yet; a platform list in error keeps its last good
/// content in use. A list that fails to load is left out, and the rest load.
/// </summary>
public sealed class ListLoader(IThreatListStore store, ThreatIntelRegistry registry)
{
    private readonly Dictionary<string, string> loadedTenantVersions = new(StringComparer.Ordinal);
    private string? loadedPlatformVersion;

    /// <summary>Loads what changed since the last call; returns the tenants whose snapshot was replaced and whether the platform lists were.</summary>
    public async Task<ListLoadSummary> LoadAsync(IReadOnlyList<StoredThreatList> tenantLists, IReadOnlyList<StoredPlatformList> platformLists, CancellationToken cancellationToken)
    {
        var outcomes = new List<(ListScope Scope, string TenantId, string Name, string Sha256, ListLoadOutcome Outcome)>();
        var platformChanged = LoadPlatform(platformLists, outcomes);

        var usable = tenantLists.Where(list => list.Status != ListStatus.Inactive).ToList();
        var current = usable.Select(list => list.TenantId).ToHashSet(StringComparer.Ordinal);
        var replaced = new List<string>();
        foreach (var tenantId in loadedTenantVersions.Keys.Where(tenantId => !current.Contains(tenantId)).ToList())
        {
            registry.Replace(tenantId, ThreatIntelSnapshot.Empty);
            loadedTenantVersions.Remove(tenantId);
            replaced.Add(tenantId);
        }

        foreach (var tenant in usable.GroupBy(list => list.TenantId, StringComparer.Ordinal))
        {
            var version = string.Join(',', tenant.OrderBy(list => list.Name, StringComparer.Ordinal).Select(list => $"{list.Name}:{list.Kind}:{list.Format}:{list.Sha256}"));
            if (loadedTenantVersions.TryGetValue(tenant.Key, out var loaded) && loaded == version && tenant.All(list => list.Status is ListStatus.Active or ListStatus.Error))
            {
                continue;
            }

            var threats = new List<(ThreatListInfo, IReadOnlyList<IpListEntry>, IReadOnlyList<DomainListEntry>)>();
            var trusted = new List<(ThreatListInfo, IReadOnlyList<IpListEntry>, IReadOnlyList<DomainListEntry>)>();
            foreach (var list in tenant)
            {
                var parsed = TryParse(list.Name, list.Format, list.Content, out var reason);

                // A list read from S3 whose last fetch failed keeps its content in use, as a platform list
                // does, and its status reason names the failed fetch, so a successful load must not clear it.
                if (list.Source is null || list.Status != ListStatus.Error || parsed is null)
                {
                    outcomes.Add((ListScope.Tenant, list.TenantId, list.Name, list.Sha256, Outcome(parsed, reason)));
                }

                if (parsed is null)
                {
                    continue;
                }

                var info = new ThreatListInfo(list.Name, list.Sha256) { Version = list.Version };
                (list.Kind == "trusted" ? trusted : threats).Add((info, parsed.Entries, parsed.Domains));
            }

            registry.Replace(tenant.Key, ThreatIntelSnapshot.Build(threats, trusted));
            loadedTenantVersions[tenant.Key] = version;
            replaced.Add(tenant.Key);
        }

        foreach (var (scope, tenantId, name, sha256, outcome) in outcomes)
        {
            await store.ReportLoadAsync(scope, tenantId, name, sha256, outcome, cancellationToken);
        }

        return new ListLoadSummary(replaced, platformChanged, outcomes.Where(item => !item.Outcome.Succeeded).Select(item => $"{item.Name}: {item.Outcome.ErrorReason}").ToList());
    }

    private bool LoadPlatform(IReadOnlyList<StoredPlatformList> platformLists, List<(ListScope, string, string, string, ListLoadOutcome)> outcomes)
    {
        var usable = platformLists.Where(list => list.Status != ListStatus.Inactive && list.Content is not null && list.Sha256 is not null).ToList();
        var version = string.Join(',', usable.Select(list => $"{list.Definition.Name}:{list.Definition.Purpose}:{list.Definition.Format}:{list.Sha256}"));
        if (version == loadedPlatformVersion && usable.All(list => list.Status is ListStatus.Active or ListStatus.Error))
        {
            return false;
        }

        var compiled = new List<(ThreatListInfo, IReadOnlyList<IpListEntry>, IReadOnlyList<DomainListEntry>)>();
        foreach (var list in usable)
        {
            ParsedList? parsed = null;
            string? reason;
            if (!ThreatPurposeNames.TryParse(list.Definition.Purpose, out var purpose) || purpose == ThreatPurpose.Custom)
            {
                reason = $"invalid purpose '{list.Definition.Purpose}'; use one of {string.Join(", ", ThreatPurposeNames.All.Skip(1))}";
            }
            else
            {
                parsed = TryParse(list.Definition.Name, list.Definition.Format, list.Content!, out reason);
            }

            // A platform list in error because its last fetch failed still loads its earlier content.
            // Its status reason names the failed fetch, so a successful load must not clear it.
            if (list.Status != ListStatus.Error || parsed is null)
            {
                outcomes.Add((ListScope.Platform, "", list.Definition.Name, list.Sha256!, Outcome(parsed, reason)));
            }

            if (parsed is not null)
            {
                compiled.Add((new ThreatListInfo(list.Definition.Name, list.Sha256) { Purpose = purpose, Version = list.Version }, parsed.Entries, parsed.Domains));
            }
        }

        registry.ReplacePlatform(PlatformIntel.Build(compiled));
        loadedPlatformVersion = version;
        return true;
    }

    private static ParsedList? TryParse(string name, string formatName, string content, out string? reason)
    {
        if (!ThreatListParsers.TryParseStoredFormat(formatName, out var format, out var options))
        {
            reason = $"invalid format '{formatName}'";
            return null;
        }

        ParsedList parsed;
        try
        {
            parsed = ThreatListParsers.Parse(format, new StringReader(content), name, options);
        }
        catch (ArgumentException exception)
        {
            reason = exception.Message;
            return null;
        }

        if (parsed.Entries.Count + parsed.Domains.Count == 0 && parsed.RejectedCount > 0)
        {
            reason = $"no entry could be loaded; {parsed.RejectedCount} rejected, the first: {parsed.Errors.FirstOrDefault()}";
            return null;
        }

        reason = null;
        return parsed;
    }

    private static ListLoadOutcome Outcome(ParsedList? parsed, string? reason) =>
        parsed is null ? new ListLoadOutcome(0, 0, reason ?? "not loaded") : new ListLoadOutcome(parsed.Entries.Count + parsed.Domains.Count, parsed.RejectedCount, null);
}

/// <summary>What one load changed: the tenants whose snapshots were replaced, whether the platform lists were, and the lists that failed.</summary>
public sealed record ListLoadSummary(IReadOnlyList<string> ReplacedTenants, bool PlatformReplaced, IReadOnlyList<string> Failures);
