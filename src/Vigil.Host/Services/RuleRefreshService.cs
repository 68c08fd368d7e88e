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
/// tenant with a source that has not received them yet.
/// </summary>
public sealed partial class RuleRefreshService(IRuleStore store, ISourceStore sources, RuleRegistry registry, TimeProvider clock, ILogger<RuleRefreshService> logger) : BackgroundService
{
    private readonly HashSet<string> seededTenants = new(StringComparer.Ordinal);

    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, string> loadedVersions = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tenant, string Rule), long> reportedTimeouts = [];
    private readonly Dictionary<(string Tenant, string Rule), long> reportedDryRunMatches = [];

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

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await SeedNewTenantsAsync(cancellationToken);
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
            var shipped = ShippedRules.All.Select(file => new StoredRule
            {
                TenantId = tenantId,
                Name = file.Name,
                Yaml = file.Yaml,
                Sha256 = StoredRule.HashOf(file.Yaml),
                UpdatedAt = now,
                UpdatedBy = "vigil",
            }).ToList();
            var stored = await store.SeedAsync(tenantId, shipped, now, cancellationToken);
            seededTenants.Add(tenantId);
            if (stored > 0)
            {
                LogSeeded(logger, stored, tenantId);
            }
        }
    }

    private void ReportRegexTimeouts()
    {
        foreach (var tenantId in registry.Tenants)
        {
            var ruleSet = registry.For(tenantId);
            foreach (var rule in ruleSet.Rules.Where(rule => rule.Header.DryRun))
            {
                ReportDryRun(tenantId, rule.Header, rule.MatchCount);
            }

            foreach (var correlation in ruleSet.Correlations.Where(correlation => correlation.Header.DryRun))
            {
                ReportDryRun(tenantId, correlation.Header, correlation.HitCount);
            }

            foreach (var rule in ruleSet.Rules)
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

    private void ReportDryRun(string tenantId, RuleHeader header, long total)
    {
        var key = (tenantId, "dry-run\n" + header.Key);
        reportedDryRunMatches.TryGetValue(key, out var reported);
        if (total > reported)
        {
            LogDryRunMatches(logger, tenantId, LogText.Escape(header.Key), LogText.Escape(header.Source), total - reported, total);
            reportedDryRunMatches[key] = total;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Installed {Count} rule files shipped with Vigil for tenant {TenantId}")]
    private static partial void LogSeeded(ILogger logger, int count, string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dry-run rule {RuleKey} ({Source}) of tenant {TenantId} matched {Count} more times, {Total} since it was loaded; no findings were raised")]
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
