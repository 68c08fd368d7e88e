using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Vigil.Console.Administration;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>Every tenant of the platform, for platform operators, with a form to add one.</summary>
public partial class TenantList
{
    private static readonly Dictionary<string, object> TableAttributes = new() { ["aria-label"] = "Tenants" };

    private IReadOnlyList<Tenant>? _tenants;
    private ClaimsPrincipal _actor = new();
    private string? _newId;
    private string? _newDisplayName;
    private string? _message;
    private bool _messageIsError;

    [Inject]
    private TenantAdministration Tenants { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _actor = (await AuthenticationState).User;
        _tenants = await Tenants.ListAsync(CancellationToken.None);
    }

    private async Task CreateAsync()
    {
        var result = await Tenants.CreateAsync(_actor, _newId?.Trim(), _newDisplayName, null, CancellationToken.None);
        _messageIsError = !result.Succeeded;
        _message = result.Succeeded ? $"Tenant {result.Value!.Id} added." : result.Message;
        if (result.Succeeded)
        {
            _newId = null;
            _newDisplayName = null;
        }

        _tenants = await Tenants.ListAsync(CancellationToken.None);
    }
}
