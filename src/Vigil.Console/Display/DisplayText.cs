using System.Globalization;
using System.Text;

namespace Vigil.Console.Display;

/// <summary>Formats log-derived values for display. Razor still HTML-encodes whatever these return.</summary>
internal static class DisplayText
{
    /// <summary>Shown where a value is missing.</summary>
    public const string Missing = "—";

    /// <summary>
    /// Returns the text with control characters written as escapes (<c>\r</c>, <c>\n</c>, <c>\t</c>,
    /// <c>\u001b</c>, ...) and backslashes doubled, so that a single-line cell shows exactly what
    /// the log contained. Null or empty text becomes <see cref="Missing"/>.
    /// </summary>
    public static string SingleLine(string? text) =>
        string.IsNullOrEmpty(text) ? Missing : Escape(text, keepLineBreaks: false);

    /// <summary>
    /// Returns the text for a multi-line block: line breaks (normalised to <c>\n</c>) and tabs stay,
    /// other control characters are escaped as in <see cref="SingleLine"/>. Null or empty text
    /// becomes <see cref="Missing"/>.
    /// </summary>
    public static string MultiLine(string? text) =>
        string.IsNullOrEmpty(text) ? Missing : Escape(text.ReplaceLineEndings("\n"), keepLineBreaks: true);

    /// <summary>Formats a time as UTC, for example <c>2024-05-01 13:45:07Z</c>.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Formats a time as ISO 8601 UTC for the <c>datetime</c> attribute of a <c>time</c> element.</summary>
    public static string MachineTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Escape(string text, bool keepLineBreaks)
    {
        if (!NeedsEscaping(text, keepLineBreaks))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var character in text)
        {
            if (keepLineBreaks && character is '\n' or '\t')
            {
                builder.Append(character);
                continue;
            }

            switch (character)
            {
                case '\\':
                    builder.Append(@"\\");
                    break;
                case '\r':
                    builder.Append(@"\r");
                    break;
                case '\n':
                    builder.Append(@"\n");
                    break;
                case '\t':
                    builder.Append(@"\t");
                    break;
                case var other when IsInvisible(other):
                    builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)other:x4}");
                    break;
                default:
                    builder.Append(character);
                    break;
            }
        }

        return builder.ToString();
    }

    private static bool NeedsEscaping(string text, bool keepLineBreaks)
    {
        foreach (var character in text)
        {
            if (keepLineBreaks && character is '\n' or '\t')
            {
                continue;
            }

            if (character == '\\' || IsInvisible(character))
            {
                return true;
            }
        }

        return false;
    }

    // C0 and C1 control characters, plus the bidirectional overrides and isolates that can reorder
    // how the rest of a line reads (U+202A..U+202E, U+2066..U+2069).
    private static bool IsInvisible(char character) =>
        char.IsControl(character)
        || character is >= '\u202A' and <= '\u202E'
        || character is >= '\u2066' and <= '\u2069';

    /// <summary>
    /// Splits a finding type such as <c>UnauthorizedAccess:EC2/MaliciousIPCaller.Custom</c> after each
    /// ':' and '/', so the page can offer line breaks there (with <c>&lt;wbr&gt;</c>) instead of inside words.
    /// </summary>
    public static IEnumerable<string> BreakableParts(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is ':' or '/')
            {
                yield return text[start..(i + 1)];
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }
}
