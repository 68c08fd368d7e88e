using Microsoft.AspNetCore.Components;
using Vigil.Console.Display;

namespace Vigil.Console.Components.Shared;

/// <summary>A coloured chip with a finding's severity band and score, for example "High 8.0".</summary>
public partial class SeverityChip
{
    /// <summary>GuardDuty severity score, 1.0 to 10.0.</summary>
    [Parameter]
    public double Severity { get; set; }

    private SeverityLevel Level => SeverityDisplay.GetLevel(Severity);

    private MudBlazor.Color Color => SeverityDisplay.GetColor(Level);

    private string Label => Level.ToString();

    private string Score => SeverityDisplay.FormatScore(Severity);

    private string CssClass => "vigil-severity vigil-severity-" + Level.ToString().ToLowerInvariant();
}
