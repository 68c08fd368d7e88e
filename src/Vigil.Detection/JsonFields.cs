using System.Text.Json;
using Vigil.Contracts.Text;

namespace Vigil.Detection;

/// <summary>
/// Reads fields from raw JSON payloads of any shape. A malformed payload, a value of an
/// unexpected kind or an invalid string escape reads as a missing field instead of throwing.
/// </summary>
public static class JsonFields
{
    /// <summary>Deepest nesting accepted by <see cref="ParseBounded"/>. A bucket policy inside its request needs fewer than ten levels.</summary>
    public const int MaxDocumentDepth = 64;

    /// <summary>Deepest nesting the path lookups read through; deeper payloads read as malformed.</summary>
    private const int MaxReaderDepth = 1000;

    /// <summary>Returns the top-level string (or scalar as text) named <paramref name="name"/>, or null.</summary>
    public static string? TopLevelText(Utf8JsonText json, string name) => TextAt(json, name);

    /// <summary>Returns the top-level boolean named <paramref name="name"/>; the strings "true" and "false" count too.</summary>
    public static bool? TopLevelBoolean(Utf8JsonText json, string name) => BooleanAt(json, name);

    /// <summary>
    /// Returns the string (or scalar as text) at a path of property names, for example
    /// <c>userIdentity</c>, <c>sessionContext</c>, <c>assumedRoot</c>, or null when any step is
    /// missing or is not an object. The first property of a repeated name is the one read.
    /// </summary>
    public static string? TextAt(Utf8JsonText json, params ReadOnlySpan<string> path)
    {
        var value = default(string);
        Visit(json, path, (ref Utf8JsonReader reader) =>
        {
            value = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.True => "true",
                JsonTokenType.False => "false",
                JsonTokenType.Number => reader.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => null,
            };
        });
        return value;
    }

    /// <summary>Returns the boolean at a path of property names. The strings "true", "True", "false" and "False" count too.</summary>
    public static bool? BooleanAt(Utf8JsonText json, params ReadOnlySpan<string> path) =>
        TextAt(json, path) switch
        {
            "true" or "True" => true,
            "false" or "False" => false,
            _ => null,
        };

    /// <summary>
    /// Returns the kind of value at a path of property names, or <see cref="JsonValueKind.Undefined"/>
    /// when there is none. An object or array counts only when it is complete, so a truncated
    /// payload does not pass for an object whose fields are all missing.
    /// </summary>
    public static JsonValueKind ValueKindAt(Utf8JsonText json, params ReadOnlySpan<string> path)
    {
        var kind = JsonValueKind.Undefined;
        Visit(json, path, (ref Utf8JsonReader reader) =>
        {
            var tokenType = reader.TokenType;
            reader.Skip();
            kind = tokenType switch
            {
                JsonTokenType.StartObject => JsonValueKind.Object,
                JsonTokenType.StartArray => JsonValueKind.Array,
                JsonTokenType.String => JsonValueKind.String,
                JsonTokenType.Number => JsonValueKind.Number,
                JsonTokenType.True => JsonValueKind.True,
                JsonTokenType.False => JsonValueKind.False,
                JsonTokenType.Null => JsonValueKind.Null,
                _ => JsonValueKind.Undefined,
            };
        });
        return kind;
    }

    /// <summary>
    /// Parses a payload into a document for rules that read a whole structure, such as a bucket
    /// policy. Returns null for empty, malformed or deeper than <see cref="MaxDocumentDepth"/> text.
    /// The caller disposes the document.
    /// </summary>
    public static JsonDocument? ParseBounded(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDocumentDepth });
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException)
        {
            // JsonDocument.Parse raises ArgumentException for text that is not valid UTF-16, such as an unpaired surrogate character.
            return null;
        }
    }

    /// <summary>Returns the property <paramref name="name"/> of an object element, or null for a missing property, a non-object or a null element.</summary>
    public static JsonElement? Property(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty(name, out var property) ? property : null;

    /// <summary>Returns the text of a string element, or null for other kinds and for strings with an invalid escape such as a lone surrogate.</summary>
    public static string? StringOf(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.String } value)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Returns the items of an array element, or the element itself when it is a single value.
    /// IAM policies and XML-derived CloudTrail parameters write one item without the array.
    /// </summary>
    public static IEnumerable<JsonElement> OneOrMany(JsonElement? element)
    {
        if (element is not { } value || value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return [];
        }

        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [value];
    }

    private delegate void ValueVisitor(ref Utf8JsonReader reader);

    private static void Visit(Utf8JsonText json, ReadOnlySpan<string> path, ValueVisitor visit)
    {
        if (json.IsEmpty || path.IsEmpty)
        {
            return;
        }

        try
        {
            var reader = new Utf8JsonReader(json.Utf8.Span, new JsonReaderOptions { MaxDepth = MaxReaderDepth });
            if (reader.Read() && SeekPath(ref reader, path))
            {
                visit(ref reader);
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // The reader kept the payload as it came; a malformed one simply has no such field.
            // GetString raises InvalidOperationException for a lone surrogate escape such as \ud800.
        }
    }

    /// <summary>
    /// Moves the reader from the start of an object to the value at <paramref name="path"/>. The
    /// loop descends one object per path step and skips every other value whole, so the work is
    /// bounded by the payload's length and the path's length, never by its nesting.
    /// </summary>
    private static bool SeekPath(ref Utf8JsonReader reader, ReadOnlySpan<string> path)
    {
        foreach (var name in path)
        {
            if (reader.TokenType != JsonTokenType.StartObject || !SeekProperty(ref reader, name))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SeekProperty(ref Utf8JsonReader reader, string name)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var matches = reader.ValueTextEquals(name);
            reader.Read();
            if (matches)
            {
                return true;
            }

            reader.Skip();
        }

        return false;
    }
}
