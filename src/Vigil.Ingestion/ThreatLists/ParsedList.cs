using System.Net;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>One list entry: the text as written and the network it stands for (a /32 or /128 for a single address).</summary>
public readonly record struct IpListEntry(string Text, IPNetwork Network)
{
    /// <summary>
    /// The port written with the address (<c>203.0.113.8:8443</c>, or a URL with a port), kept for
    /// evidence. Matching ignores it: the entry matches the address on any port.
    /// </summary>
    public int? Port { get; init; }

    /// <summary>The source's description of the entry (indicator name, category or activity), when its format has such a field.</summary>
    public string? Description { get; init; }
}

/// <summary>An entry that was not loaded: the list, its line number, the text and why.</summary>
public sealed record ListError(string ListName, int Line, string Text, string Reason)
{
    /// <summary>The index of the object in a STIX bundle's <c>objects</c> array, for errors in a bundle.</summary>
    public int? ObjectIndex { get; init; }

    public override string ToString() => $"{ListName}: {ListLocation.Format(Line, ObjectIndex)}'{Text}': {Reason}";
}

/// <summary>How much a <see cref="ListNote"/> matters.</summary>
public enum ListNoteLevel
{
    /// <summary>Something was skipped as intended, such as a file-hash indicator in a list of addresses.</summary>
    Information,

    /// <summary>Something was loaded although the file is not quite right, such as an unknown column.</summary>
    Warning,
}

/// <summary>A remark about a list that is not a rejected entry: something skipped by design, or accepted with a doubt.</summary>
public sealed record ListNote(string ListName, int Line, string Text, string Message, ListNoteLevel Level)
{
    /// <summary>The index of the object in a STIX bundle's <c>objects</c> array, for notes about a bundle.</summary>
    public int? ObjectIndex { get; init; }

    public override string ToString() =>
        $"{ListName}: {ListLocation.Format(Line, ObjectIndex)}{(Level == ListNoteLevel.Warning ? "warning" : "note")}: {(Text.Length > 0 ? $"'{Text}': " : "")}{Message}";
}

/// <summary>The entries of one list: addresses and ranges in <see cref="Entries"/>, domains in <see cref="Domains"/>, and the entries not loaded.</summary>
public sealed record ParsedList(string Name, IReadOnlyList<IpListEntry> Entries, IReadOnlyList<ListError> Errors)
{
    /// <summary>The domain entries, in list order.</summary>
    public IReadOnlyList<DomainListEntry> Domains { get; init; } = [];

    /// <summary>Things skipped by design and warnings about entries that were loaded, in file order.</summary>
    public IReadOnlyList<ListNote> Notes { get; init; } = [];

    /// <summary>
    /// The number of entries rejected. It equals the count of <see cref="Errors"/> unless more than
    /// <see cref="ListParserOptions.MaxReportedIssues"/> were rejected.
    /// </summary>
    public int RejectedCount { get; init; }

    /// <summary>The format the list was read as.</summary>
    public ThreatListFormat Format { get; init; } = ThreatListFormat.Txt;
}

internal static class ListLocation
{
    /// <summary>Formats "line 3: ", "line 3, objects[2]: " or nothing for a problem with the whole file.</summary>
    public static string Format(int line, int? objectIndex) => (line, objectIndex) switch
    {
        (> 0, null) => $"line {line}: ",
        (> 0, int index) => $"line {line}, objects[{index}]: ",
        (_, int index) => $"objects[{index}]: ",
        _ => "",
    };
}
