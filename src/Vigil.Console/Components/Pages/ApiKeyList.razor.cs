using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Vigil.Console.Administration;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>The tenant's REST API keys: create (the secret is shown once), list and revoke.</summary>
public partial class ApiKeyList
{
    private static readonly Dictionary<string, object> TableAttributes = new() { ["aria-label"] = "API keys" };

    private IReadOnlyList<ApiKeyInfo>? _keys;
    private ClaimsPrincipal _actor = new();
    private string? _newName;
    private string _newRole = ConsoleRoles.Analyst;
    private int? _lifetimeDays = 90;
    private string? _secret;
    private string? _message;
    private bool _messageIsError;

    [Inject]
    private ApiKeyAdministration Keys { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _actor = (await AuthenticationState).User;
        await LoadAsync();
    }

    private async Task LoadAsync() => _keys = await Keys.ListAsync(_actor, CancellationToken.None);

    private async Task CreateAsync()
    {
        var result = await Keys.CreateAsync(_actor, _newName, _newRole, _lifetimeDays, CancellationToken.None);
        _messageIsError = !result.Succeeded;
        _message = result.Succeeded ? "Key created." : result.Message;
        _secret = result.Succeeded ? result.Value!.Secret : null;
        if (result.Succeeded)
        {
            _newName = null;
        }

        await LoadAsync();
    }

    private async Task RevokeAsync(ApiKeyInfo key)
    {
        var result = await Keys.RevokeAsync(_actor, key.Id, CancellationToken.None);
        _messageIsError = !result.Succeeded;
        _message = result.Succeeded ? $"Key {key.Name} revoked." : result.Message;
        _secret = null;
        await LoadAsync();
    }
}
