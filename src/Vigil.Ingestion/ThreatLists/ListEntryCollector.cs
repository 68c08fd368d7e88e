using System.Net;
using System.Net.Sockets;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>The kind of value a format expects in a field, which decides how strictly the value is read.</summary>
internal enum IndicatorKind
{
    /// <summary>Anything a plain list may contain: an address, range, <c>host:port</c>, domain or URL.</summary>
    Any,

    /// <summary>An IPv4 or IPv6 address or range, optionally with a port.</summary>
    Address,

    /// <summary>An IPv4 address or range, optionally with a port.</summary>
    IPv4,

    /// <summary>An IPv6 address or range, optionally with a port in the <c>[address]:port</c> form.</summary>
    IPv6,

    /// <summary>A domain name, optionally with a port.</summary>
    Domain,

    /// <summary>A URL, reduced to its host; a value without a scheme is read as if it had one.</summary>
    Url,
}

/// <summary>
/// Collects the entries, errors and notes of one list while a parser reads it, applying the same
/// value rules and limits to every format.
/// </summary>
internal sealed class ListEntryCollector(string listName, ListParserOptions options)
{
    private const int MaxShownLength = 120;

    private readonly List<IpListEntry> entries = [];
    private readonly List<DomainListEntry> domains = [];
    private readonly List<ListError> errors = [];
    private readonly List<ListNote> notes = [];
    private int rejectedCount;
    private bool notesTruncated;
    private int urlCount;
    private int firstUrlLine;

    public string ListName => listName;

    public ListParserOptions Options => options;

    /// <summary>Whether the entry limit was reached; the parser stops reading when it is.</summary>
    public bool IsFull { get; private set; }

    /// <summary>
    /// Reads one value and adds it as an address or domain entry, or records why it was rejected.
    /// Returns whether an entry was added.
    /// </summary>
    public bool Add(string value, IndicatorKind kind, int line, string? description = null, int? objectIndex = null)
    {
        if (IsFull)
        {
            return false;
        }

        if (entries.Count + domains.Count >= options.MaxEntries)
        {
            AddError(line, value, $"the list has more than {options.MaxEntries} entries; the rest is ignored", objectIndex);
            IsFull = true;
            return false;
        }

        if (kind == IndicatorKind.Any && IndicatorText.IsUrl(value))
        {
            kind = IndicatorKind.Url;
        }

        string reason;
        if (kind == IndicatorKind.Url)
        {
            var url = IndicatorText.IsUrl(value) ? value : "http://" + value;
            if (!IndicatorText.TrySplitUrl(url, out var host, out var port, out reason) ||
                !TryAddHost(value, host, port, IndicatorKind.Any, description, out reason))
            {
                AddError(line, value, reason, objectIndex);
                return false;
            }

            urlCount++;
            firstUrlLine = urlCount == 1 ? line : firstUrlLine;
            return true;
        }

        switch (IndicatorText.TrySplitHostPort(value, out var hostPart, out var portNumber, out reason))
        {
            case IndicatorText.HostPortForm.Invalid:
                AddError(line, value, reason, objectIndex);
                return false;
            case IndicatorText.HostPortForm.HostAndPort:
                if (TryAddHost(value, hostPart, portNumber, kind, description, out reason))
                {
                    return true;
                }

                AddError(line, value, reason, objectIndex);
                return false;
        }

        if (TryAddPlain(value, kind, description, out reason))
        {
            return true;
        }

        AddError(line, value, reason, objectIndex);
        return false;
    }

    public void AddError(int line, string text, string reason, int? objectIndex = null)
    {
        rejectedCount++;
        if (errors.Count < options.MaxReportedIssues)
        {
            errors.Add(new ListError(listName, line, Shorten(text), reason) { ObjectIndex = objectIndex });
        }
    }

    public void AddNote(int line, string text, string message, ListNoteLevel level, int? objectIndex = null)
    {
        if (notes.Count < options.MaxReportedIssues)
        {
            notes.Add(new ListNote(listName, line, Shorten(text), message, level) { ObjectIndex = objectIndex });
        }
        else
        {
            notesTruncated = true;
        }
    }

