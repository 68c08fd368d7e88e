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
    private bool _enabled = true;
    private bool _dryRun;
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
            _error = null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.ListFailed(Logger, exception, tenantId);
            _error = "The rules could not be loaded. Try again in a moment; if it keeps failing, check the service logs.";
        }
    }

    private void Edit(StoredRule rule)
    {
        (_name, _yaml, _testEvents, _enabled, _dryRun, _isNew) = (rule.Name, rule.Yaml, rule.TestEvents ?? "", rule.Enabled, rule.DryRun, false);
        (_messages, _trial, _status) = ([], null, null);
    }

    private void New()
    {
        (_name, _yaml, _testEvents, _enabled, _dryRun, _isNew) = ("new_rule.yml", "", "", true, false, true);
        (_messages, _trial, _status) = ([], null, null);
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
            _trial = await Rules.TestAsync(tenantId, _name ?? "", _yaml ?? "", _testEvents, CancellationToken.None);
            _messages = _trial.Messages;
            SetStatus(string.IsNullOrWhiteSpace(_testEvents) ? "The rule file has no test events." : "Test run finished.", string.IsNullOrWhiteSpace(_testEvents));
        }
    }

    private async Task BackTestAsync()
    {
        if (await TenantAsync() is { } tenantId)
        {
            _trial = await Rules.BackTestAsync(tenantId, _name ?? "", _yaml ?? "", CancellationToken.None);
            _messages = _trial.Messages;
            SetStatus("Back-test finished.", isError: false);
        }
    }

    private async Task SaveAsync()
    {
        if (await TenantAsync() is not { } tenantId)
        {
            return;
        }

        var input = new RuleInput { Yaml = _yaml, TestEvents = _testEvents, Enabled = _enabled, DryRun = _dryRun };
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

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Listing the rules of tenant {TenantId} failed")]
        public static partial void ListFailed(ILogger logger, Exception exception, string tenantId);
    }
}
