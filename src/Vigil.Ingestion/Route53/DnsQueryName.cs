using System.Globalization;
using System.Text;

namespace Vigil.Ingestion.Route53;

/// <summary>Normalises DNS query names as they appear in Resolver query logs, so they can be compared with list entries.</summary>
public static class DnsQueryName
{
    /// <summary>Longest name in text form without the trailing dot (255 octets on the wire, RFC 1035 section 2.3.4).</summary>
    public const int MaxNameLength = 253;

    /// <summary>Longest label (RFC 1035 section 2.3.4).</summary>
    public const int MaxLabelLength = 63;

    /// <summary>
    /// Returns <paramref name="name"/> with the trailing dot removed and ASCII letters in lower case.
    /// DNS compares names case-insensitively for ASCII letters only (RFC 4343), so other characters
    /// keep their case. A name with non-ASCII characters is converted to punycode with
    /// <see cref="IdnMapping"/>; when that fails, the name is returned as given and
    /// <paramref name="valid"/> is false. Characters outside letters, digits and hyphens, such as the
    /// underscores of service names, are kept, because DNS allows any octet in a label.
    /// </summary>
    public static string Normalize(string name, out bool valid)
    {
        if (name == ".")
        {
            valid = true;
            return name;
        }

        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        string ascii;
        if (Ascii.IsValid(trimmed))
        {
            ascii = trimmed;
        }
        else
        {
            try
            {
                // IdnMapping instances are not documented as thread-safe, and this path is rare.
                ascii = new IdnMapping { AllowUnassigned = true }.GetAscii(trimmed);
            }
            catch (ArgumentException)
            {
                valid = false;
                return name;
            }
        }

        var normalized = ToLowerAscii(ascii);
        valid = HasValidLength(normalized);
        return normalized;
    }

    /// <summary>Returns <paramref name="ascii"/> with the letters A to Z in lower case, or the same instance when it has none.</summary>
    internal static string ToLowerAscii(string ascii)
    {
        if (!ascii.AsSpan().ContainsAnyInRange('A', 'Z'))
        {
            return ascii;
        }

        return string.Create(ascii.Length, ascii, static (target, source) => Ascii.ToLower(source, target, out _));
    }

    /// <summary>
    /// Checks the length limits: 1 to 63 characters a label and at most 253 in all. The limits count
    /// characters of the text form, so a name with <c>\DDD</c> escapes can be flagged although its wire form fits.
    /// </summary>
    internal static bool HasValidLength(string name)
    {
        if (name.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        foreach (var range in name.AsSpan().Split('.'))
        {
            var length = range.End.Value - range.Start.Value;
            if (length is 0 or > MaxLabelLength)
            {
                return false;
            }
        }

        return true;
    }
}
