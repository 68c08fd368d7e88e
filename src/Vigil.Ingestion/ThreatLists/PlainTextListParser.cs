using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// Parses a plain-text threat list: one IPv4 or IPv6 address, CIDR range or domain name a line.
/// GuardDuty's TXT lists contain addresses and ranges; its entity lists add domains. A byte-order
/// mark, CR-LF line ends, blank lines, padding and comments (<c>#</c> to the end of the line) are
/// allowed. Addresses are checked strictly: four decimal octets without leading zeros, so octal,
/// hexadecimal and shortened forms such as <c>10.1</c> are rejected. Domains are checked by
/// <see cref="DomainEntryParser"/>.
/// </summary>
public sealed class PlainTextListParser(ListParserOptions options)
{
    private static readonly SearchValues<char> AddressDigits = SearchValues.Create("0123456789.");

    public PlainTextListParser()
        : this(ListParserOptions.Default)
    {
    }

    public ParsedList Parse(TextReader text, string listName)
    {
        var entries = new List<IpListEntry>();
        var domains = new List<DomainListEntry>();
        var errors = new List<ListError>();
        var lineNumber = 0;
        string? line;
        while ((line = text.ReadLine()) is not null)
        {
            lineNumber++;
            if (lineNumber == 1 && line.Length > 0 && line[0] == '\uFEFF')
            {
                line = line[1..];
            }

            var hash = line.IndexOf('#', StringComparison.Ordinal);
            var value = (hash >= 0 ? line[..hash] : line).Trim();
            if (value.Length == 0)
            {
                continue;
            }

            if (entries.Count + domains.Count >= options.MaxEntries)
            {
                errors.Add(new ListError(listName, lineNumber, value, $"the list has more than {options.MaxEntries} entries; the rest is ignored"));
                break;
            }

            if (IsAddressForm(value))
            {
                if (TryParseEntry(value, out var entry, out var reason))
                {
                    entries.Add(entry);
                }
                else
                {
                    errors.Add(new ListError(listName, lineNumber, Shorten(value), reason));
                }
            }
            else if (DomainEntryParser.TryParse(value, out var domain, out var reason))
            {
                domains.Add(domain);
            }
            else
            {
                errors.Add(new ListError(listName, lineNumber, Shorten(value), reason));
            }
        }

        return new ParsedList(listName, entries, errors) { Domains = domains };
    }

    /// <summary>
    /// Tells addresses from domains: a value with a colon or slash, or made only of digits and dots,
    /// is read as an address or range, and anything else as a domain name.
    /// </summary>
    private static bool IsAddressForm(string value) =>
        value.Contains(':', StringComparison.Ordinal) ||
        value.Contains('/', StringComparison.Ordinal) ||
        !value.AsSpan().ContainsAnyExcept(AddressDigits);

    /// <summary>Parses one address or CIDR range; on failure <paramref name="reason"/> says why.</summary>
    public bool TryParseEntry(string value, out IpListEntry entry, out string reason)
    {
        entry = default;
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash >= 0 ? value[..slash] : value;
        if (!TryParseAddress(addressText, out var address))
        {
            reason = "not a valid IPv4 or IPv6 address or CIDR range";
            return false;
        }

        var maxPrefix = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = maxPrefix;
        if (slash >= 0)
        {
            var prefixText = value[(slash + 1)..];
            if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit) ||
                !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > maxPrefix)
            {
                reason = $"invalid prefix length '/{prefixText}' (expected 0 to {maxPrefix})";
                return false;
            }
        }

        // Lookups turn IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) into IPv4, so a mapped entry is kept
        // as the IPv4 network it covers and must meet the IPv4 minimum prefix.
        if (address.IsIPv4MappedToIPv6 && prefix >= 96)
        {
            address = address.MapToIPv4();
            prefix -= 96;
            maxPrefix = 32;
        }

        var minPrefix = address.AddressFamily == AddressFamily.InterNetwork ? options.MinIPv4Prefix : options.MinIPv6Prefix;
        if (prefix < minPrefix)
        {
            reason = $"the range /{prefix} is wider than the minimum prefix /{minPrefix} allowed for {(maxPrefix == 32 ? "IPv4" : "IPv6")}";
            return false;
        }

        var network = new IPNetwork(address, prefix);
        if (!network.BaseAddress.Equals(address))
        {
            reason = $"host bits are set; the network is {network}";
            return false;
        }

        entry = new IpListEntry(value, network);
        reason = string.Empty;
        return true;
    }

    /// <summary>Parses an address strictly: dotted-decimal IPv4 with four octets, or IPv6 text.</summary>
    public static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            if (text.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            address = parsed;
            return true;
        }

        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        Span<byte> octets = stackalloc byte[4];
        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || !part.All(char.IsAsciiDigit))
            {
                return false;
            }

            var number = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (number > 255)
            {
                return false;
            }

            octets[i] = (byte)number;
        }

        address = new IPAddress(octets);
        return true;
    }

    private static string Shorten(string value) => value.Length <= 120 ? value : value[..120] + "…";
}

/// <summary>Limits for list parsing.</summary>
public sealed record ListParserOptions
{
    /// <summary>Narrowest IPv4 prefix length accepted for a range (default /8); wider ranges are rejected.</summary>
    public int MinIPv4Prefix { get; init; } = 8;

    /// <summary>Narrowest IPv6 prefix length accepted for a range (default /32).</summary>
    public int MinIPv6Prefix { get; init; } = 32;

    /// <summary>Maximum number of entries read from one list, addresses and domains together (default 2,000,000).</summary>
    public int MaxEntries { get; init; } = 2_000_000;

    public static ListParserOptions Default { get; } = new();
}

/// <summary>One list entry: the text as written and the network it stands for (a /32 or /128 for a single address).</summary>
public readonly record struct IpListEntry(string Text, IPNetwork Network);

/// <summary>A line that was not loaded: the list, its line number, the text and why.</summary>
public sealed record ListError(string ListName, int Line, string Text, string Reason)
{
    public override string ToString() => $"{ListName}: line {Line}: '{Text}': {Reason}";
}

/// <summary>The entries of one list: addresses and ranges in <see cref="Entries"/>, domains in <see cref="Domains"/>, and the lines not loaded.</summary>
public sealed record ParsedList(string Name, IReadOnlyList<IpListEntry> Entries, IReadOnlyList<ListError> Errors)
{
    /// <summary>The domain entries, in list order.</summary>
    public IReadOnlyList<DomainListEntry> Domains { get; init; } = [];
}
