using Microsoft.AspNetCore.Components;

namespace Vigil.Console.Components.Shared;

/// <summary>
/// One label and value of a description list (<c>dl</c>). The value is shown on one line with control
/// characters escaped. Pass <see cref="ChildContent"/> to render something else, such as a chip.
/// </summary>
public partial class DetailField
{
    [Parameter, EditorRequired]
    public string Label { get; set; } = string.Empty;

    [Parameter]
    public string? Value { get; set; }

    [Parameter]
    public RenderFragment? ChildContent { get; set; }

    /// <summary>Extra CSS class of the value, for example <c>vigil-mono</c> for ids and addresses.</summary>
    [Parameter]
    public string? ValueClass { get; set; }
}
