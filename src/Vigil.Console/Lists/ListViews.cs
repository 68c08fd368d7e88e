using Vigil.Contracts.Storage;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Console.Lists;

/// <summary>A tenant list as the console and the API show it, without its content.</summary>
public sealed record ListView(
    string Name,
    string Kind,
    string Format,
    string Status,
    string? StatusReason,
    int Version,
    string Sha256,
    int? EntryCount,
    int? RejectedCount,
    string? Source,
    int? RefreshMinutes,
    DateTimeOffset? FetchedAt,
    DateTimeOffset? NextFetchAt,
    DateTimeOffset UpdatedAt,
    string UpdatedBy)
{
    public static ListView From(StoredThreatList list) => new(
        list.Name, list.Kind, list.Format, list.Status, list.StatusReason, list.Version, list.Sha256, list.EntryCount, list.RejectedCount,
        list.Source, list.RefreshInterval is { } refresh ? (int)refresh.TotalMinutes : null, list.FetchedAt, list.NextFetchAt, list.UpdatedAt, list.UpdatedBy);
}

/// <summary>A platform list as the console and the API show it, without its content.</summary>
public sealed record PlatformListView(
    string Name,
    string Purpose,
    string Format,
    string Source,
    int RefreshMinutes,
    string Status,
    string? StatusReason,
    int Version,
    string? Sha256,
    int? EntryCount,
    int? RejectedCount,
    DateTimeOffset? FetchedAt,
    DateTimeOffset NextFetchAt,
    DateTimeOffset UpdatedAt,
    string UpdatedBy)
{
    public static PlatformListView From(StoredPlatformList list) => new(
        list.Definition.Name, list.Definition.Purpose, list.Definition.Format, list.Definition.Source, (int)list.Definition.RefreshInterval.TotalMinutes,
        list.Status, list.StatusReason, list.Version, list.Sha256, list.EntryCount, list.RejectedCount, list.FetchedAt, list.NextFetchAt, list.UpdatedAt, list.UpdatedBy);
}

/// <summary>One entry that was not loaded: its line (0 for a problem with the whole file), the STIX object index, the text and why.</summary>
public sealed record InvalidLineView(int Line, int? ObjectIndex, string Text, string Reason)
{
    /// <summary>Longest entry text shown; a line may be up to 64 Ki characters.</summary>
    public const int MaxTextLength = 500;

    public static InvalidLineView From(ListError error) => new(
        error.Line, error.ObjectIndex, error.Text.Length > MaxTextLength ? error.Text[..MaxTextLength] + "…" : error.Text, error.Reason);
}

/// <summary>A page of a list's invalid lines: the total rejected, how many were listed, and this page of them.</summary>
public sealed record InvalidLinesPage(int RejectedCount, int ListedCount, int Offset, IReadOnlyList<InvalidLineView> Lines);

/// <summary>What the detail of one list shows: the list, its versions and its trail.</summary>
public sealed record ListDetail(ListView List, IReadOnlyList<ListVersion> Versions, IReadOnlyList<ListAuditEntry> Audit);

/// <summary>
/// The outcome of a change: the list after it, or the problems by field, or that the list does not
/// exist, with how many entries were loaded and rejected when a content was parsed.
/// </summary>
public sealed record ListChangeResult(IReadOnlyDictionary<string, string[]> Errors, ListView? List, bool NotFound = false)
{
    public bool Succeeded => Errors.Count == 0 && !NotFound;

    public int? Loaded { get; init; }

    public int? Rejected { get; init; }

    public static ListChangeResult Missing { get; } = new(new Dictionary<string, string[]>(), null, NotFound: true);

    public static ListChangeResult Invalid(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] }, null);
}
