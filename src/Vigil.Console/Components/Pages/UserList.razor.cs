using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using System.Security.Claims;
using Vigil.Console.Administration;
using Vigil.Console.Display;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>The local users of the tenant, for tenant admins: add, change role, disable, reset password, unlock.</summary>
public partial class UserList
{
    private static readonly Dictionary<string, object> TableAttributes = new() { ["aria-label"] = "Users" };

    private IReadOnlyList<ConsoleUserInfo>? _users;
    private IReadOnlyList<ExternalUserInfo>? _externalUsers;
    private ClaimsPrincipal _actor = new();
    private string? _newUserName;
    private string _newRole = ConsoleRoles.Analyst;
    private string? _message;
    private bool _messageIsError;
    private string? _password;
    private string? _passwordUser;

    [Inject]
    private UserAdministration Users { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IEnumerable<string> GrantableRoles =>
        ConsoleRoles.All.Where(role => ConsoleRoles.Rank(role) <= ConsoleRoles.Rank(_actor.FindConsoleRole()));

    internal static string RoleLabel(string role) => role switch
    {
        ConsoleRoles.Analyst => "Analyst",
        ConsoleRoles.TenantAdmin => "Tenant admin",
        ConsoleRoles.PlatformOperator => "Platform operator",
        _ => role,
    };

    protected override async Task OnInitializedAsync()
    {
        _actor = (await AuthenticationState).User;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _users = await Users.ListAsync(_actor, CancellationToken.None);
        _externalUsers = await Users.ListExternalAsync(_actor, CancellationToken.None);
    }

    private bool IsSelf(ConsoleUserInfo user) => string.Equals(user.UserName, _actor.Identity?.Name, StringComparison.OrdinalIgnoreCase);

    private bool CanReset(ConsoleUserInfo user) => ConsoleRoles.Rank(user.Role) <= ConsoleRoles.Rank(_actor.FindConsoleRole());

    private bool CanChange(ConsoleUserInfo user) => !IsSelf(user) && CanReset(user);

    private static bool IsLocked(ConsoleUserInfo user) => user.LockedUntil is { } until && until > DateTimeOffset.UtcNow;

    private static string StatusText(ConsoleUserInfo user) =>
        user.Disabled ? "Disabled" : IsLocked(user) ? $"Locked until {DisplayText.Timestamp(user.LockedUntil!.Value)}" : "Active";

    private async Task CreateAsync()
    {
        var result = await Users.CreateAsync(_actor, _newUserName, _newRole, CancellationToken.None);
        if (Show(result.Succeeded, result.Message, "User added."))
        {
            ShowPassword(result.Value!);
            _newUserName = null;
        }

        await LoadAsync();
    }

    private async Task SetRoleAsync(ConsoleUserInfo user, string role)
    {
        var result = await Users.SetRoleAsync(_actor, user.UserName, role, CancellationToken.None);
        Show(result.Succeeded, result.Message, $"{user.UserName} is now {RoleLabel(role).ToLowerInvariant()}.");
        await LoadAsync();
    }

    private async Task SetDisabledAsync(ConsoleUserInfo user, bool disabled)
    {
        var result = await Users.SetDisabledAsync(_actor, user.UserName, disabled, CancellationToken.None);
        Show(result.Succeeded, result.Message, disabled ? $"{user.UserName} is disabled." : $"{user.UserName} is enabled.");
        await LoadAsync();
    }

    private async Task ResetPasswordAsync(ConsoleUserInfo user)
    {
        var result = await Users.ResetPasswordAsync(_actor, user.UserName, CancellationToken.None);
        if (Show(result.Succeeded, result.Message, "Password reset."))
        {
            ShowPassword(result.Value!);
        }

        await LoadAsync();
    }

    private async Task UnlockAsync(ConsoleUserInfo user)
    {
        var result = await Users.UnlockAsync(_actor, user.UserName, CancellationToken.None);
        Show(result.Succeeded, result.Message, $"{user.UserName} is unlocked.");
        await LoadAsync();
    }

    private bool Show(bool succeeded, string? error, string success)
    {
        _messageIsError = !succeeded;
        _message = succeeded ? success : error;
        if (!succeeded)
        {
            _password = null;
        }

        return succeeded;
    }

    private void ShowPassword(CreatedUser created)
    {
        _password = created.Password;
        _passwordUser = created.User.UserName;
    }
}
