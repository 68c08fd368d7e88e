using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using Vigil.Console.Components.Shared;
using Vigil.Console.Findings;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>
/// The tenant's suppression rules: the list for everyone, and for tenant admins a builder over the
/// finding criteria with a preview of the stored findings a rule would archive before it can be saved.
/// </summary>
public partial class SuppressionRules
{
    private IReadOnlyList<SuppressionRule> _rules = [];
    private bool _tenantMissing;
    private bool _canManage;
    private string? _error;
    private string? _notice;
    private Editor? _editor;
    private CriteriaBuilder? _builder;
    private SuppressionPreview? _preview;
    private string? _previewedCriteria;
    private IReadOnlyList<string> _editorErrors = [];

    /// <summary>A finding id in the query string opens a new rule pre-filled to match findings like it.</summary>
    [SupplyParameterFromQuery(Name = "fromFinding")]
    public string? FromFinding { get; set; }

    [Inject]
    private SuppressionRuleService Rules { get; set; } = default!;

    [Inject]
    private IFindingQueries Findings { get; set; } = default!;

    [Inject]
    private ILogger<SuppressionRules> Logger { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        var tenantId = user.FindTenantId();
        _tenantMissing = tenantId is null;
        _canManage = user.IsInRole(ConsoleRoles.TenantAdmin) || user.IsInRole(ConsoleRoles.PlatformOperator);
        if (tenantId is null)
        {
            return;
        }

        await LoadAsync(tenantId);
        if (_canManage && !string.IsNullOrEmpty(FromFinding))
        {
            var finding = await Findings.GetAsync(tenantId, FromFinding, CancellationToken.None);
            if (finding is null)
            {
                _error = "The finding to suppress was not found for your tenant.";
            }
            else
            {
                _editor = Editor.LikeFinding(finding);
            }
        }
    }

    private void NewRule()
    {
        _editor = new Editor();
        ResetEditorState();
    }

    private void Edit(SuppressionRule rule)
    {
        _editor = Editor.From(rule);
        ResetEditorState();
    }

    private void Cancel()
    {
        _editor = null;
        ResetEditorState();
    }

    private async Task PreviewAsync()
    {
        var tenantId = (await AuthenticationState).User.FindTenantId();
        if (tenantId is null || _editor is null || _builder is null || !_builder.TryBuild(out var criteria))
        {
            _preview = null;
            return;
        }

        _editor.Criteria = criteria;
        var outcome = await Rules.PreviewAsync(tenantId, criteria, 10, CancellationToken.None);
        _editorErrors = outcome.Errors;
        _preview = outcome.Value;
        _previewedCriteria = outcome.Value is null ? null : JsonSerializer.Serialize(criteria, FindingCriteriaJson.Options);
    }

    private async Task SaveAsync()
    {
        var user = (await AuthenticationState).User;
        var tenantId = user.FindTenantId();
        if (tenantId is null || _editor is null || _builder is null || !_builder.TryBuild(out var criteria))
        {
            return;
        }

        // The preview must show what is saved: criteria edited after the preview need a new one.
        if (JsonSerializer.Serialize(criteria, FindingCriteriaJson.Options) != _previewedCriteria)
        {
            _preview = null;
            _editorErrors = ["The criteria changed after the preview; preview again before saving."];
            return;
        }

        if (!_editor.TryGetExpiry(out var expiresAt))
        {
            _editorErrors = ["expiresAt: write the expiry as yyyy-MM-dd HH:mm in UTC, or leave it empty."];
            return;
        }

        var input = new SuppressionRuleInput(_editor.Name.Trim(), _editor.Reason.Trim(), criteria, _editor.Enabled, expiresAt);
        var actor = user.Identity?.Name ?? "(unknown)";
        var outcome = _editor.RuleId is { } id
            ? await Rules.UpdateAsync(tenantId, actor, id, input, CancellationToken.None)
            : await Rules.CreateAsync(tenantId, actor, input, CancellationToken.None);
        if (outcome.Value is not { After: { } rule } change)
        {
            _editorErrors = outcome.IsNotFound ? ["The rule no longer exists."] : outcome.Errors;
            return;
        }

        _notice = $"Rule \"{rule.Name}\" saved: {Count(change.Archived)} archived, {Count(change.Unarchived)} unarchived.";
        _editor = null;
        ResetEditorState();
        await LoadAsync(tenantId);
    }

