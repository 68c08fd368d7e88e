using System.Text;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>One comparison of a STIX pattern, such as <c>ipv4-addr:value = '203.0.113.7'</c>.</summary>
/// <param name="ObjectPath">The object path as written, such as <c>ipv4-addr:value</c>.</param>
/// <param name="Operator"><c>=</c>, <c>!=</c>, <c>&lt;</c> and so on, or a keyword in upper case (<c>IN</c>, <c>LIKE</c>, <c>MATCHES</c>, <c>ISSUBSET</c>, <c>ISSUPERSET</c>, <c>EXISTS</c>).</param>
/// <param name="Negated">Whether <c>NOT</c> comes before the operator.</param>
/// <param name="Values">The literal, or the literals of an <c>IN</c> list.</param>
/// <param name="ValuesAreStrings">Whether every value is a plain string literal (not a number, boolean, timestamp, hex or binary literal).</param>
internal sealed record StixComparison(string ObjectPath, string Operator, bool Negated, IReadOnlyList<string> Values, bool ValuesAreStrings);

/// <summary>The comparisons of a STIX pattern and how they are combined.</summary>
internal sealed record StixPattern(IReadOnlyList<StixComparison> Comparisons)
{
    /// <summary>Whether <c>AND</c> joins comparisons or observations anywhere in the pattern.</summary>
    public bool HasAnd { get; init; }

    /// <summary>Whether <c>FOLLOWEDBY</c> joins observations.</summary>
    public bool HasFollowedBy { get; init; }

    /// <summary>Whether the pattern has a <c>WITHIN</c>, <c>REPEATS</c> or <c>START</c>/<c>STOP</c> qualifier.</summary>
    public bool HasQualifier { get; init; }
}

/// <summary>
/// Parses STIX 2.1 patterning text into its comparisons. The parser reads the tokens once, left to right,
/// keeping only counters for the brackets and parentheses, so a deeply nested pattern costs no stack. It
/// checks that comparisons and the keywords between them alternate and that brackets balance, which is
/// enough to tell which values a pattern names and whether it joins them with <c>OR</c> only. It does not
/// check the whole grammar: a pattern it accepts may still be invalid STIX in ways that do not change which
/// values it names.
/// </summary>
internal static class StixPatternParser
{
    /// <summary>Longest pattern read, in characters; parsing is linear, so this bounds the work.</summary>
    public const int MaxPatternLength = 1024 * 1024;

    /// <summary>Deepest nesting of parentheses accepted.</summary>
    public const int MaxNesting = 100;

    private static readonly HashSet<string> WordOperators = new(StringComparer.OrdinalIgnoreCase) { "IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET" };

    private enum TokenKind
    {
        LeftBracket,
        RightBracket,
        LeftParen,
        RightParen,
        Comma,
        Operator,
        String,
        OtherLiteral,
        Word,
    }

    private readonly record struct Token(TokenKind Kind, string Text);

    public static bool TryParse(string pattern, out StixPattern result, out string error)
    {
        result = new StixPattern([]);
        if (pattern.Length > MaxPatternLength)
        {
            error = $"the pattern is {pattern.Length} characters long, more than the maximum of {MaxPatternLength}";
            return false;
        }

        if (!TryTokenize(pattern, out var tokens, out error))
        {
            return false;
        }

        return TryReadTokens(tokens, out result, out error);
    }

