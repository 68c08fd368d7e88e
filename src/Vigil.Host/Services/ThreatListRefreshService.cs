using Vigil.Contracts.Storage;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Host.Services;

/// <summary>
/// Loads every tenant's threat lists from the database into this silo's <see cref="ThreatIntelRegistry"/>
/// at start and every 30 seconds, so a list imported on any silo reaches all of them.
/// </summary>
public sealed partial class ThreatListRefreshService(IThreatListStore store, ThreatIntelRegistry registry, ILogger<ThreatListRefreshService> logger) : BackgroundService
{
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, string> loadedVersions = new(StringComparer.Ordinal);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first load happens before the host reports started, so no event is scored without the lists.
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRefreshFailed(logger, exception);
            }
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var lists = await store.LoadAllAsync(cancellationToken);

        // A tenant whose last list was deleted gets an empty snapshot instead of keeping the old one.
        var current = lists.Select(list => list.TenantId).ToHashSet(StringComparer.Ordinal);
        foreach (var tenantId in loadedVersions.Keys.Where(tenantId => !current.Contains(tenantId)).ToList())
        {
            registry.Replace(tenantId, ThreatIntelSnapshot.Empty);
            loadedVersions.Remove(tenantId);
            LogListsRemoved(logger, tenantId);
        }

        foreach (var tenant in lists.GroupBy(list => list.TenantId, StringComparer.Ordinal))
        {
            var version = string.Join(',', tenant.OrderBy(list => list.Name, StringComparer.Ordinal).Select(list => $"{list.Kind}:{list.Format}:{list.Sha256}"));
            if (loadedVersions.TryGetValue(tenant.Key, out var loaded) && loaded == version)
            {
                continue;
            }

            var parsed = registry.Load(tenant.Key, tenant.Select(ToSource));
            loadedVersions[tenant.Key] = version;
            LogListsLoaded(logger, tenant.Key, tenant.Count(), registry.For(tenant.Key).EntryCount, parsed.Sum(list => list.RejectedCount));
        }
    }

    /// <summary>
    /// Turns a stored list into a parser input. The format is stored by name (GuardDuty's names are
    /// accepted); <c>csv:column</c> names the CSV column that contains the indicators.
    /// </summary>
    private ThreatListSource ToSource(StoredThreatList list)
    {
        var formatName = list.Format;
        ListParserOptions? options = null;
        if (formatName.StartsWith("csv:", StringComparison.OrdinalIgnoreCase))
        {
            options = new ListParserOptions { CsvColumn = CsvColumn.Named(formatName[4..]) };
            formatName = "csv";
        }

        if (!ThreatListParsers.TryParseFormatName(formatName, out var format))
        {
            LogUnknownFormat(logger, list.TenantId, list.Name, list.Format);
            format = ThreatListFormat.Txt;
        }

        var kind = string.Equals(list.Kind, "trusted", StringComparison.OrdinalIgnoreCase) ? ThreatListKind.Trusted : ThreatListKind.Threat;
        return new ThreatListSource(list.Name, list.Content) { Format = format, Kind = kind, Options = options };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "List {ListName} of tenant {TenantId} has the unknown format {Format}; it is read as plain text")]
    private static partial void LogUnknownFormat(ILogger logger, string tenantId, string listName, string format);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {ListCount} threat lists for tenant {TenantId}: {EntryCount} entries, {RejectedLines} lines rejected")]
    private static partial void LogListsLoaded(ILogger logger, string tenantId, int listCount, int entryCount, int rejectedLines);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} has no threat lists any more; its list snapshot is now empty")]
    private static partial void LogListsRemoved(ILogger logger, string tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing threat lists from the database failed; the previous lists stay in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
