using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>Suppression rules in memory; previews and archiving go through a <see cref="FakeFindingQueries"/>.</summary>
internal sealed class FakeSuppressionRuleStore(FakeFindingQueries findings) : ISuppressionRuleStore
{
    private readonly List<(string TenantId, SuppressionRule Rule)> _rules = [];

    public List<(string TenantId, FindingCriteria Criteria)> PreviewRequests { get; } = [];

    public Task<IReadOnlyList<SuppressionRule>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SuppressionRule>>([.. _rules.Where(entry => entry.TenantId == tenantId).Select(entry => entry.Rule)]);

    public Task<SuppressionRule?> GetAsync(string tenantId, Guid ruleId, CancellationToken cancellationToken) =>
        Task.FromResult<SuppressionRule?>(_rules.FirstOrDefault(entry => entry.TenantId == tenantId && entry.Rule.Id == ruleId).Rule);

    public async Task<SuppressionPreview> PreviewAsync(string tenantId, FindingCriteria criteria, int sampleSize, CancellationToken cancellationToken)
    {
        PreviewRequests.Add((tenantId, criteria));
        var page = await findings.ListAsync(tenantId, new FindingListQuery { Criteria = criteria, Limit = 500 }, cancellationToken);
        return new SuppressionPreview(page.MatchCount, [.. page.Items.Take(sampleSize)]);
    }

    public async Task<SuppressionRuleChange> CreateAsync(string tenantId, SuppressionRuleInput input, string actor, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var rule = new SuppressionRule(Guid.NewGuid(), input.Name, input.Reason, input.Criteria, input.Enabled, input.ExpiresAt, now, actor, now, actor, 0, null);
        var archived = input.Enabled ? await findings.SetArchivedMatchingAsync(tenantId, input.Criteria, true, cancellationToken) : 0;
        rule = rule with { SuppressedCount = archived };
        _rules.Add((tenantId, rule));
        return new SuppressionRuleChange(null, rule, archived, 0);
    }

    public async Task<SuppressionRuleChange?> UpdateAsync(string tenantId, Guid ruleId, SuppressionRuleInput input, string actor, CancellationToken cancellationToken)
    {
        var index = _rules.FindIndex(entry => entry.TenantId == tenantId && entry.Rule.Id == ruleId);
        if (index < 0)
        {
            return null;
        }

        var before = _rules[index].Rule;
        var unarchived = await findings.SetArchivedMatchingAsync(tenantId, before.Criteria, false, cancellationToken);
        var archived = input.Enabled ? await findings.SetArchivedMatchingAsync(tenantId, input.Criteria, true, cancellationToken) : 0;
        var after = before with { Name = input.Name, Reason = input.Reason, Criteria = input.Criteria, Enabled = input.Enabled, ExpiresAt = input.ExpiresAt, SuppressedCount = archived, UpdatedBy = actor };
        _rules[index] = (tenantId, after);
        return new SuppressionRuleChange(before, after, archived, unarchived);
    }

    public async Task<SuppressionRuleChange?> DeleteAsync(string tenantId, Guid ruleId, string actor, CancellationToken cancellationToken)
    {
        var index = _rules.FindIndex(entry => entry.TenantId == tenantId && entry.Rule.Id == ruleId);
        if (index < 0)
        {
            return null;
        }

        var before = _rules[index].Rule;
        _rules.RemoveAt(index);
        var unarchived = await findings.SetArchivedMatchingAsync(tenantId, before.Criteria, false, cancellationToken);
        return new SuppressionRuleChange(before, null, 0, unarchived);
    }
}
