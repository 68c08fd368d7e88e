using MudBlazor;

namespace Vigil.Console.Components.Layout;

/// <summary>The MudBlazor theme of the console.</summary>
internal static class ConsoleTheme
{
    /// <summary>
    /// MudBlazor's default palettes with a dark red tertiary colour. The console uses the tertiary
    /// colour only for critical severity, so that critical differs from the error red of high severity.
    /// </summary>
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Tertiary = "#8e0b2e",
            TertiaryContrastText = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Tertiary = "#c2185b",
            TertiaryContrastText = "#ffffff",
        },
    };
}
