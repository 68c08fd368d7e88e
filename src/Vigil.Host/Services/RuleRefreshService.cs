using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Rules;

namespace Vigil.Host.Services;

/// <summary>
/// Compiles every tenant's enabled rule files from the database into this silo's
/// <see cref="RuleRegistry"/> at start and every 30 seconds, so a rule imported on any silo reaches
/// all of them. A tenant's rules are recompiled only when their text or enabled flags change. Each
/// refresh also logs the rules whose regular expressions timed out since the last one. Before it
/// loads, it installs the rules shipped with Vigil (<see cref="ShippedRules"/>), enabled, for each
/// tenant with a source that has not received them yet. The matches that dry-run rules counted
/// since the previous refresh are added to <see cref="IRuleDryRunCounts"/> under the hour of the
/// refresh, and counts older than <see cref="DryRunCountRetention"/> are deleted once an hour.
/// </summary>
public sealed partial class RuleRefreshService(IRuleStore store, IRuleDryRunCounts dryRunCounts, ISourceStore sources, RuleRegistry registry, TimeProvider clock, ILogger<RuleRefreshService> logger) : BackgroundService
{
    /// <summary>How long hourly dry-run counts are kept.</summary>
    public static readonly TimeSpan DryRunCountRetention = TimeSpan.FromDays(30);

    private DateTimeOffset lastRetentionRun = DateTimeOffset.MinValue;

