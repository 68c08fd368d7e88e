using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.VpcFlow;

namespace Vigil.Ingestion.Route53;

/// <summary>
/// Reads a Resolver query log record that is one whole line, in the form the service writes it,
/// straight from the bytes and without <see cref="Utf8JsonReader"/>. It takes only strings of
/// printable ASCII without escapes, ports as plain digits and the time as <c>yyyy-MM-ddTHH:mm:ssZ</c>,
/// and each known field at most once.
/// </summary>
/// <remarks>
/// Any other line makes <see cref="TryParse"/> return null, and the caller reads the line with
/// <see cref="Route53RecordParser"/>, which decides on its JSON, its record and its rejection reason.
/// A line this parser accepts is valid JSON within <see cref="Route53QueryLogReaderOptions.MaxDepth"/>
/// and gives the same record as that path: the fields go through the same
/// <see cref="Route53RecordParser.Build"/>, with the same caches and the same length limits.
/// </remarks>
internal static class Route53LineParser
{
    // True for the bytes that end the scan of a string: the closing quote, and anything this parser
    // leaves to Utf8JsonReader (escapes, control characters, DEL and every non-ASCII byte).
    private static readonly bool[] StringStops = CreateStringStops();

    /// <summary>Nesting beyond this falls back too, so the recursion of <see cref="Cursor.SkipValue"/> stays shallow.</summary>
    private const int MaxNesting = 32;

    /// <summary>
    /// Returns the record of <paramref name="line"/> (without its line end), or null when the line is
    /// not in the form described on the class or its record would be rejected.
    /// </summary>
    public static DnsQueryRecord? TryParse(ReadOnlySpan<byte> line, DateTimeOffset ingestTime, Route53QueryLogReaderOptions options)
    {
        var cursor = new Cursor(line, Math.Min(options.MaxDepth, MaxNesting));
        if (!cursor.TryOpen((byte)'{', depth: 0))
        {
            return null;
        }

        var fields = default(Route53RecordParser.RecordFields);
        var cache = Utf8StringCache.ForCurrentThread;
        var seen = 0u;
        if (!cursor.TryClose((byte)'}'))
        {
            while (true)
            {
                if (!cursor.TryReadName(out var name))
                {
                    return null;
                }

                var field = Route53FieldNames.Identify(name);
                if (field is > Route53Field.Unknown and <= Route53Field.FirewallDomainListId)
                {
                    // A repeated field falls back, so that the slow path alone decides which value counts.
                    var bit = 1u << (int)field;
                    if ((seen & bit) != 0)
                    {
                        return null;
                    }

                    seen |= bit;
                }

                if (!ReadField(ref cursor, field, ref fields, options, cache))
                {
                    return null;
                }

                if (cursor.TryClose((byte)'}'))
                {
                    break;
                }

                if (!cursor.TrySkip((byte)','))
                {
                    return null;
                }
            }
        }

        if (!cursor.IsAtEndOfLine())
        {
            return null;
        }

        return Route53RecordParser.Build(ref fields, ingestTime, options, out _);
    }

    private static bool ReadField(ref Cursor cursor, Route53Field field, ref Route53RecordParser.RecordFields fields, Route53QueryLogReaderOptions options, Utf8StringCache cache)
    {
        var maxLength = options.MaxStringLength;
        switch (field)
        {
            case Route53Field.Version:
                return ReadText(ref cursor, maxLength, cache, out fields.Version);
            case Route53Field.AccountId:
                return ReadText(ref cursor, maxLength, cache, out fields.AccountId);
            case Route53Field.Region:
                return ReadText(ref cursor, maxLength, cache, out fields.Region);
            case Route53Field.VpcId:
                return ReadText(ref cursor, maxLength, cache, out fields.VpcId);
            case Route53Field.QueryTimestamp:
                return ReadTimestamp(ref cursor, maxLength, ref fields);
            case Route53Field.QueryName:
                return ReadQueryName(ref cursor, ref fields, cache);
            case Route53Field.QueryType:
                return ReadText(ref cursor, maxLength, cache, out fields.QueryType);
            case Route53Field.QueryClass:
                return ReadText(ref cursor, maxLength, cache, out fields.QueryClass);
            case Route53Field.Rcode:
                return ReadText(ref cursor, maxLength, cache, out fields.Rcode);
            case Route53Field.SourceAddress:
                return ReadAddress(ref cursor, maxLength, cache, cacheOtherText: false, out fields.SourceAddress);
            case Route53Field.SourcePort:
                return ReadPort(ref cursor, out fields.SourcePort);
            case Route53Field.Transport:
                return ReadText(ref cursor, maxLength, cache, out fields.Transport);
            case Route53Field.Answers:
                return ReadAnswers(ref cursor, maxLength, cache, out fields.Answers);
            case Route53Field.SourceIds:
                return ReadSourceIds(ref cursor, maxLength, cache, out fields.SourceIds);
            case Route53Field.FirewallRuleGroupId:
                return ReadText(ref cursor, maxLength, cache, out fields.FirewallRuleGroupId);
            case Route53Field.FirewallRuleAction:
                return ReadText(ref cursor, maxLength, cache, out fields.FirewallRuleAction);
            case Route53Field.FirewallDomainListId:
                return ReadText(ref cursor, maxLength, cache, out fields.FirewallDomainListId);
            default:
                return cursor.SkipValue(depth: 1);
        }
    }

