using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Vigil.Ingestion.VpcFlow;

namespace Vigil.Ingestion.Inspection;

/// <summary>
/// What the first bytes of an object show. <see cref="Kind"/> is <see cref="LogObjectKind.Unknown"/>
/// when they match no kind, and <see cref="Reason"/> then gives the reason.
/// </summary>
internal sealed record ContentDetection(LogObjectKind Kind, LogObjectFormat Format, string? Reason = null)
{
    public static ContentDetection Empty { get; } = new(LogObjectKind.Unknown, LogObjectFormat.Unknown, "the object is empty");

    /// <summary>
    /// True for a JSON object whose key names in the prefix decide nothing, such as one that opens
    /// with a value larger than the prefix. Only the CloudTrail reader, which reads the whole
    /// object, can then tell a CloudTrail log or digest from other JSON.
    /// </summary>
    public bool NeedsWholeObject { get; init; }

    public static ContentDetection Unknown(LogObjectFormat format, string reason) => new(LogObjectKind.Unknown, format, reason);
}

/// <summary>Detects the kind and format of a log object from a prefix of its decompressed content.</summary>
internal static class LogContentDetector
{
    /// <summary>Deepest JSON nesting walked while skipping values, the same as the CloudTrail reader's default.</summary>
    private const int MaxDepth = 1000;

    private static readonly char[] FieldSeparators = [' ', '\t'];

    /// <summary>
    /// Detects the kind from <paramref name="prefix"/>, the first bytes of the decompressed object.
    /// <paramref name="complete"/> is true when the prefix is the whole object.
    /// </summary>
    public static ContentDetection Detect(ReadOnlySpan<byte> prefix, bool complete, VpcFlowReaderOptions flowOptions)
    {
        if (prefix.StartsWith("PAR1"u8))
        {
            return new ContentDetection(LogObjectKind.VpcFlow, LogObjectFormat.Parquet);
        }

        var content = prefix.StartsWith(Encoding.UTF8.Preamble) ? prefix[Encoding.UTF8.Preamble.Length..] : prefix;
        var start = content.IndexOfAnyExcept(" \t\r\n"u8);
        if (start < 0)
        {
            return content.IsEmpty && complete
                ? ContentDetection.Empty
                : ContentDetection.Unknown(LogObjectFormat.Text, "the object has only blank lines");
        }

        return content[start] switch
        {
            (byte)'{' => DetectJson(content[start..], complete),
            (byte)'[' => ContentDetection.Unknown(LogObjectFormat.Json, "the object is a JSON array, not a JSON object"),
            _ => DetectText(content[start..], complete, flowOptions),
        };
    }

    /// <summary>
    /// Reads the key names of the first JSON object. <c>Records</c> holding an array marks a
    /// CloudTrail log, a digest field a CloudTrail digest, and <c>query_name</c> or
    /// <c>query_timestamp</c> a Resolver query log. Values are skipped, never parsed.
    /// </summary>
    private static ContentDetection DetectJson(ReadOnlySpan<byte> json, bool complete)
    {
        var reader = new Utf8JsonReader(json, complete, new JsonReaderState(new JsonReaderOptions { MaxDepth = MaxDepth }));
        try
        {
            reader.Read();
            while (true)
            {
                if (!reader.Read())
                {
                    return Inconclusive();
                }

                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                var isRecords = reader.ValueTextEquals("Records"u8);
                var isDigestField = IsDigestField(ref reader);
                var isQueryField = IsQueryField(ref reader);
                if (!reader.Read())
                {
                    return Inconclusive();
                }

                if (isRecords && reader.TokenType == JsonTokenType.StartArray)
                {
                    return new ContentDetection(LogObjectKind.CloudTrail, LogObjectFormat.Json);
                }

                if (isDigestField)
                {
                    return new ContentDetection(LogObjectKind.CloudTrailDigest, LogObjectFormat.Json);
                }

                if (isQueryField)
                {
                    return new ContentDetection(LogObjectKind.Route53ResolverQuery, LogObjectFormat.JsonLines);
                }

                if (!reader.TrySkip())
                {
                    return Inconclusive();
                }
            }
        }
        catch (JsonException exception)
        {
            // A Resolver query log goes on after a bad line, so a later line can still show its kind.
            return HasQueryLogLine(json)
                ? new ContentDetection(LogObjectKind.Route53ResolverQuery, LogObjectFormat.JsonLines)
                : ContentDetection.Unknown(LogObjectFormat.Json, $"invalid JSON: {JsonErrors.WithoutPosition(exception)}");
        }

        var rest = json[(int)reader.BytesConsumed..];
        var next = rest.IndexOfAnyExcept(" \t\r\n"u8);
        if (next < 0)
        {
            return complete
                ? ContentDetection.Unknown(LogObjectFormat.Json, "the JSON object has no Records array, no CloudTrail digest fields and no query_name")
                : Inconclusive();
        }

        if (rest[next] != (byte)'{')
        {
            return ContentDetection.Unknown(LogObjectFormat.Json, "text follows the JSON object");
        }

        return HasQueryLogLine(rest)
            ? new ContentDetection(LogObjectKind.Route53ResolverQuery, LogObjectFormat.JsonLines)
            : ContentDetection.Unknown(LogObjectFormat.JsonLines, "no JSON line in the detection prefix has query_name or query_timestamp");
    }

