using System.Text.Json;

namespace Vigil.Detection;

/// <summary>Reads single top-level fields from raw JSON payloads without building a document.</summary>
public static class JsonFields
{
    /// <summary>Returns the top-level string (or scalar as text) named <paramref name="name"/>, or null.</summary>
    public static string? TopLevelText(string? json, string name)
    {
        var value = default(string);
        Visit(json, name, (ref Utf8JsonReader reader) =>
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

    /// <summary>Returns the top-level boolean named <paramref name="name"/>; the strings "true" and "false" count too.</summary>
    public static bool? TopLevelBoolean(string? json, string name) =>
        TopLevelText(json, name) switch
        {
            "true" or "True" => true,
            "false" or "False" => false,
            _ => null,
        };

    private delegate void ValueVisitor(ref Utf8JsonReader reader);

    private static void Visit(string? json, string name, ValueVisitor visit)
    {
        if (string.IsNullOrEmpty(json))
        {
            return;
        }

        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = 1000 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var matches = reader.ValueTextEquals(name);
                reader.Read();
                if (matches)
                {
                    visit(ref reader);
                    return;
                }

                reader.Skip();
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // The reader kept the payload as it came; a malformed one simply has no such field.
            // GetString raises InvalidOperationException for a lone surrogate escape such as \ud800.
        }
    }
}
