using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Vigil.Console.Display;
using Vigil.Console.Sources;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Shared;

/// <summary>The ingest health of each source: state, lag, records read and rejected, and the last error.</summary>
public partial class SourceHealthTable
{
    [Parameter, EditorRequired]
    public IReadOnlyList<SourceOverview> Sources { get; set; } = [];

    /// <summary>Returns the health of a source: disabled, waiting (nothing read yet), failing (its last read failed after its last success) or reading.</summary>
    internal static string HealthText(SourceOverview item) => item switch
    {
        { Source.Enabled: false } => "Disabled",
        { Status: null } => "Waiting",
        { Status: { LastErrorAt: { } errorAt } status } when status.LastReadAt is null || errorAt >= status.LastReadAt => "Failing",
        _ => "Reading",
    };

    private static Color HealthColor(SourceOverview item) => HealthText(item) switch
    {
        "Failing" => Color.Error,
        "Reading" => Color.Success,
        _ => Color.Default,
    };

    /// <summary>
    /// Returns the findings of the source's account when it delivers exactly one, since findings carry
    /// the account but not the source; otherwise the Sources page.
    /// </summary>
    private static string SourceHref(SourceDefinition source) =>
        source.AccountIds.Count == 1 ? new FindingsLink { Account = source.AccountIds[0] }.Href : "sources";

    private static string Count(long? value) => (value ?? 0).ToString("N0", CultureInfo.InvariantCulture);

    private static string LagText(TimeSpan? lag) => Pages.SourceList.LagText(lag);
}