    private readonly HashSet<string> seededTenants = new(StringComparer.Ordinal);

    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, string> loadedVersions = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tenant, string Rule), long> reportedTimeouts = [];
    // Keyed by the compiled rule object, so a recompiled rule, whose count starts again at 0, starts a new entry.
    private readonly Dictionary<(string Tenant, object Rule), long> reportedDryRunMatches = [];

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first load happens before the host reports started, so no event is scored without the rules.
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

    internal async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await SeedNewTenantsAsync(cancellationToken);
        await StoreDryRunCountsAsync(cancellationToken);
        ReportRegexTimeouts();
        var rules = (await store.LoadAllAsync(cancellationToken)).Where(rule => rule.Enabled).ToList();

        var current = rules.Select(rule => rule.TenantId).ToHashSet(StringComparer.Ordinal);
        foreach (var tenantId in loadedVersions.Keys.Where(tenantId => !current.Contains(tenantId)).ToList())
        {
            registry.Replace(tenantId, RuleSet.Empty);
            loadedVersions.Remove(tenantId);
            LogRulesRemoved(logger, tenantId);
        }

        foreach (var tenant in rules.GroupBy(rule => rule.TenantId, StringComparer.Ordinal))
        {
            var version = string.Join(',', tenant.Select(rule => $"{rule.Name}:{rule.Sha256}:{rule.DryRun}"));
            if (loadedVersions.TryGetValue(tenant.Key, out var loaded) && loaded == version)
            {
                continue;
            }

            var compilation = registry.Load(tenant.Key, tenant.Select(rule => new RuleSource(rule.Name, rule.Yaml) { DryRun = rule.DryRun }));
            loadedVersions[tenant.Key] = version;
            foreach (var diagnostic in compilation.Diagnostics.Where(diagnostic => diagnostic.Severity == RuleDiagnosticSeverity.Error))
            {
                LogRuleRejected(logger, tenant.Key, LogText.Escape(diagnostic.ToString()));
            }

            LogRulesLoaded(logger, tenant.Key, tenant.Count(), compilation.RuleSet.Rules.Count, compilation.RuleSet.Correlations.Count, compilation.Diagnostics.Count(diagnostic => diagnostic.Severity == RuleDiagnosticSeverity.Error));
        }
    }

    private async Task SeedNewTenantsAsync(CancellationToken cancellationToken)
    {
        var tenants = (await sources.ListEnabledAsync(cancellationToken)).Select(source => source.TenantId).Where(tenantId => !seededTenants.Contains(tenantId)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var tenantId in tenants)
        {
            var now = clock.GetUtcNow();
            var shipped = ShippedRulesFor(tenantId, now);
            var stored = await store.SeedAsync(tenantId, shipped, now, cancellationToken);
            seededTenants.Add(tenantId);
            if (stored > 0)
            {
                LogSeeded(logger, stored, tenantId);
            }
        }
    }

    /// <summary>The rule files shipped with Vigil, with their test events, as a new tenant receives them.</summary>
    internal static IReadOnlyList<StoredRule> ShippedRulesFor(string tenantId, DateTimeOffset now) =>
        ShippedRules.All.Select(file =>
        {
            var (matching, nonMatching) = ShippedRules.TestEventsOf(file.Name);
            return new StoredRule
            {
                TenantId = tenantId,
                Name = file.Name,
                Yaml = file.Yaml,
                Sha256 = StoredRule.HashOf(file.Yaml),
                TestEvents = matching,
                TestEventsNoMatch = nonMatching,
                UpdatedAt = now,
                UpdatedBy = "vigil",
            };
        }).ToList();

    private void ReportRegexTimeouts()
    {
        foreach (var tenantId in registry.Tenants)
        {
            foreach (var rule in registry.For(tenantId).Rules)
            {
                var total = rule.RegexTimeouts;
                var key = (tenantId, rule.Header.Key);
                reportedTimeouts.TryGetValue(key, out var reported);
                if (total > reported)
                {
                    LogRegexTimeouts(logger, tenantId, LogText.Escape(rule.Header.Key), LogText.Escape(rule.Header.Source), total - reported);
                    reportedTimeouts[key] = total;
                }
            }
        }
    }

    /// <summary>Stores and logs the matches each dry-run rule counted since the last refresh, then drops counts past their retention.</summary>
    private async Task StoreDryRunCountsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var counts = new List<RuleDryRunCount>();
        var totals = new List<((string, object) Key, long Total)>();
        var live = new HashSet<(string, object)>();
        foreach (var tenantId in registry.Tenants)
        {
            var ruleSet = registry.For(tenantId);
            var dryRun = ruleSet.Rules.Where(rule => rule.Header.DryRun).Select(rule => (Rule: (object)rule, rule.Header, Total: rule.MatchCount))
                .Concat(ruleSet.Correlations.Where(correlation => correlation.Header.DryRun).Select(correlation => (Rule: (object)correlation, correlation.Header, Total: correlation.HitCount)));
            foreach (var (rule, header, total) in dryRun)
            {
                var key = (tenantId, rule);
                live.Add(key);
                reportedDryRunMatches.TryGetValue(key, out var reported);
                if (total > reported)
                {
                    LogDryRunMatches(logger, tenantId, LogText.Escape(header.Key), LogText.Escape(header.Source), total - reported, total);
                    counts.Add(new RuleDryRunCount(tenantId, header.Source, header.Key, RuleDryRunCount.HourOf(now), total - reported));
                    totals.Add((key, total));
                }
            }
        }

        // The reported totals advance only after the store accepted the counts, so a failed write is retried at the next refresh.
        await dryRunCounts.AddAsync(counts, cancellationToken);
        foreach (var (key, total) in totals)
        {
            reportedDryRunMatches[key] = total;
        }

        foreach (var stale in reportedDryRunMatches.Keys.Where(key => !live.Contains(key)).ToList())
        {
            reportedDryRunMatches.Remove(stale);
        }

        if (now - lastRetentionRun >= TimeSpan.FromHours(1))
        {
            await dryRunCounts.DeleteBeforeAsync(now - DryRunCountRetention, cancellationToken);
            lastRetentionRun = now;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Installed {Count} rule files shipped with Vigil for tenant {TenantId}")]
    private static partial void LogSeeded(ILogger logger, int count, string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dry-run rule {RuleKey} ({Source}) of tenant {TenantId} matched {Count} more times, {Total} since it was loaded; no findings were raised, the count is stored")]
    private static partial void LogDryRunMatches(ILogger logger, string tenantId, string ruleKey, string source, long count, long total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {FileCount} rule files for tenant {TenantId}: {RuleCount} detection rules, {CorrelationCount} correlation rules, {ErrorCount} errors")]
    private static partial void LogRulesLoaded(ILogger logger, string tenantId, int fileCount, int ruleCount, int correlationCount, int errorCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A rule of tenant {TenantId} was not loaded: {Diagnostic}")]
    private static partial void LogRuleRejected(ILogger logger, string tenantId, string diagnostic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule {RuleKey} ({Source}) of tenant {TenantId} timed out on {Count} regular-expression matches since the last report; those events counted as no match")]
    private static partial void LogRegexTimeouts(ILogger logger, string tenantId, string ruleKey, string source, long count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {TenantId} has no enabled rules any more; its rule set is now empty")]
    private static partial void LogRulesRemoved(ILogger logger, string tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing rules from the database failed; the previous rules stay in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