    /// <summary>Reads a string or null as the slow path's string fields do: cut to <paramref name="maxLength"/>, and from <paramref name="cache"/> when given.</summary>
    private static bool ReadText(ref Cursor cursor, int maxLength, Utf8StringCache? cache, out string? value)
    {
        value = null;
        if (!ReadRawText(ref cursor, maxLength, out var text, out var found))
        {
            return false;
        }

        if (found)
        {
            value = cache is null ? Encoding.ASCII.GetString(text) : cache.Get(text);
        }

        return true;
    }

    private static bool ReadAddress(ref Cursor cursor, int maxLength, Utf8StringCache cache, bool cacheOtherText, out string? value)
    {
        var start = cursor.Position;
        if (cursor.TryReadString(out var text) && FlowRecordBuilder.TryParseCanonicalIpv4(text, out var address))
        {
            value = cache.GetIpv4(address, text);
            return true;
        }

        cursor.Position = start;
        return ReadText(ref cursor, maxLength, cacheOtherText ? cache : null, out value);
    }

    private static bool ReadTimestamp(ref Cursor cursor, int maxLength, ref Route53RecordParser.RecordFields fields)
    {
        if (maxLength < 20 || !cursor.TryReadString(out var text) || text.Length != 20 || !CloudTrailRecordParser.TryParseTimeUtf8(text, out var time))
        {
            return false;
        }

        fields.HasQueryTimestamp = true;
        fields.QueryTimestamp = time;
        fields.QueryTimestampText = null;
        return true;
    }

    private static bool ReadQueryName(ref Cursor cursor, ref Route53RecordParser.RecordFields fields, Utf8StringCache cache)
    {
        if (!cursor.TryReadString(out var name))
        {
            return false;
        }

        var names = QueryNameCache.ForCurrentThread;
        if (names.Find(name) is { } known)
        {
            fields.QueryName = known.Name;
            fields.NormalizedQueryName = known.Normalized;
            fields.QueryNameValid = known.Valid;
            return true;
        }

        // Not cut to the string limit: Build rejects a name over it, as the slow path does.
        fields.QueryName = cache.Get(name);
        fields.NormalizedQueryName = null;
        Route53RecordParser.NormalizePlainName(name, ref fields, cache, names);
        return true;
    }

    /// <summary>Reads <c>srcport</c> as plain digits, in a string or as a number, up to 65535; null gives null.</summary>
    private static bool ReadPort(ref Cursor cursor, out int? port)
    {
        port = null;
        if (cursor.TryReadNull())
        {
            return true;
        }

        ReadOnlySpan<byte> digits;
        if (!cursor.TryReadString(out digits) && !cursor.TryReadPlainInteger(out digits))
        {
            return false;
        }

        if (digits.Length is 0 or > 5)
        {
            return false;
        }

        var number = 0;
        foreach (var character in digits)
        {
            var digit = character - (byte)'0';
            if ((uint)digit > 9)
            {
                return false;
            }

            number = (number * 10) + digit;
        }

        if (number > 65535)
        {
            return false;
        }

        port = number;
        return true;
    }

    private static bool ReadAnswers(ref Cursor cursor, int maxLength, Utf8StringCache cache, out IReadOnlyList<DnsAnswer>? answers)
    {
        answers = null;
        if (cursor.TryReadNull())
        {
            return true;
        }

        if (!cursor.TryOpen((byte)'[', depth: 1))
        {
            return false;
        }

        var collected = new DnsAnswerCollector();
        if (!cursor.TryClose((byte)']'))
        {
            while (true)
            {
                if (!cursor.TryOpen((byte)'{', depth: 2) || !ReadAnswer(ref cursor, maxLength, cache, out var answer))
                {
                    return false;
                }

                collected.Add(answer);

                if (cursor.TryClose((byte)']'))
                {
                    break;
                }

                if (!cursor.TrySkip((byte)','))
                {
                    return false;
                }
            }
        }

        answers = collected.ToList();
        return true;
    }

