using System.Globalization;
using Microsoft.AspNetCore.Components;
using Vigil.Console.Lists;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Lists;

/// <summary>One list's invalid lines with their line numbers, its versions with their SHA-256, and its trail of changes.</summary>
public partial class ListHistoryPanel
{
    [Parameter, EditorRequired]
    public string Name { get; set; } = "";

    [Parameter]
    public string? StatusReason { get; set; }

    [Parameter]
    public IReadOnlyList<ListVersion> Versions { get; set; } = [];

    [Parameter]
    public IReadOnlyList<ListAuditEntry> Audit { get; set; } = [];

    /// <summary>The invalid lines loaded so far.</summary>
    [Parameter]
    public IReadOnlyList<InvalidLineView> InvalidLines { get; set; } = [];

    /// <summary>Entries rejected in the current version, listed or not.</summary>
    [Parameter]
    public int RejectedCount { get; set; }

    /// <summary>Rejected entries that can be listed (the parser lists up to 10,000).</summary>
    [Parameter]
    public int ListedCount { get; set; }

    [Parameter]
    public EventCallback OnMoreInvalidLines { get; set; }

    /// <summary>"12", "12, objects[3]" for a STIX object, or "whole file".</summary>
    internal static string LineLabel(InvalidLineView line) => (line.Line, line.ObjectIndex) switch
    {
        ( > 0, null) => line.Line.ToString(CultureInfo.InvariantCulture),
        ( > 0, int index) => string.Create(CultureInfo.InvariantCulture, $"{line.Line}, objects[{index}]"),
        (_, int index) => string.Create(CultureInfo.InvariantCulture, $"objects[{index}]"),
        _ => "whole file",
    };

    private static string Count(int? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "–";
}
