using System.Text;

namespace Vigil.Rules.Matching;

/// <summary>
/// A Sigma string value with its wildcards: <c>*</c> for any run of characters and <c>?</c> for one
/// character. A backslash escapes <c>*</c>, <c>?</c> and a backslash; before any other character
/// it is a plain backslash. Matching walks the pattern's literal segments left to right, so it
/// takes time proportional to the value length times the pattern length at most, and never
/// backtracks exponentially.
/// </summary>
internal sealed class WildcardPattern
{
    private readonly string[] segments;
    private readonly bool[][] anyCharMasks;
    private readonly bool leadingStar;
    private readonly bool trailingStar;
    private readonly StringComparison comparison;
    private readonly bool hasQuestionMark;

    private WildcardPattern(List<StringBuilder> parts, List<List<bool>> masks, bool leadingStar, bool trailingStar, bool caseSensitive)
    {
        segments = parts.Select(part => part.ToString()).ToArray();
        anyCharMasks = masks.Select(mask => mask.ToArray()).ToArray();
        hasQuestionMark = anyCharMasks.Any(mask => mask.Any(any => any));
        this.leadingStar = leadingStar;
        this.trailingStar = trailingStar;
        comparison = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        CaseSensitive = caseSensitive;
    }

    public bool CaseSensitive { get; }

    /// <summary>True when the pattern contains an unescaped <c>*</c> or <c>?</c>.</summary>
    public bool HasWildcards => leadingStar || trailingStar || segments.Length > 1 || hasQuestionMark;

    /// <summary>The literal text of a pattern without wildcards.</summary>
    public string Literal => segments.Length == 1 ? segments[0] : string.Concat(segments);

    /// <summary>Parses Sigma escapes and wildcards; <paramref name="prefixStar"/> and <paramref name="suffixStar"/> add the wildcards of contains, startswith and endswith.</summary>
    public static WildcardPattern Parse(string value, bool prefixStar, bool suffixStar, bool caseSensitive)
    {
        var parts = new List<StringBuilder> { new() };
        var masks = new List<List<bool>> { new() };
        var leading = prefixStar;
        var trailing = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length && value[i + 1] is '*' or '?' or '\\')
            {
                Append(parts, masks, value[i + 1], false);
                i++;
            }
            else if (c == '*')
            {
                if (parts.Count == 1 && parts[0].Length == 0)
                {
                    leading = true;
                }
                else if (parts[^1].Length > 0)
                {
                    parts.Add(new StringBuilder());
                    masks.Add([]);
                }

                trailing = i == value.Length - 1;
            }
            else if (c == '?')
            {
                Append(parts, masks, '?', true);
                trailing = false;
            }
            else
            {
                Append(parts, masks, c, false);
                trailing = false;
            }
        }

        if (parts.Count > 1 && parts[^1].Length == 0)
        {
            parts.RemoveAt(parts.Count - 1);
            masks.RemoveAt(masks.Count - 1);
            trailing = true;
        }

        return new WildcardPattern(parts, masks, leading, trailing || suffixStar, caseSensitive);
    }

    public bool IsMatch(string text)
    {
        if (!hasQuestionMark && segments.Length == 1)
        {
            var literal = segments[0];
            return (leadingStar, trailingStar) switch
            {
                (false, false) => string.Equals(text, literal, comparison),
                (false, true) => text.StartsWith(literal, comparison),
                (true, false) => text.EndsWith(literal, comparison),
                _ => text.Contains(literal, comparison),
            };
        }

        return MatchSegments(text);
    }

    private static void Append(List<StringBuilder> parts, List<List<bool>> masks, char c, bool any)
    {
        parts[^1].Append(c);
        masks[^1].Add(any);
    }

    private bool MatchSegments(string text)
    {
        var position = 0;
        var last = segments.Length - 1;
        for (var index = 0; index <= last; index++)
        {
            var segment = segments[index];
            var anchoredStart = index == 0 && !leadingStar;
            var anchoredEnd = index == last && !trailingStar;
            if (anchoredStart && anchoredEnd)
            {
                return text.Length == segment.Length && SegmentAt(text, 0, index);
            }

            if (anchoredStart)
            {
                if (!SegmentAt(text, 0, index))
                {
                    return false;
                }

                position = segment.Length;
                continue;
            }

            if (anchoredEnd)
            {
                var start = text.Length - segment.Length;
                return start >= position && SegmentAt(text, start, index);
            }

            var found = -1;
            for (var start = position; start + segment.Length <= text.Length; start++)
            {
                if (SegmentAt(text, start, index))
                {
                    found = start;
                    break;
                }
            }

            if (found < 0)
            {
                return false;
            }

            position = found + segment.Length;
        }

        return true;
    }

    private bool SegmentAt(string text, int start, int index)
    {
        var segment = segments[index];
        if (start < 0 || start + segment.Length > text.Length)
        {
            return false;
        }

        var mask = anyCharMasks[index];
        for (var i = 0; i < segment.Length; i++)
        {
            if (mask[i])
            {
                continue;
            }

            var a = text[start + i];
            var b = segment[i];
            if (a != b && (CaseSensitive || char.ToUpperInvariant(a) != char.ToUpperInvariant(b)))
            {
                return false;
            }
        }

        return true;
    }
}
