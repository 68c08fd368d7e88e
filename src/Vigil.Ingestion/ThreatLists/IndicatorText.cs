using System.Globalization;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>Splits the URL and <c>host:port</c> forms of list entries into a host and a port.</summary>
internal static class IndicatorText
{
    /// <summary>The outcome of <see cref="TrySplitHostPort"/>.</summary>
    public enum HostPortForm
    {
        /// <summary>The value has no port, or is a bare IPv6 address whose colons are not a port separator.</summary>
        None,
        HostAndPort,
        Invalid,
    }

    public static bool IsUrl(string value) => value.Contains("://", StringComparison.Ordinal);

    /// <summary>
    /// Reads the host and port of a URL (<c>scheme://[user@]host[:port][/path]</c>). The host of a URL is
    /// an IPv4 address, an IPv6 address in brackets, or a domain name; it is returned without brackets.
    /// </summary>
    public static bool TrySplitUrl(string value, out string host, out int? port, out string reason)
    {
        host = string.Empty;
        port = null;
        var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        if (!IsScheme(value.AsSpan(0, schemeEnd)))
        {
            reason = "not a valid URL: the scheme before '://' must be a letter followed by letters, digits, '+', '-' or '.'";
            return false;
        }

        var rest = value.AsSpan(schemeEnd + 3);
        var authorityEnd = rest.IndexOfAny("/?#\\");
        var authority = authorityEnd >= 0 ? rest[..authorityEnd] : rest;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            authority = authority[(at + 1)..];
        }

        ReadOnlySpan<char> hostText;
        ReadOnlySpan<char> portText = default;
        if (authority.StartsWith("["))
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                reason = "not a valid URL: the IPv6 address of the host has no closing ']'";
                return false;
            }

            hostText = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length > 0 && after[0] != ':')
            {
                reason = "not a valid URL: text follows the ']' of the host";
                return false;
            }

            portText = after.Length > 0 ? after[1..] : default;
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            hostText = colon >= 0 ? authority[..colon] : authority;
            portText = colon >= 0 ? authority[(colon + 1)..] : default;
        }

        if (hostText.IsEmpty)
        {
            reason = "not a valid URL: it has no host";
            return false;
        }

        // RFC 3986 allows an empty port ("http://host:/"), which means the scheme's default.
        if (!portText.IsEmpty)
        {
            if (!TryParsePort(portText, out var number))
            {
                reason = $"not a valid URL: the port '{portText}' is not a number from 1 to 65535";
                return false;
            }

            port = number;
        }

        host = hostText.ToString();
        reason = string.Empty;
        return true;
    }

    /// <summary>
    /// Splits <c>a.b.c.d:port</c>, <c>[ipv6]:port</c> and <c>name:port</c>. A value with more than one colon
    /// outside brackets is an IPv6 address, not a host and port.
    /// </summary>
    public static HostPortForm TrySplitHostPort(string value, out string host, out int port, out string reason)
    {
        host = value;
        port = 0;
        reason = string.Empty;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= value.Length || value[close + 1] != ':')
            {
                reason = "an IPv6 address in brackets must be followed by ':' and a port";
                return HostPortForm.Invalid;
            }

            host = value[1..close];
            return ReadPort(value.AsSpan(close + 2), ref port, ref reason);
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || value.IndexOf(':', colon + 1) >= 0)
        {
            return HostPortForm.None;
        }

        host = value[..colon];
        return ReadPort(value.AsSpan(colon + 1), ref port, ref reason);
    }

    private static HostPortForm ReadPort(ReadOnlySpan<char> text, ref int port, ref string reason)
    {
        if (TryParsePort(text, out port))
        {
            return HostPortForm.HostAndPort;
        }

        reason = $"the port '{text}' is not a number from 1 to 65535";
        return HostPortForm.Invalid;
    }

    private static bool TryParsePort(ReadOnlySpan<char> text, out int port)
    {
        port = 0;
        return text.Length is > 0 and <= 5 &&
            !text.ContainsAnyExceptInRange('0', '9') &&
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) &&
            port is > 0 and <= 65535;
    }

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        if (scheme.IsEmpty || !char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (var character in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(character) && character is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