    public ParsedList ToParsedList(ThreatListFormat format)
    {
        var allNotes = new List<ListNote>(notes);
        if (urlCount > 0)
        {
            allNotes.Add(new ListNote(
                listName,
                firstUrlLine,
                string.Empty,
                $"{urlCount} URL {(urlCount == 1 ? "entry was" : "entries were")} reduced to the host; a host entry matches the whole host and its subdomains, whatever the path",
                ListNoteLevel.Information));
        }

        if (rejectedCount > errors.Count)
        {
            allNotes.Add(new ListNote(listName, 0, string.Empty, $"{rejectedCount} entries were rejected; only the first {errors.Count} are listed", ListNoteLevel.Warning));
        }

        if (notesTruncated)
        {
            allNotes.Add(new ListNote(listName, 0, string.Empty, $"there were more than {options.MaxReportedIssues} notes; only the first are listed", ListNoteLevel.Warning));
        }

        // Parsers that read ahead (CSV) can report a line after the lines that follow it, so both lists
        // are put in file order; OrderBy is stable, so entries of one line keep their order.
        return new ParsedList(listName, entries, [.. errors.OrderBy(error => error.Line)])
        {
            Domains = domains,
            Notes = [.. allNotes.OrderBy(note => note.Line)],
            RejectedCount = rejectedCount,
            Format = format,
        };
    }

    /// <summary>Adds a value that has no port and is not a URL: an address, a range or a domain, as the kind allows.</summary>
    private bool TryAddPlain(string value, IndicatorKind kind, string? description, out string reason)
    {
        var asAddress = kind switch
        {
            IndicatorKind.Domain => false,
            IndicatorKind.Any => IpEntryParser.IsAddressForm(value),
            _ => true,
        };

        if (asAddress)
        {
            if (!IpEntryParser.TryParse(value, options, out var entry, out reason) || !HasFamily(entry.Network, kind, out reason))
            {
                return false;
            }

            entries.Add(entry with { Description = description });
            return true;
        }

        if (!DomainEntryParser.TryParse(value, out var domain, out reason))
        {
            return false;
        }

        domains.Add(domain with { Description = description });
        return true;
    }

    /// <summary>Adds the host of a URL or of a <c>host:port</c> value: a single address or a domain, never a range.</summary>
    private bool TryAddHost(string text, string host, int? port, IndicatorKind kind, string? description, out string reason)
    {
        var isAddress = host.Contains(':', StringComparison.Ordinal) || IpEntryParser.IsDottedDigits(host);
        if (isAddress && kind != IndicatorKind.Domain)
        {
            if (!IpEntryParser.TryParseAddress(host, out var address))
            {
                reason = $"'{host}' is not a valid IPv4 or IPv6 address";
                return false;
            }

            // As with ranges, an IPv4-mapped address is kept as the IPv4 address that lookups compare.
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            var network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            if (!HasFamily(network, kind, out reason))
            {
                return false;
            }

            entries.Add(new IpListEntry(text, network) { Port = port, Description = description });
            return true;
        }

        if (kind is IndicatorKind.Address or IndicatorKind.IPv4 or IndicatorKind.IPv6)
        {
            reason = $"'{host}' is not a valid IP address";
            return false;
        }

        if (!DomainEntryParser.TryParse(host, out var domain, out reason))
        {
            return false;
        }

        domains.Add(new DomainListEntry(text, domain.Domain) { Port = port, Description = description });
        return true;
    }

    private static bool HasFamily(IPNetwork network, IndicatorKind kind, out string reason)
    {
        var isIPv4 = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
        reason = (kind, isIPv4) switch
        {
            (IndicatorKind.IPv4, false) => "an IPv6 value where the format expects an IPv4 address",
            (IndicatorKind.IPv6, true) => "an IPv4 value where the format expects an IPv6 address",
            _ => string.Empty,
        };

        return reason.Length == 0;
    }

    private static string Shorten(string value) => value.Length <= MaxShownLength ? value : value[..MaxShownLength] + "…";
}
