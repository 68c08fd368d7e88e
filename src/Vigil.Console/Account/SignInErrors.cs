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

    /// <summary>Returns the message for an error code, or null when there is no code. Unknown codes get the generic message.</summary>
    public static string? GetMessage(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return null;
        }

        return code == LockedOut
            ? "This account is locked after too many failed sign-ins. Try again later or ask an administrator."
            : "Invalid user name or password.";
    }
}
