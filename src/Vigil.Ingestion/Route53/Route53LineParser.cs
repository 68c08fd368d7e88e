using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    /// <summary>Longest line whose quotes are marked in a bitmap on the stack (64 words).</summary>
    private const int MaxMarkedLineBytes = 4096;

    /// <summary>
    /// Returns the record of <paramref name="line"/> (without its line end), or null when the line is
    /// not in the form described on the class or its record would be rejected.
    /// </summary>
    public static DnsQueryRecord? TryParse(ReadOnlySpan<byte> line, DateTimeOffset ingestTime, Route53QueryLogReaderOptions options) =>
        TryParse(line, ingestTime, options, new LineMemory());

    /// <summary>
    /// The same as <see cref="TryParse(ReadOnlySpan{byte}, DateTimeOffset, Route53QueryLogReaderOptions)"/>,
    /// taking the strings that equal those of the line before from <paramref name="memory"/>, which
    /// keeps this line's strings for the next one.
    /// </summary>
    public static DnsQueryRecord? TryParse(ReadOnlySpan<byte> line, DateTimeOffset ingestTime, Route53QueryLogReaderOptions options, LineMemory memory) =>
        TryParse(line, ingestTime, options, memory, readUsualOrder: true);

    /// <summary>
    /// Parses as <see cref="TryParse(ReadOnlySpan{byte}, DateTimeOffset, Route53QueryLogReaderOptions, LineMemory)"/> does.
    /// With <paramref name="readUsualOrder"/> false, every member goes through the member loop, so
    /// tests can compare <see cref="ReadUsualMembers"/> with it.
    /// </summary>
    internal static DnsQueryRecord? TryParse(ReadOnlySpan<byte> line, DateTimeOffset ingestTime, Route53QueryLogReaderOptions options, LineMemory memory, bool readUsualOrder)
    {
        // A short line of printable ASCII without backslashes (the usual form) has its quotes marked
        // once, so each string ends at the next mark. Any other line is read byte by byte.
        Span<ulong> quotes = line.Length <= MaxMarkedLineBytes ? stackalloc ulong[(line.Length + 63) >> 6] : default;
        if (!quotes.IsEmpty && !TryMarkQuotes(line, quotes))
        {
            quotes = default;
        }

        var cursor = new Cursor(line, Math.Min(options.MaxDepth, MaxNesting), quotes);
        if (!cursor.TryOpen((byte)'{', depth: 0))
        {
            return null;
        }

        var fields = default(Route53RecordParser.RecordFields);
        var cache = Utf8StringCache.ForCurrentThread;
        var seen = 0u;
        var context = LineMemory.RecordStart;

        // The members in the service's order and form are read by fixed prefixes. The member loop
        // goes on after the last one read, or reads the whole record when the first one differs.
        var last = readUsualOrder && cursor.CanReadUsualMembers ? ReadUsualMembers(ref cursor, ref fields, options, cache, memory) : Route53Field.Unknown;
        if (last != Route53Field.Unknown)
        {
            // The members read are the fields from Version up to the last one, so their bits are set at once.
            seen = (2u << (int)last) - 2u;
            context = (int)last;
        }

        bool readMembers;
        if (last == Route53Field.Unknown)
        {
            readMembers = !cursor.TryClose((byte)'}');
        }
        else if (cursor.TryClose((byte)'}'))
        {
            readMembers = false;
        }
        else if (cursor.TrySkip((byte)','))
        {
            readMembers = true;
        }
        else
        {
            return null;
        }

        if (readMembers)
        {
            while (true)
            {
                if (!ReadMemberName(ref cursor, memory, ref context, out var field))
                {
                    return null;
                }

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

                if (!ReadField(ref cursor, field, ref fields, options, cache, memory))
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

    /// <summary>
    /// Reads the members of a record in the order and form the service writes them, each as a fixed
    /// prefix (<c>"version":"</c>, then <c>,"account_id":"</c> and so on) and a value without whitespace,
    /// from <c>version</c> up to <c>srcids</c> with only an <c>instance</c>. It stops before the first
    /// member that differs in any way (name, order, whitespace, null, a value the member loop would
    /// read otherwise) and leaves the cursor after the last member read, whose field it returns, or
    /// <see cref="Route53Field.Unknown"/> when it read none. The values take the same steps as in
    /// <see cref="ReadField"/>. Only for a line with marked quotes, after the record's opening brace.
    /// </summary>
    private static Route53Field ReadUsualMembers(ref Cursor cursor, ref Route53RecordParser.RecordFields fields, Route53QueryLogReaderOptions options, Utf8StringCache cache, LineMemory memory)
    {
        var maxLength = options.MaxStringLength;
        if (!cursor.TryReadMarkedString("\"version\":\""u8, out var text))
        {
            return Route53Field.Unknown;
        }

        fields.Version = memory.Get(Route53Field.Version, Cut(text, maxLength), cache);
        if (!cursor.TryReadMarkedString(",\"account_id\":\""u8, out text))
        {
            return Route53Field.Version;
        }

        fields.AccountId = memory.Get(Route53Field.AccountId, Cut(text, maxLength), cache);
        if (!cursor.TryReadMarkedString(",\"region\":\""u8, out text))
        {
            return Route53Field.AccountId;
        }

        fields.Region = memory.Get(Route53Field.Region, Cut(text, maxLength), cache);
        if (!cursor.TryReadMarkedString(",\"vpc_id\":\""u8, out text))
        {
            return Route53Field.Region;
        }

        fields.VpcId = memory.Get(Route53Field.VpcId, Cut(text, maxLength), cache);
        var start = cursor.Position;
        if (maxLength < 20 || !cursor.TryReadMarkedString(",\"query_timestamp\":\""u8, out text)
            || text.Length != 20 || !CloudTrailRecordParser.TryParseTimeUtf8(text, out var time))
        {
            cursor.Position = start;
            return Route53Field.VpcId;
        }

        fields.HasQueryTimestamp = true;
        fields.QueryTimestamp = time;
        if (!cursor.TryReadMarkedString(",\"query_name\":\""u8, out text))
        {
            return Route53Field.QueryTimestamp;
        }

        SetQueryName(text, ref fields, cache);
        if (!cursor.TryReadMarkedString(",\"query_type\":\""u8, out text))
        {
            return Route53Field.QueryName;
        }

        fields.QueryType = memory.Get(Route53Field.QueryType, Cut(text, maxLength), cache);
        if (!cursor.TryReadMarkedString(",\"query_class\":\""u8, out text))
        {
            return Route53Field.QueryType;
        }

        fields.QueryClass = memory.Get(Route53Field.QueryClass, Cut(text, maxLength), cache);
        if (!cursor.TryReadMarkedString(",\"rcode\":\""u8, out text))
        {
            return Route53Field.QueryClass;
        }

        fields.Rcode = memory.Get(Route53Field.Rcode, Cut(text, maxLength), cache);
        if (!TryReadUsualAnswers(ref cursor, maxLength, cache, memory, out fields.Answers))
        {
            return Route53Field.Rcode;
        }

        start = cursor.Position;
        if (!cursor.TryReadMarkedString(",\"srcaddr\":\""u8, out text) || !FlowRecordBuilder.TryParseCanonicalIpv4(text, out var address))
        {
            // Any other address is read by the member loop.
            cursor.Position = start;
            return Route53Field.Answers;
        }

        fields.SourceAddress = cache.GetIpv4(address, text);
        start = cursor.Position;
        if (!cursor.TryReadMarkedString(",\"srcport\":\""u8, out text) || !TryParsePort(text, out var port))
        {
            cursor.Position = start;
            return Route53Field.SourceAddress;
        }

        fields.SourcePort = port;
        if (!cursor.TryReadMarkedString(",\"transport\":\""u8, out text))
        {
            return Route53Field.SourcePort;
        }

        fields.Transport = memory.Get(Route53Field.Transport, Cut(text, maxLength), cache);
        start = cursor.Position;
        if (!cursor.TryReadMarkedString(",\"srcids\":{\"instance\":\""u8, out text) || !cursor.TrySkipMarked((byte)'}'))
        {
            cursor.Position = start;
            return Route53Field.Transport;
        }

        fields.SourceIds = new DnsQuerySourceIds { Instance = memory.Get(Route53Field.Instance, Cut(text, maxLength), null) };
        return Route53Field.SourceIds;
    }

    /// <summary>
    /// Reads <c>,"answers":[</c> and answers of the usual form up to the closing bracket, or returns
    /// false and leaves the cursor where it was.
    /// </summary>
    private static bool TryReadUsualAnswers(ref Cursor cursor, int maxLength, Utf8StringCache cache, LineMemory memory, out IReadOnlyList<DnsAnswer>? answers)
    {
        answers = null;
        var start = cursor.Position;
        if (!cursor.TrySkipMarked(",\"answers\":["u8))
        {
            return false;
        }

        var collected = new DnsAnswerCollector();
        if (!cursor.TrySkipMarked((byte)']'))
        {
            while (true)
            {
                if (!cursor.TrySkipMarked((byte)'{') || !TryReadUsualAnswer(ref cursor, maxLength, cache, memory, out var answer))
                {
                    cursor.Position = start;
                    return false;
                }

                collected.Add(answer);
                if (cursor.TrySkipMarked((byte)']'))
                {
                    break;
                }

                if (!cursor.TrySkipMarked((byte)','))
                {
                    cursor.Position = start;
                    return false;
                }
            }
        }

        answers = collected.ToList();
        return true;
    }

    /// <summary>Parses <c>srcport</c> written as 1 to 5 digits in a string, up to 65535, as <see cref="ReadPort"/> accepts it.</summary>
    private static bool TryParsePort(ReadOnlySpan<byte> digits, out int port)
    {
        port = 0;
        if (digits.Length is 0 or > 5)
        {
            return false;
        }

        foreach (var character in digits)
        {
            var digit = character - (byte)'0';
            if ((uint)digit > 9)
            {
                return false;
            }

            port = (port * 10) + digit;
        }

        return port <= 65535;
    }

    private static bool ReadField(ref Cursor cursor, Route53Field field, ref Route53RecordParser.RecordFields fields, Route53QueryLogReaderOptions options, Utf8StringCache cache, LineMemory memory)
    {
        var maxLength = options.MaxStringLength;
        switch (field)
        {
            case Route53Field.Version:
                return ReadText(ref cursor, maxLength, cache, memory, Route53Field.Version, out fields.Version);
            case Route53Field.AccountId:
                return ReadText(ref cursor, maxLength, cache, memory, Route53Field.AccountId, out fields.AccountId);
            case Route53Field.Region:
                return ReadText(ref cursor, maxLength, cache, memory, Route53Field.Region, out fields.Region);
            case Route53Field.VpcId:
                return ReadText(ref cursor, maxLength, cache, memory, Route53Field.VpcId, out fields.VpcId);
            case Route53Field.QueryTimestamp:
                return ReadTimestamp(ref cursor, maxLength, ref fields);
            case Route53Field.QueryName:
                return ReadQueryName(ref cursor, ref fields, cache);
            case Route53Field.QueryType:
                return ReadText(ref cursor, maxLength, cache, memory, Route53Field.QueryType, out fields.QueryType);
            case Route53Field.QueryClass:
                return ReadText(ref cursor, maxLength, cache, memory, Route53Field.QueryClass, out fields.QueryClass);
            case Route53Field.Rcode:
                return ReadText(ref cursor, maxLength, cache, memory, Route53Field.Rcode, out fields.Rcode);
            case Route53Field.SourceAddress:
                return ReadAddress(ref cursor, maxLength, cache, memory, Route53Field.SourceAddress, cacheOtherText: false, out fields.SourceAddress);
            case Route53Field.SourcePort:
                return ReadPort(ref cursor, out fields.SourcePort);
            case Route53Field.Transport:
                return ReadText(ref cursor, maxLength, cache, memory, Route53Field.Transport, out fields.Transport);
            case Route53Field.Answers:
                return ReadAnswers(ref cursor, maxLength, cache, memory, out fields.Answers);
            case Route53Field.SourceIds:
                return ReadSourceIds(ref cursor, maxLength, cache, memory, out fields.SourceIds);
            case Route53Field.FirewallRuleGroupId:
                return ReadText(ref cursor, maxLength, cache, memory, Route53Field.FirewallRuleGroupId, out fields.FirewallRuleGroupId);
            case Route53Field.FirewallRuleAction:
                return ReadText(ref cursor, maxLength, cache, memory, Route53Field.FirewallRuleAction, out fields.FirewallRuleAction);
            case Route53Field.FirewallDomainListId:
                return ReadText(ref cursor, maxLength, cache, memory, Route53Field.FirewallDomainListId, out fields.FirewallDomainListId);
            default:
                return cursor.SkipValue(depth: 1);
        }
    }

    /// <summary>
    /// Reads a string or null as the slow path's string fields do: cut to <paramref name="maxLength"/>.
    /// The string is the previous line's value of <paramref name="field"/> when the text is the same,
    /// else it comes from <paramref name="cache"/> when given.
    /// </summary>
    private static bool ReadText(ref Cursor cursor, int maxLength, Utf8StringCache? cache, LineMemory memory, Route53Field field, out string? value)
    {
        value = null;
        if (!ReadRawText(ref cursor, maxLength, out var text, out var found))
        {
            return false;
        }

        if (found)
        {
            value = memory.Get(field, text, cache);
        }

        return true;
    }

    private static bool ReadAddress(ref Cursor cursor, int maxLength, Utf8StringCache cache, LineMemory memory, Route53Field field, bool cacheOtherText, out string? value)
    {
        var start = cursor.Position;
        if (cursor.TryReadString(out var text) && FlowRecordBuilder.TryParseCanonicalIpv4(text, out var address))
        {
            value = cache.GetIpv4(address, text);
            return true;
        }

        cursor.Position = start;
        return ReadText(ref cursor, maxLength, cacheOtherText ? cache : null, memory, field, out value);
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

        SetQueryName(name, ref fields, cache);
        return true;
    }

    private static void SetQueryName(ReadOnlySpan<byte> name, ref Route53RecordParser.RecordFields fields, Utf8StringCache cache)
    {
        var names = QueryNameCache.ForCurrentThread;
        if (names.TryFind(name, out var known, out var normalized, out var valid))
        {
            fields.QueryName = known;
            fields.NormalizedQueryName = normalized;
            fields.QueryNameValid = valid;
            return;
        }

        // Not cut to the string limit: Build rejects a name over it, as the slow path does.
        fields.QueryName = cache.Get(name);
        fields.NormalizedQueryName = null;
        Route53RecordParser.NormalizePlainName(name, ref fields, cache, names);
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

        if (!TryParsePort(digits, out var number))
        {
            return false;
        }

        port = number;
        return true;
    }

    private static bool ReadAnswers(ref Cursor cursor, int maxLength, Utf8StringCache cache, LineMemory memory, out IReadOnlyList<DnsAnswer>? answers)
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
                if (!cursor.TryOpen((byte)'{', depth: 2) || !ReadAnswer(ref cursor, maxLength, cache, memory, out var answer))
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
    private static bool ReadAnswer(ref Cursor cursor, int maxLength, Utf8StringCache cache, LineMemory memory, [NotNullWhen(true)] out DnsAnswer? answer)
    {
        if (TryReadUsualAnswer(ref cursor, maxLength, cache, memory, out answer))
        {
            return true;
        }

        answer = null;
        string? rdata = null, type = null, answerClass = null;
        var context = LineMemory.AnswerStart;
        if (!cursor.TryClose((byte)'}'))
        {
            while (true)
            {
                if (!ReadMemberName(ref cursor, memory, ref context, out var field))
                {
                    return false;
                }

                var ok = field switch
                {
                    Route53Field.Rdata => ReadAddress(ref cursor, maxLength, cache, memory, Route53Field.Rdata, cacheOtherText: true, out rdata),
                    Route53Field.AnswerType => ReadText(ref cursor, maxLength, cache, memory, Route53Field.AnswerType, out type),
                    Route53Field.AnswerClass => ReadText(ref cursor, maxLength, cache, memory, Route53Field.AnswerClass, out answerClass),
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

    /// <summary>
    /// Reads the members of an answer written as the service writes it, <c>"Rdata":"…","Type":"…","Class":"…"}</c>
    /// with no whitespace, and gives the answer that the member loop of <see cref="ReadAnswer"/> gives.
    /// Returns false and leaves the cursor where it was for any other form.
    /// </summary>
    private static bool TryReadUsualAnswer(ref Cursor cursor, int maxLength, Utf8StringCache cache, LineMemory memory, [NotNullWhen(true)] out DnsAnswer? answer)
    {
        answer = null;
        var start = cursor.Position;
        if (!cursor.TryReadMarkedString("\"Rdata\":\""u8, out var rdataText)
            || !cursor.TryReadMarkedString(",\"Type\":\""u8, out var typeText)
            || !cursor.TryReadMarkedString(",\"Class\":\""u8, out var classText)
            || !cursor.TrySkipMarked((byte)'}'))
        {
            cursor.Position = start;
            return false;
        }

        // The same steps as ReadAddress and ReadText: a canonical IPv4 address from its own table, and
        // any other text cut to the string limit.
        var rdata = FlowRecordBuilder.TryParseCanonicalIpv4(rdataText, out var address)
            ? cache.GetIpv4(address, rdataText)
            : memory.Get(Route53Field.Rdata, Cut(rdataText, maxLength), cache);
        var type = memory.Get(Route53Field.AnswerType, Cut(typeText, maxLength), cache);
        var answerClass = memory.Get(Route53Field.AnswerClass, Cut(classText, maxLength), cache);
        answer = new DnsAnswer(rdata, type, answerClass);
        return true;
    }

    private static ReadOnlySpan<byte> Cut(ReadOnlySpan<byte> ascii, int maxLength) => ascii.Length > maxLength ? ascii[..maxLength] : ascii;

    private static bool ReadSourceIds(ref Cursor cursor, int maxLength, Utf8StringCache cache, LineMemory memory, out DnsQuerySourceIds? sourceIds)
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
        var context = LineMemory.SourceIdsStart;
        if (!cursor.TryClose((byte)'}'))
        {
            while (true)
            {
                if (!ReadMemberName(ref cursor, memory, ref context, out var field))
                {
                    return false;
                }

                var ok = field switch
                {
                    Route53Field.Instance => ReadText(ref cursor, maxLength, null, memory, Route53Field.Instance, out instance),
                    Route53Field.ResolverEndpoint => ReadText(ref cursor, maxLength, cache, memory, Route53Field.ResolverEndpoint, out endpoint),
                    Route53Field.ResolverNetworkInterface => ReadText(ref cursor, maxLength, cache, memory, Route53Field.ResolverNetworkInterface, out networkInterface),
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

    /// <summary>
    /// Reads a member name and the colon after it, and identifies it. A name written as the name that
    /// followed the member before (<paramref name="context"/>) on the previous lines is matched as
    /// bytes; <paramref name="context"/> becomes this member's.
    /// </summary>
    private static bool ReadMemberName(ref Cursor cursor, LineMemory memory, ref int context, out Route53Field field)
    {
        if (context >= 0 && memory.ExpectedName(context, out field) is { } expected && cursor.TrySkipText(expected))
        {
            context = (int)field;
            return true;
        }

        if (!cursor.TryReadName(out var name))
        {
            field = Route53Field.Unknown;
            return false;
        }

        field = Route53FieldNames.Identify(name);
        if (context >= 0)
        {
            memory.Learn(context, name, field);
        }

        context = field == Route53Field.Unknown ? -1 : (int)field;
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

    /// <summary>
    /// Sets bit <c>i % 64</c> of <c>quotes[i / 64]</c> for each quote at index <c>i</c> of <paramref name="line"/>,
    /// and returns false when the line has any other byte that ends the scan of a string (see
    /// <see cref="StringStops"/>). In a line without such bytes every string ends at the next quote.
    /// </summary>
    private static bool TryMarkQuotes(ReadOnlySpan<byte> line, Span<ulong> quotes)
    {
        var position = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var first = ref MemoryMarshal.GetReference(line);
            var quote = Vector256.Create((byte)'"');
            var backslash = Vector256.Create((byte)'\\');
            var one = Vector256.Create((byte)1);
            var firstPrintable = Vector256.Create((sbyte)0x21);
            for (; position <= line.Length - 64; position += 64)
            {
                var low = Vector256.LoadUnsafe(ref first, (nuint)position);
                var high = Vector256.LoadUnsafe(ref first, (nuint)position + 32);

                // Adding 1 (with wrap-around) moves the control characters to 0x01-0x20, DEL and the bytes from
                // 0x80 up to 0x80-0xFF, which are negative as sbyte, and 0xFF to 0x00. So one signed comparison
                // below 0x21 finds all of them, and the space (0x21 after adding 1) is not among them.
                var stops = Vector256.LessThan((low + one).AsSByte(), firstPrintable) | Vector256.Equals(low, backslash).AsSByte()
                    | Vector256.LessThan((high + one).AsSByte(), firstPrintable) | Vector256.Equals(high, backslash).AsSByte();
                if (stops != Vector256<sbyte>.Zero)
                {
                    return false;
                }

                quotes[position >> 6] = Vector256.Equals(low, quote).ExtractMostSignificantBits()
                    | ((ulong)Vector256.Equals(high, quote).ExtractMostSignificantBits() << 32);
            }
        }

        var stopTable = StringStops;
        var word = 0UL;
        for (var index = position; index < line.Length; index++)
        {
            var value = line[index];
            if (value == (byte)'"')
            {
                word |= 1UL << (index & 63);
            }
            else if (stopTable[value])
            {
                return false;
            }

            if ((index & 63) == 63)
            {
                quotes[index >> 6] = word;
                word = 0;
            }
        }

        if ((line.Length & 63) != 0)
        {
            quotes[line.Length >> 6] = word;
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

    /// <summary>
    /// The strings read from the previous lines, one for each field, so a value that repeats from line to
    /// line (the account, Region, VPC, query class, response code) costs a comparison with a string
    /// already at hand instead of a lookup in <see cref="Utf8StringCache"/>. It keeps one string per
    /// field, each within the string limit, and the member names seen after each member. Not
    /// thread-safe, so each reader call has its own.
    /// </summary>
    internal sealed class LineMemory
    {
        /// <summary>
        /// The context of the first member of a record, of an answer and of <c>srcids</c>. The context
        /// of any other member is the field of the member before it.
        /// </summary>
        public const int RecordStart = (int)Route53Field.ResolverNetworkInterface + 1;

        public const int AnswerStart = RecordStart + 1;

        public const int SourceIdsStart = RecordStart + 2;

        /// <summary>Longer names are not remembered, because no known name is longer than 26 bytes.</summary>
        private const int MaxRememberedNameBytes = 64;

        private readonly string?[] values = new string?[(int)Route53Field.ResolverNetworkInterface + 1];

        // For each context, the name that came next, as written with its quotes and colon, and its field.
        private readonly byte[]?[] nextNames = new byte[]?[SourceIdsStart + 1];
        private readonly Route53Field[] nextFields = new Route53Field[SourceIdsStart + 1];

        /// <summary>Returns the name that followed <paramref name="context"/> last time, written <c>"name":</c>, or null.</summary>
        public byte[]? ExpectedName(int context, out Route53Field field)
        {
            field = nextFields[context];
            return nextNames[context];
        }

        /// <summary>Remembers that <paramref name="name"/> (unquoted, printable ASCII without escapes) followed <paramref name="context"/>.</summary>
        public void Learn(int context, ReadOnlySpan<byte> name, Route53Field field)
        {
            if (name.Length > MaxRememberedNameBytes)
            {
                return;
            }

            var written = new byte[name.Length + 3];
            written[0] = (byte)'"';
            name.CopyTo(written.AsSpan(1));
            written[^2] = (byte)'"';
            written[^1] = (byte)':';
            nextNames[context] = written;
            nextFields[context] = field;
        }

        /// <summary>Returns the string of <paramref name="ascii"/>, which the caller has checked is printable ASCII.</summary>
        public string Get(Route53Field field, ReadOnlySpan<byte> ascii, Utf8StringCache? cache)
        {
            ref var value = ref values[(int)field];
            if (value is null || !Ascii.Equals(ascii, value))
            {
                value = cache is null ? Encoding.ASCII.GetString(ascii) : cache.Get(ascii);
            }

            return value;
        }
    }

    /// <summary>A position in the line and the JSON steps this parser takes. Every method skips JSON whitespace before its token.</summary>
    private ref struct Cursor(ReadOnlySpan<byte> line, int maxDepth, ReadOnlySpan<ulong> quotes)
    {
        private readonly ReadOnlySpan<byte> line = line;

        // The quote bitmap of TryMarkQuotes, or empty when the line is read byte by byte.
        private readonly ReadOnlySpan<ulong> quotes = quotes;

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

            var end = quotes.IsEmpty ? FindStop(line, Position) : NextQuote(Position);

            if (end == line.Length || line[end] != (byte)'"')
            {
                Position = start;
                return false;
            }

            value = line[Position..end];
            Position = end + 1;
            return true;
        }

        private static int FindStop(ReadOnlySpan<byte> line, int from)
        {
            var stops = StringStops;
            var end = from;
            while (end < line.Length && !stops[line[end]])
            {
                end++;
            }

            return end;
        }

        /// <summary>Returns the index of the first quote at or after <paramref name="from"/>, or the line length when there is none.</summary>
        private readonly int NextQuote(int from)
        {
            var word = from >> 6;
            if (word >= quotes.Length)
            {
                return line.Length;
            }

            var bits = quotes[word] & (ulong.MaxValue << (from & 63));
            while (bits == 0)
            {
                if (++word == quotes.Length)
                {
                    return line.Length;
                }

                bits = quotes[word];
            }

            return (word << 6) + BitOperations.TrailingZeroCount(bits);
        }

        /// <summary>
        /// Reads <paramref name="prefix"/>, which ends with the opening quote of a string, and that string,
        /// with no whitespace between. Only for a line with marked quotes, whose strings are all printable
        /// ASCII without escapes. The position is unchanged when it returns false.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryReadMarkedString(ReadOnlySpan<byte> prefix, out ReadOnlySpan<byte> value)
        {
            value = default;
            if (quotes.IsEmpty || !line[Position..].StartsWith(prefix))
            {
                return false;
            }

            var from = Position + prefix.Length;
            var end = NextQuote(from);
            if (end == line.Length)
            {
                return false;
            }

            value = line[from..end];
            Position = end + 1;
            return true;
        }

        /// <summary>True when <see cref="ReadUsualMembers"/> may read the line: its quotes are marked and the depth limit allows answers.</summary>
        public readonly bool CanReadUsualMembers => !quotes.IsEmpty && maxDepth >= 4;

        /// <summary>Consumes <paramref name="text"/> when the next bytes are exactly it, without skipping whitespace.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TrySkipMarked(ReadOnlySpan<byte> text)
        {
            if (!line[Position..].StartsWith(text))
            {
                return false;
            }

            Position += text.Length;
            return true;
        }

        /// <summary>Consumes <paramref name="token"/> when it is the very next byte, without skipping whitespace.</summary>
        public bool TrySkipMarked(byte token)
        {
            if (Position < line.Length && line[Position] == token)
            {
                Position++;
                return true;
            }

            return false;
        }

        /// <summary>Consumes <paramref name="text"/> when the next token starts with it.</summary>
        public bool TrySkipText(ReadOnlySpan<byte> text)
        {
            SkipWhitespace();
            if (!line[Position..].StartsWith(text))
            {
                return false;
            }

            Position += text.Length;
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
            if ((uint)Position >= (uint)line.Length || line[Position] != literal[0] || !line[Position..].StartsWith(literal))
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

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void SkipWhitespace()
        {
            // The usual line has no whitespace between tokens.
            if ((uint)Position < (uint)line.Length && line[Position] > (byte)' ')
            {
                return;
            }

            SkipWhitespaceLoop();
        }

        private void SkipWhitespaceLoop()
        {
            while (Position < line.Length && line[Position] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                Position++;
            }
        }
    }
}
