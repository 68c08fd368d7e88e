namespace Vigil.Console.Components;

/// <summary>Sends a user who is not signed in to the sign-in page, with the current page as the return URL.</summary>
public partial class RedirectToLogin
{
    protected override void OnInitialized()
    {
        // A full page load, because the sign-in page renders statically outside the circuit.
        var returnUrl = "/" + Navigation.ToBaseRelativePath(Navigation.Uri);
        Navigation.NavigateTo($"login?returnUrl={Uri.EscapeDataString(returnUrl)}", forceLoad: true);
    }
}
