namespace Vigil.Console.Account;

/// <summary>Checks the return URL that the sign-in form carries, so that it cannot send a user to another site.</summary>
internal static class ReturnUrl
{
    /// <summary>Where a user lands after signing in when the form carries no usable return URL.</summary>
    public const string Default = "/findings";

    /// <summary>
    /// Returns <paramref name="returnUrl"/> when it is a path on this site, otherwise <see cref="Default"/>.
    /// A local URL starts with one '/' followed by anything but '/' or '\'. Control characters and
    /// backslashes are rejected anywhere, because browsers drop tabs and newlines and read '\' as '/',
    /// which can turn "/\t/example.com" into the protocol-relative "//example.com".
    /// </summary>
    public static string MakeLocal(string? returnUrl)
    {
        return IsLocal(returnUrl) ? returnUrl! : Default;
    }

    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/')
        {
            return false;
        }

        if (url.Length > 1 && url[1] == '/')
        {
            return false;
        }

        foreach (var character in url)
        {
            if (char.IsControl(character) || character == '\\')
            {
                return false;
            }
        }

        return true;
    }
}