    private static bool TryReadTokens(List<Token> tokens, out StixPattern result, out string error)
    {
        result = new StixPattern([]);
        var comparisons = new List<StixComparison>();
        bool hasAnd = false, hasFollowedBy = false, hasQualifier = false;
        var insideBracket = false;
        var outerDepth = 0;
        var innerDepth = 0;

        // Whether the next token must start an operand (a comparison, an observation or a parenthesis)
        // rather than join or close one.
        var expectOperand = true;
        var i = 0;
        while (i < tokens.Count)
        {
            var token = tokens[i];
            var word = token.Kind == TokenKind.Word ? token.Text.ToUpperInvariant() : null;
            if (token.Kind == TokenKind.LeftParen)
            {
                if (!expectOperand)
                {
                    return Fail(token, out error);
                }

                innerDepth += insideBracket ? 1 : 0;
                outerDepth += insideBracket ? 0 : 1;
                if (innerDepth + outerDepth > MaxNesting)
                {
                    error = $"the pattern nests parentheses more than {MaxNesting} levels deep";
                    return false;
                }

                i++;
            }
            else if (token.Kind == TokenKind.RightParen)
            {
                ref var depth = ref insideBracket ? ref innerDepth : ref outerDepth;
                if (expectOperand || depth == 0)
                {
                    return Fail(token, out error);
                }

                depth--;
                i++;
            }
            else if (word is "AND" or "OR" || (!insideBracket && word == "FOLLOWEDBY"))
            {
                if (expectOperand)
                {
                    return Fail(token, out error);
                }

                hasAnd |= word == "AND";
                hasFollowedBy |= word == "FOLLOWEDBY";
                expectOperand = true;
                i++;
            }
            else if (insideBracket && token.Kind == TokenKind.RightBracket)
            {
                if (expectOperand || innerDepth != 0)
                {
                    return Fail(token, out error);
                }

                insideBracket = false;
                i++;
            }
            else if (insideBracket)
            {
                if (!expectOperand)
                {
                    return Fail(token, out error);
                }

                if (!TryReadComparison(tokens, ref i, out var comparison, out error))
                {
                    return false;
                }

                comparisons.Add(comparison);
                expectOperand = false;
            }
            else if (token.Kind == TokenKind.LeftBracket)
            {
                if (!expectOperand)
                {
                    return Fail(token, out error);
                }

                insideBracket = true;
                i++;
            }
            else if (word is "WITHIN" or "REPEATS" or "START")
            {
                if (expectOperand)
                {
                    return Fail(token, out error);
                }

                if (!TrySkipQualifier(tokens, ref i, word, out error))
                {
                    return false;
                }

                hasQualifier = true;
            }
            else
            {
                return Fail(token, out error);
            }
        }

        if (insideBracket || expectOperand || outerDepth != 0)
        {
            error = comparisons.Count == 0 ? "the pattern has no comparison in brackets" : "the pattern ends before its brackets or parentheses are closed";
            return false;
        }

        result = new StixPattern(comparisons) { HasAnd = hasAnd, HasFollowedBy = hasFollowedBy, HasQualifier = hasQualifier };
        error = string.Empty;
        return true;
    }

    /// <summary>Reads <c>path [NOT] operator literal</c>, <c>path [NOT] IN (literal, ...)</c> or <c>EXISTS path</c>.</summary>
    private static bool TryReadComparison(List<Token> tokens, ref int i, out StixComparison comparison, out string error)
    {
        comparison = null!;
        var start = tokens[i];
        if (start.Kind == TokenKind.Word && start.Text.Equals("EXISTS", StringComparison.OrdinalIgnoreCase))
        {
            if (i + 1 >= tokens.Count || !IsObjectPath(tokens[i + 1]))
            {
                error = "EXISTS must be followed by an object path";
                return false;
            }

            comparison = new StixComparison(tokens[i + 1].Text, "EXISTS", false, [], false);
            i += 2;
            error = string.Empty;
            return true;
        }

        if (!IsObjectPath(start))
        {
            error = $"expected an object path such as ipv4-addr:value, found '{start.Text}'";
            return false;
        }

        var position = i + 1;
        var negated = position < tokens.Count && tokens[position].Kind == TokenKind.Word && tokens[position].Text.Equals("NOT", StringComparison.OrdinalIgnoreCase);
        position += negated ? 1 : 0;
        if (position >= tokens.Count || !IsOperator(tokens[position]))
        {
            error = $"expected a comparison operator after '{start.Text}'";
            return false;
        }

        var op = tokens[position].Kind == TokenKind.Operator ? tokens[position].Text : tokens[position].Text.ToUpperInvariant();
        position++;
        var values = new List<string>();
        var allStrings = true;
        if (op == "IN")
        {
            if (!TryReadSet(tokens, ref position, values, ref allStrings, out error))
            {
                return false;
            }
        }
        else if (position < tokens.Count && tokens[position].Kind is TokenKind.String or TokenKind.OtherLiteral)
        {
            values.Add(tokens[position].Text);
            allStrings = tokens[position].Kind == TokenKind.String;
            position++;
        }
        else
        {
            error = $"expected a value after '{start.Text} {op}'";
            return false;
        }

        comparison = new StixComparison(start.Text, op, negated, values, allStrings);
        i = position;
        error = string.Empty;
        return true;
    }

