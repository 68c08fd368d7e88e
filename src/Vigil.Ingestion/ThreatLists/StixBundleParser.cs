using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// Reads the indicators of a STIX 2.1 bundle (JSON). An indicator with a STIX pattern gives one entry
/// for each <c>ipv4-addr:value</c>, <c>ipv6-addr:value</c>, <c>domain-name:value</c> or
/// <c>url:value</c> it compares with <c>=</c> or <c>IN</c> (or with <c>ISSUBSET</c> for a range), when
/// the pattern joins its comparisons with <c>OR</c> only. Patterns with <c>AND</c>,
/// <c>FOLLOWEDBY</c> or a qualifier describe a combination of observations, not a list of entries, and
/// are skipped with a note, as are indicators of other pattern types, revoked or expired indicators and
/// indicators that name no address, domain or URL. Other object types are ignored. A marking reference to
/// a definition that is neither in the bundle nor one of the TLP markings the STIX 2.1 specification
/// predefines gets a warning, and the indicator is still loaded.
/// </summary>
/// <remarks>
/// The document is parsed by <see cref="JsonDocument"/>, which reads iteratively, with a bounded depth,
/// and the code below visits only fixed paths (<c>objects[i].pattern</c> and the like), so no step
/// recurses into a shape the file chooses.
/// </remarks>
internal static class StixBundleParser
{
    /// <summary>Deepest JSON nesting accepted; STIX objects nest a few levels, so this leaves ample room.</summary>
    public const int MaxDepth = 64;

    /// <summary>The TLP 1.0 marking definitions that STIX 2.1 (section 7.2.1.4) predefines, which bundles may reference without including.</summary>
    private static readonly HashSet<string> PredefinedMarkings = new(StringComparer.Ordinal)
    {
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", // TLP:WHITE
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", // TLP:GREEN
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", // TLP:AMBER
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", // TLP:RED
    };

