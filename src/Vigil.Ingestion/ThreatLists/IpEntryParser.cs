using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// Parses IP addresses and CIDR ranges strictly: dotted-decimal IPv4 with four octets and no leading
/// zeros, or IPv6 text without a zone, and a prefix length that leaves no host bits set.
/// </summary>
internal static class IpEntryParser
{
    private static readonly SearchValues<char> AddressDigits = SearchValues.Create("0123456789.");

    /// <summary>
    /// Tells addresses from domains: a value with a colon or slash, or made only of digits and dots,
    /// is read as an address or range, and anything else as a domain name.
    /// </summary>
    public static bool IsAddressForm(string value) =>
        value.Contains(':', StringComparison.Ordinal) ||
        value.Contains('/', StringComparison.Ordinal) ||
        !value.AsSpan().ContainsAnyExcept(AddressDigits);

    /// <summary>Whether the value is made only of digits and dots, so it can only be meant as an IPv4 address.</summary>
    public static bool IsDottedDigits(ReadOnlySpan<char> value) => !value.ContainsAnyExcept(AddressDigits);

    /// <summary>Parses one address or CIDR range; on failure, <paramref name="reason"/> explains why.</summary>
    public static bool TryParse(string value, ListParserOptions options, out IpListEntry entry, out string reason)
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
}
