using System.Text;
using System.Text.RegularExpressions;
using Vigil.Console.Administration;
using Vigil.Contracts.Storage;
using Vigil.Rules;

namespace Vigil.Console.Rules;

/// <summary>The outcome of a save: the stored rule file, or the problems that kept it out.</summary>
public sealed record RuleSaveResult(StoredRule? Rule, IReadOnlyList<RuleMessage> Messages, string? Error = null)
{
    public bool Succeeded => Rule is not null;
}

/// <summary>
/// Lists, validates, tests, back-tests, saves, switches and deletes one tenant's rule files, for the
/// Rules page and the REST API alike, and writes every change to the audit log. Every method takes
/// the tenant from its caller, which takes it from the signed-in user's claim.
/// </summary>
public sealed partial class RuleService(IRuleStore store, IAuditLog audit, IRuleBackTestLogs logs, IRuleDryRunCounts dryRunCounts, TimeProvider clock)
{
    public const string AuditObjectType = "rule";

    /// <summary>Longest rule file name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Largest test event text, in characters.</summary>
    public const int MaxTestEventsLength = 4 * 1024 * 1024;

    /// <summary>Most stored log objects one back-test reads.</summary>
    public const int MaxBackTestObjects = 200;


    public Task<IReadOnlyList<StoredRule>> ListAsync(string tenantId, CancellationToken cancellationToken) => store.ListAsync(tenantId, cancellationToken);

    public Task<StoredRule?> GetAsync(string tenantId, string name, CancellationToken cancellationToken) => store.GetAsync(tenantId, name, cancellationToken);

    /// <summary>Returns null when the name is valid, else the reason.</summary>
    public static string? CheckName(string? name) =>
        string.IsNullOrEmpty(name) || name.Length > MaxNameLength || !RuleName().IsMatch(name) || name.Contains("..", StringComparison.Ordinal)
            ? $"A rule file name has 1 to {MaxNameLength} letters, digits, '.', '_', '-' and '/', without '..', such as aws_saml_provider_updated.yml."
            : null;

    /// <summary>
    /// Compiles the file together with the tenant's other enabled files, so a correlation may refer
    /// to a rule in another file, and returns the messages about this file.
    /// </summary>
    public async Task<IReadOnlyList<RuleMessage>> ValidateAsync(string tenantId, string name, string yaml, CancellationToken cancellationToken)
    {
        var compilation = await CompileWithTenantAsync(tenantId, name, yaml, cancellationToken);
        return Messages(compilation, name);
    }

    /// <summary>Stores the file when it compiles without errors; changes are written to the audit log.</summary>
    public async Task<RuleSaveResult> SaveAsync(string tenantId, string userName, string name, RuleInput input, CancellationToken cancellationToken)
    {
        if (CheckName(name) is { } nameError)
        {
            return new RuleSaveResult(null, [], nameError);
        }

        if (string.IsNullOrWhiteSpace(input.Yaml))
        {
            return new RuleSaveResult(null, [], "The rule text is empty.");
        }

        if (input.TestEvents is { Length: > MaxTestEventsLength } || input.TestEventsNoMatch is { Length: > MaxTestEventsLength })
        {
            return new RuleSaveResult(null, [], $"The test events exceed {MaxTestEventsLength} characters.");
        }

        var messages = await ValidateAsync(tenantId, name, input.Yaml, cancellationToken);
        if (messages.Any(message => message.Severity == "error"))
        {
            return new RuleSaveResult(null, messages, "The rule file has errors and was not saved.");
        }

        var before = await store.GetAsync(tenantId, name, cancellationToken);
        var rule = new StoredRule
        {
            TenantId = tenantId,
            Name = name,
            Yaml = input.Yaml,
            Sha256 = StoredRule.HashOf(input.Yaml),
            Enabled = input.Enabled,
            DryRun = input.DryRun,
            TestEvents = string.IsNullOrWhiteSpace(input.TestEvents) ? null : input.TestEvents,
            TestEventsNoMatch = string.IsNullOrWhiteSpace(input.TestEventsNoMatch) ? null : input.TestEventsNoMatch,
            UpdatedAt = clock.GetUtcNow(),
            UpdatedBy = userName,
        };
        await store.SaveAsync(rule, cancellationToken);
        await WriteAuditAsync(tenantId, userName, before is null ? "create" : "update", name, before, rule, cancellationToken);
        return new RuleSaveResult(rule, messages);
    }

