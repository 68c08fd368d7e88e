using System.Text.Json;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Findings;

/// <summary>
/// Changes a tenant's suppression rules for the console page and the REST API alike, and writes each
/// change to the audit log with the rule before and after as JSON. The tenant comes from the caller,
/// which takes it from the signed-in user's claim.
/// </summary>
public sealed class SuppressionRuleService(ISuppressionRuleStore store, IAuditLog audit, TimeProvider clock)
{
    /// <summary>The audit log's object type of suppression rules.</summary>
    public const string AuditObjectType = "suppression-rule";

    public Task<IReadOnlyList<SuppressionRule>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        store.ListAsync(tenantId, cancellationToken);

    public Task<SuppressionRule?> GetAsync(string tenantId, Guid ruleId, CancellationToken cancellationToken) =>
        store.GetAsync(tenantId, ruleId, cancellationToken);

    /// <summary>Returns the criteria's errors, or the number and a sample of the active findings the rule would archive.</summary>
    public async Task<SuppressionOutcome<SuppressionPreview>> PreviewAsync(string tenantId, FindingCriteria criteria, int sampleSize, CancellationToken cancellationToken)
    {
        var errors = CriteriaErrors(criteria);
        return errors.Count > 0
            ? SuppressionOutcome<SuppressionPreview>.Invalid(errors)
            : SuppressionOutcome<SuppressionPreview>.Done(await store.PreviewAsync(tenantId, criteria, sampleSize, cancellationToken));
    }

    public async Task<SuppressionOutcome<SuppressionRuleChange>> CreateAsync(string tenantId, string actor, SuppressionRuleInput input, CancellationToken cancellationToken)
    {
        var errors = input.Validate(clock.GetUtcNow());
        if (errors.Count > 0)
        {
            return SuppressionOutcome<SuppressionRuleChange>.Invalid(errors);
        }

        return await ChangeAsync(tenantId, actor, "create", async () => await store.CreateAsync(tenantId, input, actor, cancellationToken), cancellationToken);
    }

    /// <summary>Replaces a rule's settings; returns a not-found outcome when the tenant has no such rule.</summary>
    public async Task<SuppressionOutcome<SuppressionRuleChange>> UpdateAsync(
        string tenantId, string actor, Guid ruleId, SuppressionRuleInput input, CancellationToken cancellationToken, string action = "update")
    {
        // A rule being disabled may keep an expiry that has passed.
        var errors = input.Validate(clock.GetUtcNow()).Where(error => input.Enabled || !error.StartsWith("expiresAt:", StringComparison.Ordinal)).ToList();
        if (errors.Count > 0)
        {
            return SuppressionOutcome<SuppressionRuleChange>.Invalid(errors);
        }

        return await ChangeAsync(tenantId, actor, action, () => store.UpdateAsync(tenantId, ruleId, input, actor, cancellationToken), cancellationToken);
    }

    /// <summary>Enables or disables a rule and keeps its other settings.</summary>
    public async Task<SuppressionOutcome<SuppressionRuleChange>> SetEnabledAsync(string tenantId, string actor, Guid ruleId, bool enabled, CancellationToken cancellationToken)
    {
        var rule = await store.GetAsync(tenantId, ruleId, cancellationToken);
        if (rule is null)
        {
            return SuppressionOutcome<SuppressionRuleChange>.NotFound();
        }

        var input = new SuppressionRuleInput(rule.Name, rule.Reason, rule.Criteria, enabled, rule.ExpiresAt);
        return await UpdateAsync(tenantId, actor, ruleId, input, cancellationToken, enabled ? "enable" : "disable");
    }

    public Task<SuppressionOutcome<SuppressionRuleChange>> DeleteAsync(string tenantId, string actor, Guid ruleId, CancellationToken cancellationToken) =>
        ChangeAsync(tenantId, actor, "delete", () => store.DeleteAsync(tenantId, ruleId, actor, cancellationToken), cancellationToken);

    private async Task<SuppressionOutcome<SuppressionRuleChange>> ChangeAsync(
        string tenantId, string actor, string action, Func<Task<SuppressionRuleChange?>> change, CancellationToken cancellationToken)
    {
        SuppressionRuleChange? result;
        try
        {
            result = await change();
        }
        catch (ArgumentException exception)
        {
            // The store repeats the checks under its lock: the name taken, the rule limit reached.
            return SuppressionOutcome<SuppressionRuleChange>.Invalid([exception.Message.Split(" (Parameter", 2)[0]]);
        }

        if (result is null)
        {
            return SuppressionOutcome<SuppressionRuleChange>.NotFound();
        }

        // A replacement that only switches the rule on or off is audited as that.
        if (action == "update" && result is { Before: { } before, After: { } after } && before.Enabled != after.Enabled)
        {
            action = after.Enabled ? "enable" : "disable";
        }

        var ruleId = (result.After ?? result.Before)!.Id;
        await audit.WriteAsync(
            new AuditEntry(tenantId, actor, action, AuditObjectType, ruleId.ToString(), ToAuditJson(result.Before), ToAuditJson(result.After), clock.GetUtcNow()),
            cancellationToken);
        return SuppressionOutcome<SuppressionRuleChange>.Done(result);
    }

    private static List<string> CriteriaErrors(FindingCriteria criteria)
    {
        if (criteria is null || criteria.Criteria.Count == 0)
        {
            return ["criteria: give at least one criterion."];
        }

        return FindingCriteriaValidator.TryValidate(criteria, out _, out var errors) ? [] : [.. errors.Select(error => "criteria: " + error)];
    }

    // The audited document is the rule's settings without counters, which change without an admin.
    private static string? ToAuditJson(SuppressionRule? rule) => rule is null
        ? null
        : JsonSerializer.Serialize(
            new { rule.Id, rule.Name, rule.Reason, rule.Criteria, rule.Enabled, rule.ExpiresAt, rule.CreatedBy, rule.UpdatedBy },
            FindingCriteriaJson.Options);
}

/// <summary>The outcome of a suppression rule request: the value, the input's errors, or not found.</summary>
public sealed record SuppressionOutcome<T>(T? Value, IReadOnlyList<string> Errors, bool IsNotFound)
{
    public static SuppressionOutcome<T> Done(T value) => new(value, [], false);

    public static SuppressionOutcome<T> Invalid(IReadOnlyList<string> errors) => new(default, errors, false);

    public static SuppressionOutcome<T> NotFound() => new(default, [], true);
}
