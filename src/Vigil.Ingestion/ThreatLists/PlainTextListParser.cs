using System.Net;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// Parses a plain-text threat list: one IPv4 or IPv6 address, CIDR range, domain name or URL a line.
/// GuardDuty's TXT lists contain addresses and ranges; its entity lists add domains. A byte-order
/// mark, CR-LF line ends, blank lines, padding and comments (<c>#</c> to the end of the line) are
/// allowed. Addresses are checked strictly: four decimal octets without leading zeros, so octal,
/// hexadecimal and shortened forms such as <c>10.1</c> are rejected. Domains are checked by
/// <see cref="DomainEntryParser"/>. An address or domain may carry a port (<c>203.0.113.8:8443</c>),
/// which is kept on the entry, and a URL is reduced to its host.
/// </summary>
public sealed class PlainTextListParser(ListParserOptions options)
{
    public PlainTextListParser()
        : this(ListParserOptions.Default)
    {
    }

    public ParsedList Parse(TextReader text, string listName)
    {
        var collector = new ListEntryCollector(listName, options);
        ReadLines(new BoundedLineReader(text, options.MaxLineLength), collector);
        return collector.ToParsedList(ThreatListFormat.Txt);
    }

    /// <summary>Reads one entry a line into <paramref name="collector"/> until the input ends or the list is full.</summary>
    internal static void ReadLines(BoundedLineReader lines, ListEntryCollector collector)
    {
        while (!collector.IsFull && lines.TryReadLine(out var line, out var tooLong, out var length))
        {
            if (tooLong)
            {
                collector.AddError(lines.LineNumber, line, $"the line is {length} characters long, more than the maximum of {lines.MaxLineLength}");
                continue;
            }

            var hash = line.IndexOf('#', StringComparison.Ordinal);
            var value = (hash >= 0 ? line[..hash] : line).Trim();
            if (value.Length > 0)
            {
                collector.Add(value, IndicatorKind.Any, lines.LineNumber);
            }
        }
    }

    /// <summary>Parses one address or CIDR range; on failure, <paramref name="reason"/> explains why.</summary>
    public bool TryParseEntry(string value, out IpListEntry entry, out string reason) =>
        IpEntryParser.TryParse(value, options, out entry, out reason);

    /// <summary>Parses an address strictly: dotted-decimal IPv4 with four octets, or IPv6 text.</summary>
    public static bool TryParseAddress(string text, out IPAddress address) => IpEntryParser.TryParseAddress(text, out address);
}
