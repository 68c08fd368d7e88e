using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Vigil.Contracts.Findings;

/// <summary>JSON settings that turn a <see cref="Finding"/> into GuardDuty's finding document.</summary>
public static class FindingJson
{
    /// <summary>Camel-case names, nulls omitted, times as ISO-8601 UTC with milliseconds.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions(indented: false);

    /// <summary>The same settings with indentation, for display.</summary>
    public static JsonSerializerOptions IndentedOptions { get; } = CreateOptions(indented: true);

    public static string Serialize(Finding finding, bool indented = false) =>
        JsonSerializer.Serialize(finding, indented ? IndentedOptions : Options);

    public static Finding Deserialize(string json) =>
        JsonSerializer.Deserialize<Finding>(json, Options)
        ?? throw new JsonException("The finding document is the JSON literal null.");

    private static JsonSerializerOptions CreateOptions(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = indented,
            // Log values may contain '<' or '&'; the document is data, and HTML encoding is the job
            // of whatever renders it, so keep the characters readable here.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new UtcTimestampConverter());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Writes times as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, as GuardDuty does; reads any ISO-8601 form.</summary>
    private sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
    }
}
