using System.Runtime.InteropServices;
using System.Text;

namespace Vigil.Contracts.Text;

/// <summary>
/// A string value kept either as a string or as UTF-8 bytes that are decoded on each read, so a
/// reader can leave a value that few consumers read as a slice of the record it already keeps.
/// Two values are equal when their texts are, whichever form each is in.
/// </summary>
/// <remarks>
/// The bytes form is for non-empty slices of an array that is never written again. Its producer
/// checks that the bytes are valid UTF-8 (the CloudTrail reader keeps only printable ASCII this way).
/// </remarks>
internal readonly struct DeferredText : IEquatable<DeferredText>
{
    // A string, a byte[] whose slice from start of length bytes is the UTF-8 text, or null for no value.
    private readonly object? source;
    private readonly int start;
    private readonly int length;

    public DeferredText(string? text) => source = text;

    private DeferredText(byte[] array, int start, int length)
    {
        source = array;
        this.start = start;
        this.length = length;
    }

    /// <summary>
    /// Keeps <paramref name="utf8"/> without copying it when it is a non-empty slice of an array,
    /// and decodes it at once otherwise.
    /// </summary>
    public static DeferredText FromUtf8(ReadOnlyMemory<byte> utf8) =>
        !utf8.IsEmpty && MemoryMarshal.TryGetArray(utf8, out var segment)
            ? new DeferredText(segment.Array!, segment.Offset, segment.Count)
            : new DeferredText(Encoding.UTF8.GetString(utf8.Span));

    /// <summary>Whether the text is the empty string, checked without decoding, because the bytes form is never empty.</summary>
    public bool IsEmptyString => source is string { Length: 0 };

    /// <summary>Returns the text, decoding the bytes into a new string on every call of the bytes form.</summary>
    public override string? ToString() => source switch
    {
        byte[] array => Encoding.UTF8.GetString(array, start, length),
        _ => (string?)source,
    };

    public bool Equals(DeferredText other)
    {
        if (source is byte[] array && other.source is byte[] otherArray)
        {
            return array.AsSpan(start, length).SequenceEqual(otherArray.AsSpan(other.start, other.length));
        }

        return string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);
    }

    public override bool Equals(object? obj) => obj is DeferredText other && Equals(other);

    public override int GetHashCode() => ToString() is { } text ? StringComparer.Ordinal.GetHashCode(text) : 0;
}
