using System.Buffers.Binary;

namespace Vigil.Ingestion.CloudTrail;

/// <summary>
/// The last value of one field and its string, so a value equal to the one before costs one
/// comparison of a few bytes instead of a <see cref="Utf8StringCache"/> lookup. Only values that
/// the caller has checked to be valid UTF-8 of at most <see cref="Utf8StringCache.MaxCachedBytes"/>
/// bytes are remembered.
/// </summary>
internal sealed class RepeatedText
{
    private readonly byte[] bytes = new byte[Utf8StringCache.MaxCachedBytes];
    private int length = -1;

    /// <summary>The string of the remembered value, valid only after <see cref="Matches"/> returned true.</summary>
    public string Text { get; private set; } = string.Empty;

    public bool Matches(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length != length)
        {
            return false;
        }

        // Most values are 4 to 16 bytes, which two overlapping words cover without a call.
        ReadOnlySpan<byte> remembered = bytes.AsSpan(0, length);
        if (length is >= sizeof(ulong) and <= 2 * sizeof(ulong))
        {
            return BinaryPrimitives.ReadUInt64LittleEndian(utf8) == BinaryPrimitives.ReadUInt64LittleEndian(remembered)
                && BinaryPrimitives.ReadUInt64LittleEndian(utf8[^sizeof(ulong)..]) == BinaryPrimitives.ReadUInt64LittleEndian(remembered[^sizeof(ulong)..]);
        }

        if (length is >= sizeof(uint) and < sizeof(ulong))
        {
            return BinaryPrimitives.ReadUInt32LittleEndian(utf8) == BinaryPrimitives.ReadUInt32LittleEndian(remembered)
                && BinaryPrimitives.ReadUInt32LittleEndian(utf8[^sizeof(uint)..]) == BinaryPrimitives.ReadUInt32LittleEndian(remembered[^sizeof(uint)..]);
        }

        return utf8.SequenceEqual(remembered);
    }

    public void Remember(ReadOnlySpan<byte> utf8, string text)
    {
        utf8.CopyTo(bytes);
        length = utf8.Length;
        Text = text;
    }
}