    private async Task SetEnabledAsync(SuppressionRule rule, bool enabled)
    {
        var user = (await AuthenticationState).User;
        if (user.FindTenantId() is not { } tenantId)
        {
            return;
        }

        var outcome = await Rules.SetEnabledAsync(tenantId, user.Identity?.Name ?? "(unknown)", rule.Id, enabled, CancellationToken.None);
        if (outcome.Value is { } change)
        {
            _notice = enabled
                ? $"Rule \"{rule.Name}\" enabled: {Count(change.Archived)} archived."
                : $"Rule \"{rule.Name}\" disabled: {Count(change.Unarchived)} unarchived.";
            _error = null;
        }
        else
        {
            _error = outcome.IsNotFound ? "The rule no longer exists." : string.Join(" ", outcome.Errors);
        }

        await LoadAsync(tenantId);
    }

    private async Task DeleteAsync(SuppressionRule rule)
    {
        var user = (await AuthenticationState).User;
        if (user.FindTenantId() is not { } tenantId)
        {
            return;
        }

        var outcome = await Rules.DeleteAsync(tenantId, user.Identity?.Name ?? "(unknown)", rule.Id, CancellationToken.None);
        _notice = outcome.Value is { } change ? $"Rule \"{rule.Name}\" deleted: {Count(change.Unarchived)} unarchived." : null;
        _error = outcome.Value is null ? "The rule no longer exists." : null;
        await LoadAsync(tenantId);
    }

    private async Task LoadAsync(string tenantId)
    {
        try
        {
            _rules = await Rules.ListAsync(tenantId, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.ListFailed(Logger, exception, tenantId);
            _error = "The suppression rules could not be loaded. Try again in a moment; if it keeps failing, check the service logs.";
        }
    }

    private void ResetEditorState()
    {
        _preview = null;
        _previewedCriteria = null;
        _editorErrors = [];
    }

    private static string Count(int findings) => findings == 1 ? "1 finding" : $"{findings.ToString("N0", CultureInfo.InvariantCulture)} findings";

    internal static string CriteriaText(FindingCriteria criteria) => string.Join(
        "\n",
        criteria.Criteria.Select(criterion => $"{criterion.Field} {CriteriaBuilder.OperatorLabel(criterion.Operator)} {string.Join(" | ", criterion.Values)}"));

    private static string StatusText(SuppressionRule rule) =>
        !rule.Enabled ? "Disabled" : rule.ExpiresAt is { } expires && expires <= DateTimeOffset.UtcNow ? "Expired" : "Enabled";

    private sealed class Editor
    {
        public Guid? RuleId { get; init; }

        public string Name { get; set; } = string.Empty;

        public string Reason { get; set; } = string.Empty;

        public string ExpiresText { get; set; } = string.Empty;

        public bool Enabled { get; set; } = true;

        public FindingCriteria Criteria { get; set; } = FindingCriteria.Empty;

        public static Editor From(SuppressionRule rule) => new()
        {
            RuleId = rule.Id,
            Name = rule.Name,
            Reason = rule.Reason,
            ExpiresText = rule.ExpiresAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? string.Empty,
            Enabled = rule.Enabled,
            Criteria = rule.Criteria,
        };

        /// <summary>A rule matching findings of the same type, account and principal or endpoint as the given one.</summary>
        public static Editor LikeFinding(Contracts.Findings.Finding finding)
        {
            var criteria = FindingCriteria.Empty
                .With(new FindingCriterion("type", CriterionOperator.Equals, [finding.Type]))
                .With(new FindingCriterion("accountId", CriterionOperator.Equals, [finding.AccountId]));
            var info = finding.Service.AdditionalInfo;
            if ((info?.GetValueOrDefault("principalKey") ?? info?.GetValueOrDefault("endpointKey")) is { Length: > 0 } resourceKey)
            {
                criteria = criteria.With(new FindingCriterion(FindingFields.ResourceKey, CriterionOperator.Equals, [resourceKey]));
            }

            var name = "Suppress " + finding.Type;
            return new Editor
            {
                Name = name.Length > SuppressionRuleInput.MaxNameLength ? name[..SuppressionRuleInput.MaxNameLength] : name,
                Criteria = criteria,
            };
        }

        public bool TryGetExpiry(out DateTimeOffset? expiresAt)
        {
            expiresAt = null;
            if (string.IsNullOrWhiteSpace(ExpiresText))
            {
                return true;
            }

            if (DateTime.TryParseExact(ExpiresText.Trim(), ["yyyy-MM-dd HH:mm", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                expiresAt = new DateTimeOffset(parsed, TimeSpan.Zero);
                return true;
            }

            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Listing the suppression rules of tenant {TenantId} failed")]
        public static partial void ListFailed(ILogger logger, Exception exception, string tenantId);
    }
}
