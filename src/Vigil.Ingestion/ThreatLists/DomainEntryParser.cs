using System.Buffers;
using System.Globalization;
using System.Text;
using Vigil.Ingestion.Route53;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// Validates and normalises the domain entries of a threat list. An entry is a host name of at least
/// two labels, each 1 to 63 letters, digits or hyphens that neither starts nor ends with a hyphen,
/// at most 253 characters in all. A trailing dot is removed, and a leading <c>*.</c> is accepted and
/// means the same as the bare domain, because every entry already covers its subdomains.
/// </summary>
public static class DomainEntryParser
{
    private static readonly SearchValues<char> LabelCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    /// <summary>Parses one domain entry. On failure, <paramref name="reason"/> contains the reason.</summary>
    public static bool TryParse(string value, out DomainListEntry entry, out string reason)
    {
        entry = default;
        var name = value.StartsWith("*.", StringComparison.Ordinal) ? value[2..] : value;
        if (name.Contains('*', StringComparison.Ordinal))
        {
            reason = "a wildcard is allowed only as a leading '*.', which covers the domain and its subdomains";
            return false;
        }

        if (name.EndsWith('.'))
        {
            name = name[..^1];
        }

        if (!Ascii.IsValid(name) && !TryConvertToPunycode(name, out name, out reason))
        {
            return false;
        }

        name = DnsQueryName.ToLowerAscii(name);
        if (!TryValidate(name, out reason))
        {
            return false;
        }

        entry = new DomainListEntry(value, name);
        return true;
    }

    /// <summary>
    /// Converts an internationalised name to punycode; the label rules are checked afterwards. Upper-case
    /// letters are lowered first, because IDNA (UTS 46) maps them to lower case before encoding, so
    /// clients query the lower-case form.
    /// </summary>
    /// <remarks>
    /// NOTE: UTS 46 also applies Unicode normalisation form C, but with InvariantGlobalization (set for
    /// every Vigil project) <see cref="string.Normalize()"/> leaves a decomposed name unchanged, so a
    /// name written with combining marks gets a different punycode form than clients send.
    /// </remarks>
    private static bool TryConvertToPunycode(string name, out string ascii, out string reason)
    {
        try
        {
            ascii = new IdnMapping().GetAscii(name.ToLowerInvariant());
            reason = string.Empty;
            return true;
        }
        catch (ArgumentException exception)
        {
            ascii = name;
            var message = exception.ParamName is null ? exception.Message : exception.Message.Replace($" (Parameter '{exception.ParamName}')", "", StringComparison.Ordinal);
            reason = $"not a valid internationalised domain name: {message}";
            return false;
        }
    }

    private static bool TryValidate(string name, out string reason)
    {
        if (name.Length > DnsQueryName.MaxNameLength)
        {
            reason = $"the name is {name.Length} characters long, more than the maximum of {DnsQueryName.MaxNameLength}";
            return false;
        }

        // Labels are checked first, so a value with invalid characters is reported for them rather
        // than for having one label.
        var labels = name.Split('.');
        foreach (var label in labels)
        {
            if (!TryValidateLabel(label, out reason))
            {
                return false;
            }
        }

        if (labels.Length < 2)
        {
            reason = "a domain name needs at least two labels, such as example.com";
            return false;
        }

        // RFC 3696 section 2: a top-level domain is never all-numeric, and this keeps a malformed
        // address such as 10.1 from being read as a domain.
        if (labels[^1].All(char.IsAsciiDigit))
        {
            reason = $"the last label '{labels[^1]}' is all digits, so the value is neither an IP address nor a domain name";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    private static bool TryValidateLabel(string label, out string reason)
    {
        if (label.Length == 0)
        {
            reason = "the name has an empty label (a leading dot or two dots in a row)";
            return false;
        }

        if (label.Length > DnsQueryName.MaxLabelLength)
        {
            reason = $"the label '{Shorten(label)}' is {label.Length} characters long, more than the maximum of {DnsQueryName.MaxLabelLength}";
            return false;
        }

        var invalid = label.AsSpan().IndexOfAnyExcept(LabelCharacters);
        if (invalid >= 0)
        {
            reason = $"the label '{Shorten(label)}' contains '{label[invalid]}'; only letters, digits and hyphens are allowed";
            return false;
        }

        if (label[0] == '-' || label[^1] == '-')
        {
            reason = $"the label '{Shorten(label)}' starts or ends with a hyphen";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    private static string Shorten(string label) => label.Length <= 24 ? label : label[..24] + "…";
}
