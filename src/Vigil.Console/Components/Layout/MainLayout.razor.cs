using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.JSInterop;
using MudBlazor;

namespace Vigil.Console.Components.Layout;

/// <summary>The frame of every signed-in page: skip link, app bar, navigation drawer and theme.</summary>
public partial class MainLayout : IAsyncDisposable
{
    private MudThemeProvider? _themeProvider;
    private ElementReference _main;
    private IJSObjectReference? _themeModule;
    // Starts as the narrow icon rail, so the findings table gets the width; the menu button widens it.
    private bool _drawerOpen;
    private bool _isDarkMode;
    private string? _userName;
    private string? _tenantId;

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    [Inject]
    private IHttpContextAccessor HttpContextAccessor { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <summary>
    /// The theme the user chose, read from the <see cref="ThemeCookie"/> while the page prerenders and
    /// carried into the interactive circuit, so the page does not flash the other theme.
    /// </summary>
    [PersistentState]
    public string? SavedTheme { get; set; }

    // The current page with the fragment, so the link also works before the circuit runs.
    private string SkipLinkHref => Navigation.ToBaseRelativePath(Navigation.Uri).Split('#')[0] + "#main-content";

    protected override void OnInitialized()
    {
        SavedTheme ??= ThemeCookie.Read(HttpContextAccessor.HttpContext?.Request);
        _isDarkMode = SavedTheme == ThemeCookie.Dark;
    }

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
        // Without a saved choice the browser's preference applies; it is readable only once the circuit runs.
        if (firstRender && SavedTheme is null && _themeProvider is not null)
        {
            _isDarkMode = await _themeProvider.GetSystemDarkModeAsync();
            StateHasChanged();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_themeModule is not null)
        {
            try
            {
                await _themeModule.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone, and the module with it.
            }
        }

        GC.SuppressFinalize(this);
    }

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    private async Task ToggleDarkModeAsync()
    {
        _isDarkMode = !_isDarkMode;
        SavedTheme = _isDarkMode ? ThemeCookie.Dark : ThemeCookie.Light;
        _themeModule ??= await JS.InvokeAsync<IJSObjectReference>("import", "./_content/Vigil.Console/theme.js");
        await _themeModule.InvokeVoidAsync("saveTheme", SavedTheme);
    }

    private async Task SkipToMainAsync() => await _main.FocusAsync();
}
