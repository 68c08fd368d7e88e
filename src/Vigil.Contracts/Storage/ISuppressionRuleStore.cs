using Vigil.Contracts.Findings.Criteria;

namespace Vigil.Contracts.Storage;

/// <summary>
/// A tenant's suppression rules: finding criteria whose matches are archived and marked with the rule
/// id, never deleted. Rules apply to stored findings when saved and to findings as they are written.
/// Disabling or deleting a rule unarchives the findings it archived. Every call is scoped to one
/// tenant; invalid input throws <see cref="ArgumentException"/>.
/// </summary>
public interface ISuppressionRuleStore
{
    /// <summary>The most rules one tenant may have.</summary>
    const int MaxRulesPerTenant = 100;

    Task<IReadOnlyList<SuppressionRule>> ListAsync(string tenantId, CancellationToken cancellationToken);

    Task<SuppressionRule?> GetAsync(string tenantId, Guid ruleId, CancellationToken cancellationToken);

    /// <summary>Counts the tenant's active (unarchived) findings the criteria match and returns a sample of them, newest first.</summary>
    Task<SuppressionPreview> PreviewAsync(string tenantId, FindingCriteria criteria, int sampleSize, CancellationToken cancellationToken);

    /// <summary>Stores a new rule and, when it is enabled, archives the stored findings it matches.</summary>
    Task<SuppressionRuleChange> CreateAsync(string tenantId, SuppressionRuleInput input, string actor, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a rule's settings: the findings it archived are unarchived, then the rule applies again
    /// when enabled. Returns null when the tenant has no such rule.
    /// </summary>
    Task<SuppressionRuleChange?> UpdateAsync(string tenantId, Guid ruleId, SuppressionRuleInput input, string actor, CancellationToken cancellationToken);

    /// <summary>Deletes a rule after unarchiving the findings it archived; returns null when the tenant has no such rule.</summary>
    Task<SuppressionRuleChange?> DeleteAsync(string tenantId, Guid ruleId, string actor, CancellationToken cancellationToken);
}

/// <summary>What an admin sets on a rule. <see cref="ExpiresAt"/> null means the rule does not expire.</summary>
public sealed record SuppressionRuleInput(string Name, string Reason, FindingCriteria Criteria, bool Enabled, DateTimeOffset? ExpiresAt)
{
    public const int MaxNameLength = 64;
    public const int MaxReasonLength = 512;

    /// <summary>Returns every problem with the input: name, reason, criteria (at least one), expiry.</summary>
    public IReadOnlyList<string> Validate(DateTimeOffset now)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > MaxNameLength)
        {
            errors.Add($"name: give a name of 1 to {MaxNameLength} characters.");
        }

        if (string.IsNullOrWhiteSpace(Reason) || Reason.Length > MaxReasonLength)
        {
            errors.Add($"reason: give a reason of 1 to {MaxReasonLength} characters.");
        }

        if (Criteria is null || Criteria.Criteria.Count == 0)
        {
            errors.Add("criteria: give at least one criterion; a rule without criteria would archive every finding.");
        }
        else if (!FindingCriteriaValidator.TryValidate(Criteria, out _, out var criteriaErrors))
        {
            errors.AddRange(criteriaErrors.Select(error => "criteria: " + error));
        }

        if (ExpiresAt is { } expiry && expiry <= now)
        {
            errors.Add("expiresAt: the expiry time is in the past.");
        }

        return errors;
    }
}

/// <summary>
/// A stored suppression rule. <see cref="SuppressedCount"/> is the number of findings it archived
/// that are still archived. <see cref="LastError"/> tells the admin why the rule last failed to
/// apply (for example a statement timeout), or is null.
/// </summary>
public sealed record SuppressionRule(
    Guid Id,
    string Name,
    string Reason,
    FindingCriteria Criteria,
    bool Enabled,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    string UpdatedBy,
    long SuppressedCount,
    string? LastError)
{
    /// <summary>True when the rule archives new findings at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => Enabled && (ExpiresAt is null || ExpiresAt > now);
}

/// <summary>The result of a change: the rule before and after (null when absent) and the findings archived and unarchived.</summary>
public sealed record SuppressionRuleChange(SuppressionRule? Before, SuppressionRule? After, int Archived, int Unarchived);

public sealed record SuppressionPreview(long MatchCount, IReadOnlyList<FindingSummary> Sample);
