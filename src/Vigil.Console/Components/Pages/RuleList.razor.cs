using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using Vigil.Console.Rules;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>The tenant's Sigma rule files with an editor that validates, tests, back-tests and saves them.</summary>
public partial class RuleList
{
    private static readonly Dictionary<string, object> TableAttributes = new() { ["aria-label"] = "Rule files" };

    private IReadOnlyList<StoredRule>? _rules;
    private bool _tenantMissing;
    private bool _canEdit;
    private string? _error;
    private string? _name = "new_rule.yml";
    private string? _yaml = "";
    private string? _testEvents = "";
    private string? _testEventsNoMatch = "";
    private IReadOnlyDictionary<string, RuleDryRunSummary> _dryRunSummary = new Dictionary<string, RuleDryRunSummary>();
    private IReadOnlyList<RuleDryRunCountView> _dryRunCounts = [];
    private RuleBackTestProgress? _backTestProgress;
    private bool _enabled = true;
    private bool _dryRunMode;
    private bool _isNew = true;
    private IReadOnlyList<RuleMessage> _messages = [];
    private RuleTrialView? _trial;
    private string? _status;
    private bool _statusIsError;

    [Inject]
    private RuleService Rules { get; set; } = default!;

    [Inject]
    private ILogger<RuleList> Logger { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _tenantMissing = user.FindTenantId() is null;
        _canEdit = user.IsInRole(ConsoleRoles.TenantAdmin) || user.IsInRole(ConsoleRoles.PlatformOperator);
        await LoadAsync();
    }

    internal static string CheckText(RuleCheckView check) => string.Create(
        CultureInfo.InvariantCulture,
        $"{(check.Passed ? "Passed" : "Failed")}: {check.Title}: {check.MatchingFindings} findings from the events it must match, {check.NonMatchingFindings} from the events it must not match.");

    internal static string ProgressText(RuleBackTestProgress progress) => string.Create(
        CultureInfo.InvariantCulture,
        $"Read {progress.ObjectsRead:N0} of {progress.ObjectsListed:N0} log objects, {progress.RecordsRead:N0} records{(progress.CurrentObject is null ? "" : $"; last: {progress.CurrentObject}")}");

    private static double ProgressPercent(RuleBackTestProgress progress) =>
        progress.ObjectsListed == 0 ? 0 : 100.0 * progress.ObjectsRead / progress.ObjectsListed;

    private string DryRunText(string name) =>
        _dryRunSummary.TryGetValue(name, out var summary) ? string.Create(CultureInfo.InvariantCulture, $"{summary.Last24Hours:N0} / {summary.Last7Days:N0}") : "0 / 0";

    internal static string TrialSummary(RuleTrialView trial) =>
        string.Create(CultureInfo.InvariantCulture, $"{trial.Matches.Count} findings from {trial.RecordsRead:N0} records in {trial.ObjectsRead:N0} log objects{(trial.Truncated ? " (stopped at a limit)" : "")}.");

    private async Task LoadAsync()
    {
        if (await TenantAsync() is not { } tenantId)
        {
            _tenantMissing = true;
            return;
        }

        try
        {
            _rules = await Rules.ListAsync(tenantId, CancellationToken.None);
            _dryRunSummary = await Rules.DryRunSummaryAsync(tenantId, CancellationToken.None);
            _error = null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.ListFailed(Logger, exception, tenantId);
            _error = "The rules could not be loaded. Try again in a moment; if it keeps failing, check the service logs.";
        }
    }

    private async Task Edit(StoredRule rule)
    {
        (_name, _yaml, _testEvents, _testEventsNoMatch, _enabled, _dryRunMode, _isNew) = (rule.Name, rule.Yaml, rule.TestEvents ?? "", rule.TestEventsNoMatch ?? "", rule.Enabled, rule.DryRun, false);
        (_messages, _trial, _status, _backTestProgress) = ([], null, null, null);
        _dryRunCounts = await TenantAsync() is { } tenantId
            ? [.. (await Rules.DryRunCountsAsync(tenantId, rule.Name, 48, CancellationToken.None)).Where(count => count.Matches > 0)]
            : [];
    }