    /// <summary>Reads the <c>('a', 'b', ...)</c> list of an <c>IN</c> comparison.</summary>
    private static bool TryReadSet(List<Token> tokens, ref int position, List<string> values, ref bool allStrings, out string error)
    {
        error = "IN must be followed by a list of values in parentheses";
        if (position >= tokens.Count || tokens[position].Kind != TokenKind.LeftParen)
        {
            return false;
        }

        position++;
        while (position < tokens.Count && tokens[position].Kind is TokenKind.String or TokenKind.OtherLiteral)
        {
            values.Add(tokens[position].Text);
            allStrings &= tokens[position].Kind == TokenKind.String;
            position++;
            if (position < tokens.Count && tokens[position].Kind == TokenKind.Comma)
            {
                position++;
            }
            else
            {
                break;
            }
        }

        if (values.Count == 0 || position >= tokens.Count || tokens[position].Kind != TokenKind.RightParen)
        {
            return false;
        }

        position++;
        error = string.Empty;
        return true;
    }

    /// <summary>Skips <c>WITHIN n SECONDS</c>, <c>REPEATS n TIMES</c> or <c>START t'...' STOP t'...'</c>.</summary>
    private static bool TrySkipQualifier(List<Token> tokens, ref int i, string keyword, out string error)
    {
        var (closingWord, length) = keyword switch
        {
            "WITHIN" => ("SECONDS", 3),
            "REPEATS" => ("TIMES", 3),
            _ => ("STOP", 4),
        };

        var valid = i + length <= tokens.Count &&
            tokens[i + 1].Kind == TokenKind.OtherLiteral &&
            tokens[i + 2].Kind == TokenKind.Word &&
            tokens[i + 2].Text.Equals(closingWord, StringComparison.OrdinalIgnoreCase) &&
            (length == 3 || tokens[i + 3].Kind == TokenKind.OtherLiteral);
        if (!valid)
        {
            error = $"the {keyword} qualifier is incomplete";
            return false;
        }

        i += length;
        error = string.Empty;
        return true;
    }

    private static bool IsObjectPath(Token token) => token.Kind == TokenKind.Word && token.Text.Contains(':', StringComparison.Ordinal);

    private static bool IsOperator(Token token) => token.Kind == TokenKind.Operator || (token.Kind == TokenKind.Word && WordOperators.Contains(token.Text));

    private static bool Fail(Token token, out string error)
    {
        error = $"unexpected '{(token.Text.Length > 40 ? token.Text[..40] + "…" : token.Text)}' in the pattern";
        return false;
    }

