using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Layout;

/// <summary>The tenant selector in the app bar; it renders only for platform operators.</summary>
public partial class TenantSelector
{
    private IReadOnlyList<Tenant>? _tenants;
    private string? _currentTenantId;

    // Resolved only for platform operators, so the layout of other users needs no tenant store.
    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    private string ReturnUrl => "/" + Navigation.ToBaseRelativePath(Navigation.Uri);

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is null)
        {
            return;
        }

        var user = (await AuthenticationState).User;
        if (user.FindConsoleRole() != ConsoleRoles.PlatformOperator)
        {
            return;
        }

        _currentTenantId = user.FindTenantId();
        _tenants = await Services.GetRequiredService<ITenantStore>().ListAsync(CancellationToken.None);
    }
}