    private static ContentDetection Inconclusive() => new(LogObjectKind.Unknown, LogObjectFormat.Json) { NeedsWholeObject = true };

    /// <summary>The fields that the CloudTrail reader also takes as the mark of a digest file.</summary>
    private static bool IsDigestField(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("digestPublicKeyFingerprint"u8)
        || reader.ValueTextEquals("digestSignatureAlgorithm"u8)
        || reader.ValueTextEquals("digestStartTime"u8)
        || reader.ValueTextEquals("logFiles"u8);

    private static bool IsQueryField(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("query_name"u8) || reader.ValueTextEquals("query_timestamp"u8);

    /// <summary>True when a line of <paramref name="lines"/> is a JSON object with a top-level <c>query_name</c> or <c>query_timestamp</c>.</summary>
    private static bool HasQueryLogLine(ReadOnlySpan<byte> lines)
    {
        foreach (var range in lines.Split((byte)'\n'))
        {
            var line = lines[range].Trim(" \t\r"u8);
            if (line.IsEmpty || line[0] != (byte)'{')
            {
                continue;
            }

            try
            {
                var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = MaxDepth });
                while (reader.Read())
                {
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && IsQueryField(ref reader))
                    {
                        return true;
                    }
                }
            }
            catch (JsonException)
            {
                // A bad or cut-off line shows nothing, but the next one may.
            }
        }

        return false;
    }

    /// <summary>
    /// Checks the first non-blank line with the flow log reader's own rules: a header line of
    /// field names, or a valid record in the AWS default format (the 14 version 2 fields).
    /// </summary>
    private static ContentDetection DetectText(ReadOnlySpan<byte> text, bool complete, VpcFlowReaderOptions flowOptions)
    {
        if (text.Contains((byte)0))
        {
            return ContentDetection.Unknown(LogObjectFormat.Unknown, "the content is binary data, not text");
        }

        var newline = text.IndexOf((byte)'\n');
        if (newline < 0 && !complete)
        {
            return ContentDetection.Unknown(LogObjectFormat.Text, $"the first line is longer than the detection prefix of {text.Length} bytes");
        }

        var line = newline < 0 ? text : text[..newline];
        if (!Utf8.IsValid(line))
        {
            return ContentDetection.Unknown(LogObjectFormat.Unknown, "the first line is not valid UTF-8 text");
        }

        var tokens = Encoding.UTF8.GetString(line).Split(FieldSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (FlowLayout.IsHeader(tokens))
        {
            return new ContentDetection(LogObjectKind.VpcFlow, LogObjectFormat.Text);
        }

        var parser = new FlowTextLineParser("detection", DateTimeOffset.UnixEpoch, flowOptions, _ => { });
        parser.ParseLine(line, 1, 0);
        if (parser.UsedDefaultFormat && parser.Error is null)
        {
            return new ContentDetection(LogObjectKind.VpcFlow, LogObjectFormat.Text);
        }

        return ContentDetection.Unknown(
            LogObjectFormat.Text,
            "the first line is neither JSON, a flow log header line nor a flow log record in the default version 2 format");
    }
}
