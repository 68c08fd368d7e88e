using Microsoft.AspNetCore.Components;

namespace Vigil.Console.Components.Shared;

/// <summary>A ranked list of links with their highest severity and number of findings.</summary>
public partial class TopList
{
    [Parameter, EditorRequired]
    public IReadOnlyList<TopListItem> Items { get; set; } = [];

    [Parameter]
    public string EmptyText { get; set; } = "None.";

    [Parameter]
    public string? CssClass { get; set; }
}

/// <summary>
/// One row of a <see cref="TopList"/>: the linked text and an optional second line (both log text),
/// the number of findings and their highest severity, and an optional link to a profile page.
/// </summary>
public sealed record TopListItem(string Text, string? Secondary, long Findings, double MaxSeverity, string Href, string? ProfileHref = null);
