using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Contracts.Text;

/// <summary>
/// JSON text kept as the UTF-8 bytes it was read from, so a reader hands it on without decoding it
/// into a string, and a consumer that parses it again reads the bytes directly. Two values are equal
/// when their bytes are. In JSON it is written as a string, the same as a <see cref="string"/> property.
/// </summary>
/// <remarks>
/// The bytes come from a log and are attacker-controlled. The type does not check that they are
/// valid JSON or valid UTF-8; its producers do (the CloudTrail reader validates every token).
/// </remarks>
[JsonConverter(typeof(Utf8JsonTextConverter))]
public readonly struct Utf8JsonText : IEquatable<Utf8JsonText>
{
    private readonly ReadOnlyMemory<byte> utf8;

    public Utf8JsonText(ReadOnlyMemory<byte> utf8) => this.utf8 = utf8;

    /// <summary>The text as UTF-8 bytes.</summary>
    public ReadOnlyMemory<byte> Utf8 => utf8;

    /// <summary>The length in bytes.</summary>
    public int Length => utf8.Length;

    public bool IsEmpty => utf8.IsEmpty;

    /// <summary>Encodes <paramref name="text"/> as UTF-8. Null gives the empty text.</summary>
    public static Utf8JsonText FromString(string? text) => text is null ? default : new(Encoding.UTF8.GetBytes(text));

    /// <summary>Lets code and tests that build events from strings keep doing so.</summary>
    public static implicit operator Utf8JsonText(string? text) => FromString(text);

    public static bool operator ==(Utf8JsonText left, Utf8JsonText right) => left.Equals(right);

    public static bool operator !=(Utf8JsonText left, Utf8JsonText right) => !left.Equals(right);

    /// <summary>Decodes the text into a new string on every call.</summary>
    public override string ToString() => Encoding.UTF8.GetString(utf8.Span);

    public bool Equals(Utf8JsonText other) => utf8.Span.SequenceEqual(other.utf8.Span);

    public override bool Equals(object? obj) => obj is Utf8JsonText other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(utf8.Span);
        return hash.ToHashCode();
    }
}

/// <summary>Writes <see cref="Utf8JsonText"/> as a JSON string straight from its bytes, and reads one back.</summary>
public sealed class Utf8JsonTextConverter : JsonConverter<Utf8JsonText>
{
    public override Utf8JsonText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a string for JSON text, found {reader.TokenType}.");
        }

        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return new Utf8JsonText(reader.ValueSpan.ToArray());
        }

        // An escaped string is never longer unescaped than its encoded form.
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var buffer = new byte[length];
        var written = reader.CopyString(buffer);
        return new Utf8JsonText(buffer.AsMemory(0, written));
    }

    public override void Write(Utf8JsonWriter writer, Utf8JsonText value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Utf8.Span);
}