    /// <summary>Reads the members of an answer object whose opening brace the cursor has just passed.</summary>
    private static bool ReadAnswer(ref Cursor cursor, int maxLength, Utf8StringCache cache, [NotNullWhen(true)] out DnsAnswer? answer)
    {
        answer = null;
        string? rdata = null, type = null, answerClass = null;
        if (!cursor.TryClose((byte)'}'))
        {
            while (true)
            {
                if (!cursor.TryReadName(out var name))
                {
                    return false;
                }

                var ok = Route53FieldNames.Identify(name) switch
                {
                    Route53Field.Rdata => ReadAddress(ref cursor, maxLength, cache, cacheOtherText: true, out rdata),
                    Route53Field.AnswerType => ReadText(ref cursor, maxLength, cache, out type),
                    Route53Field.AnswerClass => ReadText(ref cursor, maxLength, cache, out answerClass),
                    _ => cursor.SkipValue(depth: 3),
                };

                if (!ok)
                {
                    return false;
                }

                if (cursor.TryClose((byte)'}'))
                {
                    break;
                }

                if (!cursor.TrySkip((byte)','))
                {
                    return false;
                }
            }
        }

        answer = new DnsAnswer(rdata, type, answerClass);
        return true;
    }

    private static bool ReadSourceIds(ref Cursor cursor, int maxLength, Utf8StringCache cache, out DnsQuerySourceIds? sourceIds)
    {
        sourceIds = null;
        if (cursor.TryReadNull())
        {
            return true;
        }

        if (!cursor.TryOpen((byte)'{', depth: 1))
        {
            return false;
        }

        string? instance = null, endpoint = null, networkInterface = null;
        if (!cursor.TryClose((byte)'}'))
        {
            while (true)
            {
                if (!cursor.TryReadName(out var name))
                {
                    return false;
                }

                var ok = Route53FieldNames.Identify(name) switch
                {
                    Route53Field.Instance => ReadText(ref cursor, maxLength, null, out instance),
                    Route53Field.ResolverEndpoint => ReadText(ref cursor, maxLength, cache, out endpoint),
                    Route53Field.ResolverNetworkInterface => ReadText(ref cursor, maxLength, cache, out networkInterface),
                    _ => cursor.SkipValue(depth: 2),
                };

                if (!ok)
                {
                    return false;
                }

                if (cursor.TryClose((byte)'}'))
                {
                    break;
                }

                if (!cursor.TrySkip((byte)','))
                {
                    return false;
                }
            }
        }

        sourceIds = new DnsQuerySourceIds { Instance = instance, ResolverEndpoint = endpoint, ResolverNetworkInterface = networkInterface };
        return true;
    }

    /// <summary>Reads a string or null, cut to <paramref name="maxLength"/>, without making a string: <paramref name="found"/> is false for a JSON null.</summary>
    private static bool ReadRawText(scoped ref Cursor cursor, int maxLength, out ReadOnlySpan<byte> text, out bool found)
    {
        text = default;
        found = false;
        if (cursor.TryReadNull())
        {
            return true;
        }

        if (!cursor.TryReadString(out text))
        {
            return false;
        }

        // The text is ASCII, so its first maxLength bytes are its first maxLength characters.
        found = true;
        if (text.Length > maxLength)
        {
            text = text[..maxLength];
        }

        return true;
    }

    private static bool[] CreateStringStops()
    {
        var stops = new bool[256];
        for (var value = 0; value < stops.Length; value++)
        {
            stops[value] = value is < 0x20 or >= 0x7F or '"' or '\\';
        }

        return stops;
    }

