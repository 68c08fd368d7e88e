using Microsoft.AspNetCore.Http;

namespace Vigil.Console.Components.Layout;

/// <summary>
/// The cookie that remembers the light or dark theme in the browser. <c>wwwroot/theme.js</c> writes it
/// when the user toggles the theme, and the layout reads it when a page is requested.
/// </summary>
internal static class ThemeCookie
{
    public const string Name = "vigil.theme";

    public const string Light = "light";

    public const string Dark = "dark";

    /// <summary>Returns <see cref="Light"/> or <see cref="Dark"/> from the request's cookie, or null when it has no valid one.</summary>
    public static string? Read(HttpRequest? request) =>
        request?.Cookies[Name] switch
        {
            Dark => Dark,
            Light => Light,
            _ => null,
        };
}
