using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using MudBlazor;
using Vigil.Console.Sources;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Sources;

/// <summary>
/// Adds or changes one source. The fields follow the chosen kind, and each error from
/// <see cref="SourceValidator"/> shows under its field. Closes with the <see cref="SourceSaveResult"/>.
/// </summary>
public partial class SourceDialog
{
    private Dictionary<string, string[]> _errors = [];
    private string? _accountText;
    private string? _saveError;
    private bool _saving;

    [CascadingParameter]
    private IMudDialogInstance MudDialog { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    private SourceService SourceService { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ILogger<SourceDialog> Logger { get; set; } = default!;

    /// <summary>The settings to edit; the dialog changes this object.</summary>
    [Parameter]
    public SourceInput Input { get; set; } = new();

    /// <summary>The id of the source being changed, or null to add a source.</summary>
    [Parameter]
    public Guid? SourceId { get; set; }

    private SourceKind? SelectedKind => SourceValidator.ParseKind(Input.Kind);

    private string EndpointUrl => Navigation.BaseUri + "api/ingest/firehose";

    protected override void OnParametersSet() => _accountText ??= string.Join(", ", Input.AccountIds ?? []);

    private bool HasError(string field) => _errors.ContainsKey(field);

    private string? ErrorOf(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private void Cancel() => MudDialog.Cancel();

    private async Task SaveAsync()
    {
        Input.AccountIds = SourceValidator.SplitAccounts(_accountText);
        _errors = SourceValidator.Validate(Input);
        _saveError = null;
        if (_errors.Count > 0)
        {
            return;
        }

        var user = (await AuthenticationState).User;
        if (user.FindTenantId() is not { } tenantId)
        {
            _saveError = "Your session carries no tenant. Sign out and sign in again.";
            return;
        }

        _saving = true;
        try
        {
            var userName = user.Identity?.Name ?? "(unknown)";
            var result = SourceId is { } id
                ? await SourceService.UpdateAsync(tenantId, userName, id, Input, CancellationToken.None)
                : await SourceService.CreateAsync(tenantId, userName, Input, CancellationToken.None);
            if (result is null)
            {
                _saveError = "The source no longer exists; close the dialog to see the current list.";
            }
            else if (!result.Succeeded)
            {
                _errors = result.Errors.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
            }
            else
            {
                MudDialog.Close(DialogResult.Ok(result));
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.SaveFailed(Logger, exception, tenantId);
            _saveError = "Saving the source failed. Try again in a moment; if it keeps failing, check the service logs.";
        }
        finally
        {
            _saving = false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Saving a source of tenant {TenantId} failed")]
        public static partial void SaveFailed(ILogger logger, Exception exception, string tenantId);
    }
}