    /// <summary>The object paths read, and what their values must be.</summary>
    private static readonly Dictionary<string, IndicatorKind> ValuePaths = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ipv4-addr:value"] = IndicatorKind.IPv4,
        ["ipv6-addr:value"] = IndicatorKind.IPv6,
        ["domain-name:value"] = IndicatorKind.Domain,
        ["url:value"] = IndicatorKind.Url,
        ["network-traffic:dst_ref.value"] = IndicatorKind.Any,
        ["network-traffic:src_ref.value"] = IndicatorKind.Any,
    };

    public static ParsedList Parse(TextReader text, string listName, ListParserOptions options)
    {
        var collector = new ListEntryCollector(listName, options);
        if (TryReadAll(text, options.MaxDocumentBytes, collector, out var utf8))
        {
            ReadBundle(utf8, collector);
        }

        return collector.ToParsedList(ThreatListFormat.Stix);
    }

    public static ParsedList Parse(Stream stream, string listName, ListParserOptions options)
    {
        var collector = new ListEntryCollector(listName, options);
        if (TryReadAll(stream, options.MaxDocumentBytes, collector, out var utf8))
        {
            ReadBundle(utf8, collector);
        }

        return collector.ToParsedList(ThreatListFormat.Stix);
    }

    private static bool TryReadAll(TextReader text, int maxBytes, ListEntryCollector collector, out byte[] utf8)
    {
        // A character takes at least one UTF-8 byte, so reading one more character than the byte limit
        // is enough to tell that the document is too large.
        var buffer = new char[Math.Min(maxBytes + 1, 1 << 16)];
        var builder = new StringBuilder();
        int read;
        while ((read = text.Read(buffer, 0, buffer.Length)) > 0 && builder.Length <= maxBytes)
        {
            builder.Append(buffer, 0, read);
        }

        utf8 = Encoding.UTF8.GetBytes(builder.ToString());
        return CheckSize(utf8.Length, maxBytes, collector);
    }

    private static bool TryReadAll(Stream stream, int maxBytes, ListEntryCollector collector, out byte[] utf8)
    {
        using var memory = new MemoryStream();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0 && memory.Length <= maxBytes)
        {
            memory.Write(buffer, 0, read);
        }

        utf8 = memory.ToArray();
        return CheckSize(utf8.Length, maxBytes, collector);
    }

    private static bool CheckSize(int length, int maxBytes, ListEntryCollector collector)
    {
        if (length <= maxBytes)
        {
            return true;
        }

        collector.AddError(0, string.Empty, $"the document is larger than the maximum of {maxBytes} bytes; nothing was loaded");
        return false;
    }

    private static void ReadBundle(byte[] utf8, ListEntryCollector collector)
    {
        var json = utf8.AsMemory();
        if (json.Span.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException exception)
        {
            var line = (int)(exception.LineNumber ?? -1) + 1;
            collector.AddError(line, string.Empty, $"not valid JSON: {exception.Message}");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("objects", out var objects) || objects.ValueKind != JsonValueKind.Array)
            {
                collector.AddError(1, string.Empty, "not a STIX bundle: expected a JSON object with an 'objects' array");
                return;
            }

            if (StringProperty(root, "type") is { } type && type != "bundle")
            {
                collector.AddError(1, type, "not a STIX bundle: the top-level type must be 'bundle'");
                return;
            }

            var lines = ObjectStartLines(json.Span);
            var markings = MarkingDefinitionIds(objects);
            var index = 0;
            foreach (var item in objects.EnumerateArray())
            {
                if (collector.IsFull)
                {
                    break;
                }

                var line = index < lines.Count ? lines[index] : 0;
                ReadObject(item, new ObjectSource(index, line), markings, collector);
                index++;
            }
        }
    }

    /// <summary>Where an object is: its index in <c>objects</c> and the line its opening brace is on.</summary>
    private readonly record struct ObjectSource(int Index, int Line);

    private static void ReadObject(JsonElement item, ObjectSource source, HashSet<string> markings, ListEntryCollector collector)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            collector.AddError(source.Line, item.ValueKind.ToString(), "a STIX object must be a JSON object", source.Index);
            return;
        }

        if (StringProperty(item, "type") != "indicator")
        {
            return;
        }

        var id = StringProperty(item, "id") ?? "(indicator without id)";
        if (!IsActive(item, id, source, collector))
        {
            return;
        }

        var patternType = StringProperty(item, "pattern_type") ?? "stix";
        if (patternType != "stix")
        {
            collector.AddNote(source.Line, id, $"the pattern type is '{patternType}'; only STIX patterns are read, so the indicator is skipped", ListNoteLevel.Information, source.Index);
            return;
        }

        if (StringProperty(item, "pattern") is not { } pattern)
        {
            collector.AddError(source.Line, id, "the indicator has no 'pattern' string", source.Index);
            return;
        }

        CheckMarkings(item, id, source, markings, collector);
        if (!StixPatternParser.TryParse(pattern, out var parsed, out var error))
        {
            collector.AddError(source.Line, id, $"invalid pattern: {error}", source.Index);
            return;
        }

        AddComparisons(parsed, id, StringProperty(item, "name"), source, collector);
    }

    /// <summary>Skips, with a note, an indicator that is revoked or whose <c>valid_until</c> has passed.</summary>
    private static bool IsActive(JsonElement item, string id, ObjectSource source, ListEntryCollector collector)
    {
        if (item.TryGetProperty("revoked", out var revoked) && revoked.ValueKind == JsonValueKind.True)
        {
            collector.AddNote(source.Line, id, "the indicator is revoked and skipped", ListNoteLevel.Information, source.Index);
            return false;
        }

        if (StringProperty(item, "valid_until") is { } validUntil &&
            DateTimeOffset.TryParse(validUntil, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var until) &&
            until <= collector.Options.Clock.GetUtcNow())
        {
            collector.AddNote(source.Line, id, $"the indicator expired at {validUntil} and is skipped", ListNoteLevel.Information, source.Index);
            return false;
        }

        return true;
    }

    private static void AddComparisons(StixPattern pattern, string id, string? name, ObjectSource source, ListEntryCollector collector)
    {
        if (pattern.HasAnd || pattern.HasFollowedBy)
        {
            var keyword = pattern.HasAnd ? "AND" : "FOLLOWEDBY";
            collector.AddNote(source.Line, id, $"the pattern joins comparisons with {keyword}, so it describes a combination of observations, not a list of entries; skipped", ListNoteLevel.Information, source.Index);
            return;
        }

        if (pattern.HasQualifier)
        {
            collector.AddNote(source.Line, id, "the pattern has a WITHIN, REPEATS or START/STOP qualifier, which a list lookup cannot apply; skipped", ListNoteLevel.Information, source.Index);
            return;
        }

        var skipped = new List<string>();
        var usable = 0;
        foreach (var comparison in pattern.Comparisons)
        {
            if (!TryGetKind(comparison, out var kind))
            {
                skipped.Add($"{comparison.ObjectPath} {(comparison.Negated ? "NOT " : "")}{comparison.Operator}");
                continue;
            }

            usable++;
            foreach (var value in comparison.Values)
            {
                collector.Add(value, kind, source.Line, name, source.Index);
            }
        }

        if (usable == 0)
        {
            collector.AddNote(source.Line, id, $"the pattern compares no IP address, domain or URL with '=' ({string.Join(", ", skipped)}); skipped", ListNoteLevel.Information, source.Index);
        }
        else if (skipped.Count > 0)
        {
            collector.AddNote(source.Line, id, $"comparisons other than an IP address, domain or URL with '=' were skipped: {string.Join(", ", skipped)}", ListNoteLevel.Information, source.Index);
        }
    }

    /// <summary>Whether a comparison names list entries: a value path, a string literal, and '=', IN, or ISSUBSET on an address path.</summary>
    private static bool TryGetKind(StixComparison comparison, out IndicatorKind kind)
    {
        if (!ValuePaths.TryGetValue(comparison.ObjectPath, out kind) || comparison.Negated || !comparison.ValuesAreStrings)
        {
            return false;
        }

        return comparison.Operator switch
        {
            "=" or "IN" => true,
            "ISSUBSET" => kind is IndicatorKind.IPv4 or IndicatorKind.IPv6,
            _ => false,
        };
    }

    private static void CheckMarkings(JsonElement item, string id, ObjectSource source, HashSet<string> markings, ListEntryCollector collector)
    {
        var references = new List<string>();
        if (item.TryGetProperty("object_marking_refs", out var objectMarkings) && objectMarkings.ValueKind == JsonValueKind.Array)
        {
            references.AddRange(objectMarkings.EnumerateArray().Where(reference => reference.ValueKind == JsonValueKind.String).Select(reference => reference.GetString()!));
        }

        if (item.TryGetProperty("granular_markings", out var granular) && granular.ValueKind == JsonValueKind.Array)
        {
            references.AddRange(granular.EnumerateArray().Select(marking => StringProperty(marking, "marking_ref")).OfType<string>());
        }

        foreach (var reference in references.Distinct(StringComparer.Ordinal))
        {
            if (!markings.Contains(reference) && !PredefinedMarkings.Contains(reference))
            {
                collector.AddNote(source.Line, id, $"the marking definition '{reference}' is not in the bundle; the indicator is loaded without knowing that marking", ListNoteLevel.Warning, source.Index);
            }
        }
    }

    private static HashSet<string> MarkingDefinitionIds(JsonElement objects)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in objects.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && StringProperty(item, "type") == "marking-definition" && StringProperty(item, "id") is { } id)
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    /// <summary>
    /// Finds the line of the opening brace of each element of the top-level <c>objects</c> array, so
    /// errors can name a line as well as an index. The scan skips every element with
    /// <see cref="Utf8JsonReader.Skip"/>, which loops rather than recurses.
    /// </summary>
    private static List<int> ObjectStartLines(ReadOnlySpan<byte> json)
    {
        var starts = new List<int>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        var line = 1;
        long counted = 0;
        var inObjects = false;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
            {
                inObjects = reader.ValueTextEquals("objects"u8);
                continue;
            }

            if (!inObjects || reader.CurrentDepth != 2)
            {
                continue;
            }

            line += json[(int)counted..(int)reader.TokenStartIndex].Count((byte)'\n');
            counted = reader.TokenStartIndex;
            starts.Add(line);
            reader.Skip();
        }

        return starts;
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
