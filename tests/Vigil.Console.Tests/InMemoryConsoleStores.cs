using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>Rule files in memory, per tenant and name, for the console tests.</summary>
internal sealed class InMemoryRuleStore : IRuleStore
{
    private readonly Dictionary<(string Tenant, string Name), StoredRule> rules = [];

    public Task SaveAsync(StoredRule rule, CancellationToken cancellationToken)
    {
        lock (rules)
        {
            rules[(rule.TenantId, rule.Name)] = rule;
        }

        return Task.CompletedTask;
    }

    public Task<bool> SetEnabledAsync(string tenantId, string name, bool enabled, string updatedBy, CancellationToken cancellationToken)
    {
        lock (rules)
        {
            if (!rules.TryGetValue((tenantId, name), out var rule))
            {
                return Task.FromResult(false);
            }

            rules[(tenantId, name)] = rule with { Enabled = enabled, UpdatedBy = updatedBy };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<StoredRule>> LoadAllAsync(CancellationToken cancellationToken)
    {
        lock (rules)
        {
            return Task.FromResult<IReadOnlyList<StoredRule>>([.. rules.Values.OrderBy(rule => rule.TenantId, StringComparer.Ordinal).ThenBy(rule => rule.Name, StringComparer.Ordinal)]);
        }
    }

    public async Task<IReadOnlyList<StoredRule>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        [.. (await LoadAllAsync(cancellationToken)).Where(rule => rule.TenantId == tenantId)];

    public Task<StoredRule?> GetAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        lock (rules)
        {
            return Task.FromResult(rules.GetValueOrDefault((tenantId, name)));
        }
    }

    public Task<bool> DeleteAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        lock (rules)
        {
            return Task.FromResult(rules.Remove((tenantId, name)));
        }
    }

    public Task<int> SeedAsync(string tenantId, IReadOnlyList<StoredRule> seed, DateTimeOffset at, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The console does not seed rules.");
}

/// <summary>Audit entries in memory, newest last.</summary>
internal sealed class InMemoryAuditLog : IAuditLog
{
    public List<AuditEntry> Entries { get; } = [];

    public Task<long> WriteAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        lock (Entries)
        {
            Entries.Add(entry);
            return Task.FromResult((long)Entries.Count);
        }
    }

    public Task<IReadOnlyList<AuditRecord>> ListAsync(string tenantId, AuditQuery query, CancellationToken cancellationToken)
    {
        lock (Entries)
        {
            return Task.FromResult<IReadOnlyList<AuditRecord>>([.. Entries.Select((entry, index) => new AuditRecord(index + 1, entry)).Where(record => record.Entry.TenantId == tenantId).Reverse()]);
        }
    }
}

/// <summary>Export destinations, frequencies and dead letters in memory.</summary>
internal sealed class InMemoryExportStore : IExportDestinationStore
{
    private readonly Dictionary<Guid, (ExportDestination Destination, string? Secret)> destinations = [];
    private readonly Dictionary<string, PublishingFrequency> frequencies = new(StringComparer.Ordinal);

    public List<ExportDeadLetter> DeadLetters { get; } = [];

    public string? SecretOf(Guid id) => destinations[id].Secret;

    public Task<IReadOnlyList<ExportDestinationOverview>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExportDestinationOverview>>([.. destinations.Values
            .Where(item => item.Destination.TenantId == tenantId)
            .OrderBy(item => item.Destination.Name, StringComparer.Ordinal)
            .Select(item => new ExportDestinationOverview(item.Destination, new ExportDeliveryState()))]);

    public Task<ExportDestinationOverview?> GetAsync(string tenantId, Guid destinationId, CancellationToken cancellationToken) =>
        Task.FromResult(destinations.TryGetValue(destinationId, out var item) && item.Destination.TenantId == tenantId
            ? new ExportDestinationOverview(item.Destination, new ExportDeliveryState())
            : null);

    public Task SaveAsync(ExportDestination destination, string? secret, CancellationToken cancellationToken)
    {
        if (destinations.Values.Any(item => item.Destination.TenantId == destination.TenantId && item.Destination.Name == destination.Name && item.Destination.Id != destination.Id))
        {
            throw new ExportDestinationConflictException(destination.Name);
        }

        var kept = destinations.TryGetValue(destination.Id, out var existing) ? existing.Secret : null;
        destinations[destination.Id] = (destination, secret ?? kept);
        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string tenantId, Guid destinationId, CancellationToken cancellationToken) =>
        Task.FromResult(destinations.TryGetValue(destinationId, out var item) && item.Destination.TenantId == tenantId && destinations.Remove(destinationId));

