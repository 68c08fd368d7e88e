namespace Vigil.Console.Account;

/// <summary>
/// Codes that <c>POST /account/login</c> puts into the <c>error</c> query parameter of <c>/login</c>,
/// and the fixed messages the sign-in page shows for them. The page never echoes free text from the
/// URL, so a crafted link cannot make the sign-in page display a message of the sender's choosing.
/// </summary>
internal static class SignInErrors
{
    /// <summary>The user name or password was wrong, or the form was incomplete.</summary>
    public const string InvalidCredentials = "invalid";

    /// <summary>The account is locked after too many failed sign-ins.</summary>
    public const string LockedOut = "locked";

    /// <summary>The account is disabled by a tenant admin.</summary>
    public const string Disabled = "disabled";

    /// <summary>Sign-in at the identity provider failed, or its token named no usable tenant or role.</summary>
    public const string SingleSignOnFailed = "sso";

    /// <summary>Local accounts are turned off on this host.</summary>
    public const string LocalAccountsOff = "local-off";

    /// <summary>Returns the message for an error code, or null when there is no code. Unknown codes get the generic message.</summary>
    public static string? GetMessage(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return null;
        }

        return code switch
        {
            LockedOut => "This account is locked after too many failed sign-ins. Try again later or ask an administrator.",
            Disabled => "This account is disabled. Ask a tenant admin to enable it.",
            SingleSignOnFailed => "Single sign-on failed, or your identity provider account has no Vigil tenant or role. Ask an administrator.",
            LocalAccountsOff => "Sign-in with a user name and password is turned off on this server.",
            _ => "Invalid user name or password.",
        };
    }
}