    private void New()
    {
        (_name, _yaml, _testEvents, _testEventsNoMatch, _enabled, _dryRunMode, _isNew) = ("new_rule.yml", "", "", "", true, false, true);
        (_messages, _trial, _status, _backTestProgress, _dryRunCounts) = ([], null, null, null, []);
    }

    private async Task ValidateAsync()
    {
        if (await TenantAsync() is not { } tenantId)
        {
            return;
        }

        _messages = await Rules.ValidateAsync(tenantId, _name ?? "", _yaml ?? "", CancellationToken.None);
        SetStatus(_messages.Any(message => message.Severity == "error") ? "The rule file has errors." : "The rule file is valid.", _messages.Any(message => message.Severity == "error"));
    }

    private async Task TestAsync()
    {
        if (await TenantAsync() is { } tenantId)
        {
            _trial = await Rules.TestAsync(tenantId, _name ?? "", _yaml ?? "", _testEvents, _testEventsNoMatch, CancellationToken.None);
            _messages = _trial.Messages;
            if (string.IsNullOrWhiteSpace(_testEvents) && string.IsNullOrWhiteSpace(_testEventsNoMatch))
            {
                SetStatus("The rule file has no test events.", isError: true);
            }
            else
            {
                SetStatus(_trial.ChecksPassed ? "Test run passed: every rule matched its test events and none matched the events it must not match." : "Test run failed: see the checks below.", !_trial.ChecksPassed);
            }
        }
    }

    private async Task BackTestAsync()
    {
        if (await TenantAsync() is { } tenantId)
        {
            _trial = null;
            _backTestProgress = new RuleBackTestProgress(0, 0, 0, null);
            var progress = new ComponentProgress(this);
            _trial = await Rules.BackTestAsync(tenantId, _name ?? "", _yaml ?? "", CancellationToken.None, progress);
            _messages = _trial.Messages;
            _backTestProgress = null;
            SetStatus("Back-test finished.", isError: false);
        }
    }

    private async Task SaveAsync()
    {
        if (await TenantAsync() is not { } tenantId)
        {
            return;
        }

        var input = new RuleInput { Yaml = _yaml, TestEvents = _testEvents, TestEventsNoMatch = _testEventsNoMatch, Enabled = _enabled, DryRun = _dryRunMode };
        var result = await Rules.SaveAsync(tenantId, await UserNameAsync(), _name ?? "", input, CancellationToken.None);
        _messages = result.Messages;
        if (result.Succeeded)
        {
            _isNew = false;
            SetStatus($"Saved {result.Rule!.Name}. Every silo loads it within 30 seconds.", isError: false);
            await LoadAsync();
        }
        else
        {
            SetStatus(result.Error ?? "The rule file was not saved.", isError: true);
        }
    }

    private async Task ToggleAsync(StoredRule rule)
    {
        if (await TenantAsync() is { } tenantId)
        {
            await Rules.SetEnabledAsync(tenantId, await UserNameAsync(), rule.Name, !rule.Enabled, CancellationToken.None);
            await LoadAsync();
        }
    }

    private async Task DeleteAsync()
    {
        if (await TenantAsync() is { } tenantId && _name is not null)
        {
            await Rules.DeleteAsync(tenantId, await UserNameAsync(), _name, CancellationToken.None);
            New();
            await LoadAsync();
        }
    }

    private void SetStatus(string text, bool isError) => (_status, _statusIsError) = (text, isError);

    private async Task<string?> TenantAsync() => (await AuthenticationState).User.FindTenantId();

    private async Task<string> UserNameAsync() => (await AuthenticationState).User.Identity?.Name ?? "(unknown)";

    /// <summary>Shows back-test progress on the page as the service reports it, from whatever thread reports.</summary>
    private sealed class ComponentProgress(RuleList page) : IProgress<RuleBackTestProgress>
    {
        public void Report(RuleBackTestProgress value) => _ = page.InvokeAsync(() =>
        {
            page._backTestProgress = value;
            page.StateHasChanged();
        });
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Listing the rules of tenant {TenantId} failed")]
        public static partial void ListFailed(ILogger logger, Exception exception, string tenantId);
    }
}
