using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Vigil.Console.Components.Layout;

/// <summary>The frame of every signed-in page: app bar, navigation drawer and theme.</summary>
public partial class MainLayout
{
    private MudThemeProvider? _themeProvider;
    // Starts as the narrow icon rail, so the findings table gets the width; the menu button widens it.
    private bool _drawerOpen;
    private bool _isDarkMode;
    private string? _userName;
    private string? _tenantId;

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        if (AuthenticationState is null)
        {
            return;
        }

        var user = (await AuthenticationState).User;
        _userName = user.Identity?.IsAuthenticated == true ? user.Identity.Name : null;
        _tenantId = user.FindTenantId();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // The browser's preference is readable only once the circuit runs, so the prerendered HTML uses the light theme.
        if (firstRender && _themeProvider is not null)
        {
            _isDarkMode = await _themeProvider.GetSystemDarkModeAsync();
            StateHasChanged();
        }
    }

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    private void ToggleDarkMode() => _isDarkMode = !_isDarkMode;
}
