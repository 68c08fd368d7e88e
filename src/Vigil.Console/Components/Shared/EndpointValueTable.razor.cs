using System.Globalization;
using Microsoft.AspNetCore.Components;
using Vigil.Contracts.Profiles;

namespace Vigil.Console.Components.Shared;

/// <summary>The values of one endpoint profile table with their class, days of use a month, last day and, for peers, bytes; the values are log text.</summary>
public partial class EndpointValueTable
{
    private static readonly string[] Units = ["B", "KB", "MB", "GB", "TB", "PB"];

    [Parameter, EditorRequired]
    public EndpointTableSummary Table { get; set; } = default!;

    [Parameter]
    public string ValueHeading { get; set; } = "Value";

    [Parameter]
    public bool ShowBytes { get; set; }

    [Parameter]
    public string? Class { get; set; }

    /// <summary>Formats a byte count with decimal units (1 KB = 1,000 bytes), or a dash when unknown.</summary>
    internal static string ByteText(double? bytes)
    {
        if (bytes is not { } value || double.IsNaN(value) || value < 0)
        {
            return "-";
        }

        var unit = 0;
        while (value >= 1000 && unit < Units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return unit == 0
            ? value.ToString("N0", CultureInfo.InvariantCulture) + " B"
            : value.ToString("0.0", CultureInfo.InvariantCulture) + " " + Units[unit];
    }
}