    /// <summary>Turns a file on or off; returns false when the tenant has no file of that name.</summary>
    public async Task<bool> SetEnabledAsync(string tenantId, string userName, string name, bool enabled, CancellationToken cancellationToken)
    {
        var before = await store.GetAsync(tenantId, name, cancellationToken);
        if (before is null || !await store.SetEnabledAsync(tenantId, name, enabled, userName, cancellationToken))
        {
            return false;
        }

        await WriteAuditAsync(tenantId, userName, enabled ? "enable" : "disable", name, before, before with { Enabled = enabled, UpdatedBy = userName }, cancellationToken);
        return true;
    }

    public async Task<bool> DeleteAsync(string tenantId, string userName, string name, CancellationToken cancellationToken)
    {
        var before = await store.GetAsync(tenantId, name, cancellationToken);
        if (before is null || !await store.DeleteAsync(tenantId, name, cancellationToken))
        {
            return false;
        }

        await WriteAuditAsync(tenantId, userName, "delete", name, before, null, cancellationToken);
        return true;
    }

    /// <summary>
    /// Runs the file's rules over its test events, lists what they would raise, dry-run or not, and
    /// checks each rule: it must raise a finding over <paramref name="testEvents"/> and none over
    /// <paramref name="testEventsNoMatch"/>.
    /// </summary>
    public async Task<RuleTrialView> TestAsync(string tenantId, string name, string yaml, string? testEvents, string? testEventsNoMatch, CancellationToken cancellationToken)
    {
        var compilation = await CompileWithTenantAsync(tenantId, name, yaml, cancellationToken);
        var run = await RuleTestRun.RunAsync(OnlyFile(compilation, name), name, tenantId, testEvents, testEventsNoMatch, clock, cancellationToken);
        var combined = new RuleTrialResult(
            [.. run.Matching.Matches, .. run.NonMatching.Matches],
            run.Matching.ObjectsRead + run.NonMatching.ObjectsRead,
            run.Matching.RecordsRead + run.NonMatching.RecordsRead,
            [.. run.Matching.Errors, .. run.NonMatching.Errors],
            run.Matching.Truncated || run.NonMatching.Truncated);
        return View(Messages(compilation, name), combined) with
        {
            Checks = [.. run.Outcomes.Select(outcome => new RuleCheckView(outcome.RuleKey, outcome.Title, outcome.MatchingFindings, outcome.NonMatchingFindings, outcome.Passed))],
        };
    }