    public Task<PublishingFrequency> GetPublishingFrequencyAsync(string tenantId, CancellationToken cancellationToken) =>
        Task.FromResult(frequencies.GetValueOrDefault(tenantId, PublishingFrequency.SixHours));

    public Task SetPublishingFrequencyAsync(string tenantId, PublishingFrequency frequency, string updatedBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        frequencies[tenantId] = frequency;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ExportDeadLetter>> ListDeadLettersAsync(string tenantId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExportDeadLetter>>([.. DeadLetters.Where(letter => letter.TenantId == tenantId).Take(limit)]);
}

/// <summary>Dry-run match counts in memory, summed per tenant, file, rule and hour.</summary>
internal sealed class InMemoryRuleDryRunCounts : IRuleDryRunCounts
{
    private readonly Dictionary<(string Tenant, string File, string Rule, DateTimeOffset Hour), long> counts = [];

    public Task AddAsync(IReadOnlyList<RuleDryRunCount> added, CancellationToken cancellationToken)
    {
        lock (counts)
        {
            foreach (var count in added)
            {
                var key = (count.TenantId, count.RuleFile, count.RuleKey, RuleDryRunCount.HourOf(count.Hour));
                counts[key] = counts.GetValueOrDefault(key) + count.Matches;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RuleDryRunCount>> ListAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (counts)
        {
            IReadOnlyList<RuleDryRunCount> list = [.. counts
                .Where(entry => entry.Key.Tenant == tenantId && entry.Key.Hour >= RuleDryRunCount.HourOf(since))
                .OrderBy(entry => entry.Key.Hour)
                .Select(entry => new RuleDryRunCount(entry.Key.Tenant, entry.Key.File, entry.Key.Rule, entry.Key.Hour, entry.Value))];
            return Task.FromResult(list);
        }
    }

    public Task<int> DeleteBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        lock (counts)
        {
            var old = counts.Keys.Where(key => key.Hour < before).ToList();
            old.ForEach(key => counts.Remove(key));
            return Task.FromResult(old.Count);
        }
    }
}

/// <summary>Tenants and their accounts in memory, for the console tests.</summary>
internal sealed class InMemoryTenantStore : ITenantStore
{
    private readonly List<Tenant> tenants = [];
    private readonly List<TenantAccount> accounts = [];

    public Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken)
    {
        lock (tenants)
        {
            return Task.FromResult<IReadOnlyList<Tenant>>([.. tenants.OrderBy(tenant => tenant.Id, StringComparer.Ordinal)]);
        }
    }

    public Task<Tenant?> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        lock (tenants)
        {
            return Task.FromResult(tenants.Find(tenant => tenant.Id == tenantId));
        }
    }

    public Task<bool> CreateAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        lock (tenants)
        {
            if (tenants.Exists(existing => existing.Id == tenant.Id))
            {
                return Task.FromResult(false);
            }

            tenants.Add(tenant);
            return Task.FromResult(true);
        }
    }

    public Task<bool> UpdateAsync(string tenantId, string displayName, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        lock (tenants)
        {
            var index = tenants.FindIndex(tenant => tenant.Id == tenantId);
            if (index < 0)
            {
                return Task.FromResult(false);
            }

            tenants[index] = tenants[index] with { DisplayName = displayName, Settings = settings };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<TenantAccount>> ListAccountsAsync(string tenantId, CancellationToken cancellationToken)
    {
        lock (accounts)
        {
            return Task.FromResult<IReadOnlyList<TenantAccount>>([.. accounts.Where(account => account.TenantId == tenantId)]);
        }
    }

    public Task<bool> AddAccountAsync(TenantAccount account, CancellationToken cancellationToken)
    {
        lock (accounts)
        {
            if (accounts.Exists(existing => existing.TenantId == account.TenantId && existing.AccountId == account.AccountId))
            {
                return Task.FromResult(false);
            }

            accounts.Add(account);
            return Task.FromResult(true);
        }
    }

    public Task<TenantAccount?> RemoveAccountAsync(string tenantId, string accountId, CancellationToken cancellationToken)
    {
        lock (accounts)
        {
            var account = accounts.Find(existing => existing.TenantId == tenantId && existing.AccountId == accountId);
            if (account is not null)
            {
                accounts.Remove(account);
            }

            return Task.FromResult(account);
        }
    }
}
