using System.Text;

namespace Vigil.Contracts.Text;

/// <summary>Makes attacker-controlled text safe to write into the product's own log lines.</summary>
public static class LogText
{
    /// <summary>Longest value written to a log line, in characters; longer values are cut and marked.</summary>
    public const int MaxLength = 512;

    /// <summary>
    /// Escapes control characters (CR, LF, ESC and the rest) as <c>\r</c>, <c>\n</c> or <c>\uXXXX</c>
    /// so a log value cannot forge a new log line or send terminal escape sequences, and cuts long values.
    /// </summary>
    public static string Escape(string? value)
    {
        if (value is null)
        {
            return "(null)";
        }

        var needsWork = value.Length > MaxLength;
        foreach (var character in value)
        {
            if (char.IsControl(character) || character == '\u2028' || character == '\u2029')
            {
                needsWork = true;
                break;
            }
        }

        if (!needsWork)
        {
            return value;
        }

        var builder = new StringBuilder(Math.Min(value.Length, MaxLength) + 16);
        foreach (var character in value.AsSpan(0, Math.Min(value.Length, MaxLength)))
        {
            switch (character)
            {
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    if (char.IsControl(character) || character == '\u2028' || character == '\u2029')
                    {
                        builder.Append("\\u").Append(((int)character).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(character);
                    }

                    break;
            }
        }

        if (value.Length > MaxLength)
        {
            builder.Append($"…(+{value.Length - MaxLength} chars)");
        }

        return builder.ToString();
    }
}
