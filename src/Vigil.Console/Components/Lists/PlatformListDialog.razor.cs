using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Vigil.Console.Lists;

namespace Vigil.Console.Components.Lists;

/// <summary>Adds or redefines a platform list and fetches it once. Closes with the <see cref="PlatformChangeResult"/>.</summary>
public partial class PlatformListDialog
{
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _name;
    private string _purpose = "malicious-ip";
    private string _format = "txt";
    private string? _csvColumn;
    private string? _source;
    private int? _refreshMinutes;
    private bool _activate = true;
    private bool _saving;

    [CascadingParameter]
    private IMudDialogInstance MudDialog { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    private PlatformListService Lists { get; set; } = default!;

    private bool HasError(string field) => _errors.ContainsKey(field);

    private string? ErrorOf(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private void Cancel() => MudDialog.Cancel();

    private async Task SaveAsync()
    {
        var input = new PlatformListInput
        {
            Name = _name?.Trim(),
            Purpose = _purpose,
            Format = _format == "csv" ? "csv:" + _csvColumn?.Trim() : _format,
            Source = _source,
            RefreshMinutes = _refreshMinutes,
            Activate = _activate,
        };
        _saving = true;
        try
        {
            var actor = (await AuthenticationState).User.Identity?.Name ?? "(unknown)";
            var result = await Lists.DefineAsync(actor, input, CancellationToken.None);
            _errors = result.Errors;
            if (result.Succeeded)
            {
                MudDialog.Close(DialogResult.Ok(result));
            }
        }
        finally
        {
            _saving = false;
        }
    }
}