    /// <summary>A position in the line and the JSON steps this parser takes. Every method skips JSON whitespace before its token.</summary>
    private ref struct Cursor(ReadOnlySpan<byte> line, int maxDepth)
    {
        private readonly ReadOnlySpan<byte> line = line;

        public int Position;

        /// <summary>Consumes <paramref name="opening"/> (a brace or bracket) that starts a container at nesting <paramref name="depth"/> (0 for the record).</summary>
        public bool TryOpen(byte opening, int depth) => depth + 1 < maxDepth && TrySkip(opening);

        /// <summary>Consumes <paramref name="closing"/> when it is the next token.</summary>
        public bool TryClose(byte closing) => TrySkip(closing);

        public bool TrySkip(byte token)
        {
            SkipWhitespace();
            if (Position < line.Length && line[Position] == token)
            {
                Position++;
                return true;
            }

            return false;
        }

        /// <summary>True when only spaces and tabs follow, as the slow path requires after the object.</summary>
        public readonly bool IsAtEndOfLine() => line[Position..].IndexOfAnyExcept(" \t"u8) < 0;

        /// <summary>Reads a property name and the colon after it.</summary>
        public bool TryReadName(out ReadOnlySpan<byte> name) => TryReadString(out name) && TrySkip((byte)':');

        /// <summary>Reads a string of printable ASCII without escapes and returns its content, or leaves the position unchanged.</summary>
        public bool TryReadString(out ReadOnlySpan<byte> value)
        {
            value = default;
            var start = Position;
            if (!TrySkip((byte)'"'))
            {
                return false;
            }

            var stops = StringStops;
            var end = Position;
            while (end < line.Length && !stops[line[end]])
            {
                end++;
            }

            if (end == line.Length || line[end] != (byte)'"')
            {
                Position = start;
                return false;
            }

            value = line[Position..end];
            Position = end + 1;
            return true;
        }

        public bool TryReadNull() => TryReadLiteral("null"u8);

        /// <summary>Reads a JSON number that is a non-negative integer without a fraction or an exponent, and returns its digits.</summary>
        public bool TryReadPlainInteger(out ReadOnlySpan<byte> digits)
        {
            SkipWhitespace();
            var start = Position;
            if (!TryReadNumber() || line[start..Position].IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
            {
                Position = start;
                digits = default;
                return false;
            }

            digits = line[start..Position];
            return true;
        }

        /// <summary>
        /// Skips one value of any type, checking it as JSON does. <paramref name="depth"/> is the number
        /// of containers around it, the record included.
        /// </summary>
        public bool SkipValue(int depth)
        {
            SkipWhitespace();
            if (Position == line.Length)
            {
                return false;
            }

            switch (line[Position])
            {
                case (byte)'"':
                    return TryReadString(out _);
                case (byte)'{':
                    return SkipObject(depth);
                case (byte)'[':
                    return SkipArray(depth);
                case (byte)'t':
                    return TryReadLiteral("true"u8);
                case (byte)'f':
                    return TryReadLiteral("false"u8);
                case (byte)'n':
                    return TryReadLiteral("null"u8);
                default:
                    return TryReadNumber();
            }
        }

        private bool SkipObject(int depth)
        {
            if (!TryOpen((byte)'{', depth))
            {
                return false;
            }

            if (TryClose((byte)'}'))
            {
                return true;
            }

            while (true)
            {
                if (!TryReadName(out _) || !SkipValue(depth + 1))
                {
                    return false;
                }

                if (TryClose((byte)'}'))
                {
                    return true;
                }

                if (!TrySkip((byte)','))
                {
                    return false;
                }
            }
        }

        private bool SkipArray(int depth)
        {
            if (!TryOpen((byte)'[', depth))
            {
                return false;
            }

            if (TryClose((byte)']'))
            {
                return true;
            }

            while (true)
            {
                if (!SkipValue(depth + 1))
                {
                    return false;
                }

                if (TryClose((byte)']'))
                {
                    return true;
                }

                if (!TrySkip((byte)','))
                {
                    return false;
                }
            }
        }

        private bool TryReadLiteral(ReadOnlySpan<byte> literal)
        {
            SkipWhitespace();
            if (!line[Position..].StartsWith(literal))
            {
                return false;
            }

            Position += literal.Length;
            return true;
        }

        /// <summary>Reads a number by the JSON grammar: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>.</summary>
        private bool TryReadNumber()
        {
            if (Position < line.Length && line[Position] == (byte)'-')
            {
                Position++;
            }

            if (Position == line.Length || !char.IsAsciiDigit((char)line[Position]))
            {
                return false;
            }

            if (line[Position] == (byte)'0')
            {
                Position++;
            }
            else
            {
                SkipDigits();
            }

            if (Position < line.Length && line[Position] == (byte)'.')
            {
                Position++;
                if (SkipDigits() == 0)
                {
                    return false;
                }
            }

            if (Position < line.Length && line[Position] is (byte)'e' or (byte)'E')
            {
                Position++;
                if (Position < line.Length && line[Position] is (byte)'+' or (byte)'-')
                {
                    Position++;
                }

                if (SkipDigits() == 0)
                {
                    return false;
                }
            }

            return true;
        }

        private int SkipDigits()
        {
            var start = Position;
            while (Position < line.Length && char.IsAsciiDigit((char)line[Position]))
            {
                Position++;
            }

            return Position - start;
        }

        private void SkipWhitespace()
        {
            while (Position < line.Length && line[Position] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                Position++;
            }
        }
    }
}