    /// <summary>Splits the pattern into tokens; string literals are returned unescaped and without quotes.</summary>
    private static bool TryTokenize(string pattern, out List<Token> tokens, out string error)
    {
        tokens = [];
        var i = 0;
        while (i < pattern.Length)
        {
            var character = pattern[i];
            var next = i + 1 < pattern.Length ? pattern[i + 1] : '\0';
            if (char.IsWhiteSpace(character))
            {
                i++;
                continue;
            }

            TokenKind? single = character switch
            {
                '[' => TokenKind.LeftBracket,
                ']' => TokenKind.RightBracket,
                '(' => TokenKind.LeftParen,
                ')' => TokenKind.RightParen,
                ',' => TokenKind.Comma,
                _ => null,
            };

            if (single is { } kind)
            {
                tokens.Add(new Token(kind, character.ToString()));
                i++;
            }
            else if (character is '=' or '<' or '>' || (character == '!' && next == '='))
            {
                var length = next == '=' && character != '=' ? 2 : 1;
                tokens.Add(new Token(TokenKind.Operator, pattern.Substring(i, length)));
                i += length;
            }
            else if (character == '\'')
            {
                if (!TryReadString(pattern, ref i, out var text, out error))
                {
                    return false;
                }

                tokens.Add(new Token(TokenKind.String, text));
            }
            else if (character is 't' or 'h' or 'b' && next == '\'')
            {
                i++;
                if (!TryReadString(pattern, ref i, out var text, out error))
                {
                    return false;
                }

                tokens.Add(new Token(TokenKind.OtherLiteral, text));
            }
            else if (char.IsAsciiDigit(character) || (character is '-' or '+' && char.IsAsciiDigit(next)))
            {
                var start = i++;
                while (i < pattern.Length && (char.IsAsciiDigit(pattern[i]) || pattern[i] == '.'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.OtherLiteral, pattern[start..i]));
            }
            else if (char.IsAsciiLetter(character) || character == '_')
            {
                if (!TryReadWord(pattern, ref i, out var word, out error))
                {
                    return false;
                }

                var isBoolean = word.Equals("true", StringComparison.OrdinalIgnoreCase) || word.Equals("false", StringComparison.OrdinalIgnoreCase);
                tokens.Add(new Token(isBoolean ? TokenKind.OtherLiteral : TokenKind.Word, word));
            }
            else
            {
                error = $"unexpected character '{character}' at position {i + 1} of the pattern";
                return false;
            }
        }

        error = string.Empty;
        return true;
    }

    /// <summary>
    /// Reads a keyword or an object path. A path may contain quoted property names and list indexes,
    /// as in <c>file:hashes.'SHA-256'</c> or <c>email-message:to_refs[*].value</c>.
    /// </summary>
    private static bool TryReadWord(string pattern, ref int i, out string word, out string error)
    {
        var builder = new StringBuilder();
        while (i < pattern.Length)
        {
            var character = pattern[i];
            if (char.IsAsciiLetterOrDigit(character) || character is '_' or '-' or ':' or '.')
            {
                builder.Append(character);
                i++;
            }
            else if (character == '\'' && builder.Length > 0 && builder[^1] is '.' or ':')
            {
                if (!TryReadString(pattern, ref i, out var name, out error))
                {
                    word = string.Empty;
                    return false;
                }

                builder.Append('\'').Append(name).Append('\'');
            }
            else if (character == '[' && IsListIndex(pattern.AsSpan(i)))
            {
                var close = pattern.IndexOf(']', i);
                builder.Append(pattern, i, close - i + 1);
                i = close + 1;
            }
            else
            {
                break;
            }
        }

        word = builder.ToString();
        error = string.Empty;
        return true;
    }

    /// <summary>Whether the text starts with <c>[*]</c> or <c>[n]</c>, a list index inside an object path.</summary>
    private static bool IsListIndex(ReadOnlySpan<char> text)
    {
        var close = text.IndexOf(']');
        if (close < 2)
        {
            return false;
        }

        var inside = text[1..close];
        return inside is "*" || !inside.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>Reads a quoted string starting at the quote; <c>\'</c> and <c>\\</c> are the escapes STIX defines.</summary>
    private static bool TryReadString(string pattern, ref int i, out string text, out string error)
    {
        var builder = new StringBuilder();
        var start = i;
        i++;
        while (i < pattern.Length)
        {
            var character = pattern[i];
            if (character == '\\' && i + 1 < pattern.Length && pattern[i + 1] is '\'' or '\\')
            {
                builder.Append(pattern[i + 1]);
                i += 2;
            }
            else if (character == '\'')
            {
                i++;
                text = builder.ToString();
                error = string.Empty;
                return true;
            }
            else
            {
                builder.Append(character);
                i++;
            }
        }

        text = string.Empty;
        error = $"the string that starts at position {start + 1} of the pattern is not closed";
        return false;
    }
}
