using System.Globalization;
using MudBlazor;

namespace Vigil.Console.Display;

/// <summary>GuardDuty's severity bands.</summary>
internal enum SeverityLevel
{
    /// <summary>1.0 to 3.9.</summary>
    Low,

    /// <summary>4.0 to 6.9.</summary>
    Medium,

    /// <summary>7.0 to 8.9.</summary>
    High,

    /// <summary>9.0 to 10.0.</summary>
    Critical,
}

internal static class SeverityDisplay
{
    /// <summary>
    /// Returns the band of a GuardDuty severity score. Scores below 1.0 (and NaN) count as Low,
    /// and scores above 10.0 as Critical, so that a malformed score still gets a chip.
    /// </summary>
    public static SeverityLevel GetLevel(double score) => score switch
    {
        >= 9.0 => SeverityLevel.Critical,
        >= 7.0 => SeverityLevel.High,
        >= 4.0 => SeverityLevel.Medium,
        _ => SeverityLevel.Low,
    };

    /// <summary>Returns the chip colour of a band. Critical uses the theme's tertiary colour, which the console sets to dark red.</summary>
    public static Color GetColor(SeverityLevel level) => level switch
    {
        SeverityLevel.Critical => Color.Tertiary,
        SeverityLevel.High => Color.Error,
        SeverityLevel.Medium => Color.Warning,
        _ => Color.Info,
    };

    /// <summary>Formats a score with one decimal, as GuardDuty shows it: 8.0, not 8.</summary>
    public static string FormatScore(double score) => score.ToString("0.0", CultureInfo.InvariantCulture);
}