    /// <summary>
    /// Runs the file's rules over the tenant's newest stored log objects (at most <see cref="MaxBackTestObjects"/>,
    /// and at most <see cref="RuleTrial.MaxRecords"/> records) and lists the matches. <paramref name="progress"/>
    /// hears after the listing and after each object.
    /// </summary>
    public async Task<RuleTrialView> BackTestAsync(string tenantId, string name, string yaml, CancellationToken cancellationToken, IProgress<RuleBackTestProgress>? progress = null)
    {
        var compilation = await CompileWithTenantAsync(tenantId, name, yaml, cancellationToken);
        var trial = new RuleTrial(OnlyFile(compilation, name), tenantId, clock);
        var errors = new List<string>();

        // Oldest first, so correlation windows see events in the order they happened.
        var listing = await logs.ListAsync(tenantId, MaxBackTestObjects, cancellationToken);
        errors.AddRange(listing.Errors);
        var objects = listing.Objects;
        progress?.Report(new RuleBackTestProgress(objects.Count, 0, 0, null));
        foreach (var item in objects.Reverse())
        {
            if (trial.Full)
            {
                break;
            }

            try
            {
                await using var content = await item.OpenAsync(cancellationToken);
                await trial.AddObjectAsync(content, item.Name, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException || IsStoreError(exception))
            {
                errors.Add($"{item.Name}: the object cannot be read: {exception.Message}");
            }

            progress?.Report(new RuleBackTestProgress(objects.Count, trial.ObjectsRead, trial.RecordsRead, item.Name));
        }

        var result = trial.Result();
        return View(Messages(compilation, name), result with { Errors = [.. result.Errors, .. errors] });
    }

    /// <summary>Returns the dry-run matches of each of the tenant's rule files over the last 24 hours and 7 days, by file name.</summary>
    public async Task<IReadOnlyDictionary<string, RuleDryRunSummary>> DryRunSummaryAsync(string tenantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var counts = await dryRunCounts.ListAsync(tenantId, now.AddDays(-7), cancellationToken);
        var dayStart = RuleDryRunCount.HourOf(now.AddHours(-23));
        return counts
            .GroupBy(count => count.RuleFile, StringComparer.Ordinal)
            .ToDictionary(
                file => file.Key,
                file => new RuleDryRunSummary(file.Where(count => count.Hour >= dayStart).Sum(count => count.Matches), file.Sum(count => count.Matches)),
                StringComparer.Ordinal);
    }

    /// <summary>Returns the hourly dry-run matches of one rule file over the last <paramref name="hours"/> hours (1 to 720), oldest first.</summary>
    public async Task<IReadOnlyList<RuleDryRunCountView>> DryRunCountsAsync(string tenantId, string name, int hours, CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow().AddHours(-Math.Clamp(hours, 1, 720) + 1);
        var counts = await dryRunCounts.ListAsync(tenantId, since, cancellationToken);
        return [.. counts.Where(count => count.RuleFile == name).Select(count => new RuleDryRunCountView(count.RuleFile, count.RuleKey, count.Hour, count.Matches))];
    }

    /// <summary>True for the errors a log store raises for one object, such as a denied or failed S3 GET; the back-test goes on without it.</summary>
    private static bool IsStoreError(Exception exception) =>
        exception.GetType().FullName?.StartsWith("Amazon.", StringComparison.Ordinal) == true || exception is HttpRequestException;

    private async Task<RuleSetCompilation> CompileWithTenantAsync(string tenantId, string name, string yaml, CancellationToken cancellationToken)
    {
        var others = (await store.ListAsync(tenantId, cancellationToken))
            .Where(rule => rule.Enabled && !string.Equals(rule.Name, name, StringComparison.Ordinal))
            .Select(rule => new RuleSource(rule.Name, rule.Yaml));
        return RuleTrial.Compile([.. others, new RuleSource(name, yaml)]);
    }

    /// <summary>Keeps the rules of one file, with the rules of other files that its correlations refer to.</summary>
    private static RuleSet OnlyFile(RuleSetCompilation compilation, string name) =>
        compilation.RuleSet.Restrict(name);

    private static IReadOnlyList<RuleMessage> Messages(RuleSetCompilation compilation, string name) =>
        [.. compilation.Diagnostics
            .Where(diagnostic => string.Equals(diagnostic.Source, name, StringComparison.Ordinal))
            .Select(diagnostic => new RuleMessage(diagnostic.Severity == RuleDiagnosticSeverity.Error ? "error" : "warning", diagnostic.Line, diagnostic.Column, diagnostic.Field, diagnostic.Message))];

    private static RuleTrialView View(IReadOnlyList<RuleMessage> messages, RuleTrialResult result) => new(
        messages,
        [.. result.Matches.Select(match => new RuleMatchView(
            match.Finding.Service.AdditionalInfo?.GetValueOrDefault("ruleTitle") ?? match.Finding.Title,
            match.Finding.Type,
            match.Finding.Severity,
            match.Object,
            match.Finding.Service.Count,
            match.Finding.Service.EventFirstSeen,
            match.Finding.Service.EventLastSeen,
            match.Finding.Title))],
        result.ObjectsRead,
        result.RecordsRead,
        result.Errors,
        result.Truncated);

    private async Task WriteAuditAsync(string tenantId, string userName, string action, string name, StoredRule? before, StoredRule? after, CancellationToken cancellationToken) =>
        await audit.WriteAsync(new AuditEntry(tenantId, userName, action, AuditObjectType, name, Document(before), Document(after), clock.GetUtcNow()), cancellationToken);

    /// <summary>The audit document of a rule file; the YAML is left out when it would exceed the audit log's limit.</summary>
    private static string? Document(StoredRule? rule)
    {
        if (rule is null)
        {
            return null;
        }

        var yaml = rule.Yaml.Length <= AuditEntry.MaxDocumentLength / 2 ? rule.Yaml : null;
        return AuditWriter.ToJson(new { rule.Name, rule.Sha256, rule.Enabled, rule.DryRun, HasTestEvents = rule.TestEvents is not null, HasTestEventsNoMatch = rule.TestEventsNoMatch is not null, Yaml = yaml })!;
    }

    [GeneratedRegex("^[A-Za-z0-9._/-]+$")]
    private static partial Regex RuleName();
}
