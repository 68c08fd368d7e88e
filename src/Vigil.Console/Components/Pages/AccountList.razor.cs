using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Vigil.Console.Administration;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>The tenant's registered AWS accounts beside the accounts its sources list; tenant admins register and remove them.</summary>
public partial class AccountList
{
    private static readonly Dictionary<string, object> RegisteredAttributes = new() { ["aria-label"] = "Registered accounts" };
    private static readonly Dictionary<string, object> UnregisteredAttributes = new() { ["aria-label"] = "Accounts on sources, not registered" };

    private AccountOverview? _overview;
    private ClaimsPrincipal _actor = new();
    private bool _canEdit;
    private string? _newAccountId;
    private string? _newName;
    private string? _message;
    private bool _messageIsError;

    [Inject]
    private AccountRegistry Accounts { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _actor = (await AuthenticationState).User;
        _canEdit = ConsoleRoles.Rank(_actor.FindConsoleRole()) >= ConsoleRoles.Rank(ConsoleRoles.TenantAdmin);
        await LoadAsync();
    }

    private async Task LoadAsync() => _overview = await Accounts.ListAsync(_actor, CancellationToken.None);

    private async Task AddAsync(string? accountId, string? name)
    {
        var result = await Accounts.AddAsync(_actor, accountId, name, CancellationToken.None);
        _messageIsError = !result.Succeeded;
        _message = result.Succeeded ? $"Account {result.Value!.AccountId} registered." : result.Message;
        if (result.Succeeded)
        {
            _newAccountId = null;
            _newName = null;
        }

        await LoadAsync();
    }

    private async Task RemoveAsync(string accountId)
    {
        var result = await Accounts.RemoveAsync(_actor, accountId, CancellationToken.None);
        _messageIsError = !result.Succeeded;
        _message = result.Succeeded ? $"Account {accountId} removed." : result.Message;
        await LoadAsync();
    }
}
