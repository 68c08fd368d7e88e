using Microsoft.AspNetCore.WebUtilities;

namespace Vigil.Console.Display;

/// <summary>Builds links to the profile page of a principal or endpoint key (<c>account/principal</c> or <c>account/endpoint</c>).</summary>
internal static class ProfileLink
{
    public const string Path = "principals/profile";

    public static string For(string key) => QueryHelpers.AddQueryString(Path, "key", key);

    /// <summary>Returns the part of a key after the account, which names the principal or endpoint.</summary>
    public static string NameOf(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? key : key[(slash + 1)..];
    }
}
