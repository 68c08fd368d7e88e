using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace Vigil.Console.Components.Shared;

/// <summary>
/// A sortable column header that the keyboard can reach. MudBlazor 9.14's <c>MudTableSortLabel</c>
/// renders a clickable <c>span</c> that is not in the tab order, so this header adds a tab stop,
/// the button role, and sorting on Enter or Space.
/// </summary>
public partial class SortHeader<TItem>
{
    private MudTableSortLabel<TItem>? _label;

    /// <summary>The label that the table passes to its server data callback in <c>TableState.SortLabel</c>.</summary>
    [Parameter, EditorRequired]
    public string SortLabel { get; set; } = string.Empty;

    [Parameter]
    public SortDirection InitialDirection { get; set; } = SortDirection.None;

    [Parameter]
    public RenderFragment? ChildContent { get; set; }

    private async Task OnKeyDownAsync(KeyboardEventArgs args)
    {
        if (_label is not null && args.Key is "Enter" or " ")
        {
            await _label.ToggleSortDirection();
        }
    }
}
