namespace Vigil.Console.Security;

/// <summary>
/// How users sign in to the console and the REST API (section <c>Vigil:Console</c>). At least one
/// of <see cref="LocalAccounts"/>, <see cref="Oidc"/> or <see cref="LocalDemo"/> must be set.
/// </summary>
public sealed class ConsoleAuthenticationSettings
{
    /// <summary>The configuration section, below the host's <c>Vigil</c> section.</summary>
    public const string SectionPath = "Vigil:Console";

    /// <summary>
    /// The host runs as a local demo: sign-in with local accounts is on without further settings.
    /// Set by <c>deploy/local/demo.sh</c>; never set it on a shared deployment.
    /// </summary>
    public bool LocalDemo { get; set; }

    /// <summary>Sign-in with local accounts (user name and password, first-run administrator). Default false.</summary>
    public bool LocalAccounts { get; set; }

    /// <summary>OpenID Connect sign-in and bearer tokens from the same identity provider.</summary>
    public OidcSettings Oidc { get; set; } = new();

    /// <summary>True when local accounts can sign in: <see cref="LocalAccounts"/> or <see cref="LocalDemo"/>.</summary>
    public bool LocalAccountsEnabled => LocalAccounts || LocalDemo;

    /// <summary>Returns every problem of these settings, each naming the key to set.</summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (!LocalDemo && !LocalAccounts && !Oidc.Enabled)
        {
            failures.Add($"No console sign-in is configured: set {SectionPath}:Oidc:Authority and {SectionPath}:Oidc:ClientId for OpenID Connect, "
                + $"or {SectionPath}:LocalAccounts=true for local accounts, or {SectionPath}:LocalDemo=true when this host runs as a local demo.");
        }

        if (Oidc.Enabled)
        {
            Oidc.Validate(SectionPath + ":Oidc", failures);
        }

        return failures;
    }
}
