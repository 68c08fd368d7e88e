using Microsoft.AspNetCore.Components;
using Vigil.Console.Account;

namespace Vigil.Console.Components.Pages;

/// <summary>The sign-in form. It posts to <c>POST /account/login</c>, which redirects back here with an error code on failure.</summary>
public partial class Login
{
    private const int MaxUserNameLength = AccountEndpoints.MaxUserNameLength;
    private const int MaxPasswordLength = AccountEndpoints.MaxPasswordLength;

    /// <summary>An error code from <see cref="SignInErrors"/>. The page shows the fixed message for it, never the raw value.</summary>
    [SupplyParameterFromQuery(Name = "error")]
    public string? Error { get; set; }

    [SupplyParameterFromQuery(Name = "returnUrl")]
    public string? RequestedReturnUrl { get; set; }

    [Inject]
    private Security.ConsoleAuthenticationSettings Settings { get; set; } = default!;

    private string? ErrorMessage => SignInErrors.GetMessage(Error);

    private string OidcHref => "account/oidc?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl);

    // Checked here as well as in the endpoint, so the page never writes a foreign URL into its form.
    private string SafeReturnUrl => ReturnUrl.MakeLocal(RequestedReturnUrl);
}
