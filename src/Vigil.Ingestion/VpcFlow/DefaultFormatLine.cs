using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;
using Vigil.Contracts.Events;

namespace Vigil.Ingestion.VpcFlow;

/// <summary>
/// Reads a line in the default format (the 14 version 2 fields in their order) without a string per
/// token: one vector pass finds the 14 tokens and checks for non-ASCII bytes, then each value is
/// parsed from its token.
/// </summary>
/// <remarks>
/// The pass accepts only values in the usual form: plain digits of at most 18 characters, <c>-</c>,
/// IPv4 addresses in their canonical spelling and text. It returns null for anything else, such as an
/// IPv6 address, an IPv4 address with leading zeros, a value out of range, a wrong number of fields,
/// a header line or invalid UTF-8. The caller then reads the line field by field, which gives the
/// same record or the rejection. Tokens are separated by runs of spaces and tabs, as in <see cref="FlowTextLineParser"/>.
/// </remarks>
internal static class DefaultFormatLine
{
    private const int FieldCount = 14;

    private const int BlockSize = 32;

    /// <summary>
    /// Builds the record of <paramref name="line"/> (without its line break) into <paramref name="record"/>,
    /// which may be a slot of the caller's batch, or returns false and leaves it unchanged.
    /// <paramref name="previousAccountId"/> is the account id of the caller's previous record, which
    /// is reused without a cache lookup when the bytes are the same, as they are on nearly every line of an object.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> line, DateTimeOffset ingestTime, Utf8StringCache cache, ref string? previousAccountId, ref FlowRecord record)
    {
        var bounds = default(TokenBounds);
        return TryFindTokens(line, ref bounds, out var ascii) && TryBuild(line, bounds, ascii, ingestTime, cache, ref previousAccountId, ref record);
    }

    /// <summary>
    /// Reads the line that starts at <paramref name="start"/> in <paramref name="data"/>, finding its
    /// line break and its tokens in the same pass, so the line's bytes are searched once. Returns the
    /// outcome. <paramref name="lineLength"/> is the length of the line without its line break, set
    /// unless the outcome is <see cref="LineOutcome.Unknown"/>.
    /// </summary>
    /// <remarks>
    /// Blocks of 32 bytes are read from the line's start, past its end into the next line, so the
    /// pass needs the line break within whole blocks before the end of <paramref name="data"/>. It
    /// gives <see cref="LineOutcome.Unknown"/> otherwise, and for more than 14 tokens, so the caller
    /// finds the line break itself. A line ending in a carriage return, or longer than
    /// <paramref name="maxLineBytes"/>, gives <see cref="LineOutcome.NotParsed"/>, for the caller's line-by-line path.
    /// </remarks>
    public static LineOutcome TryParseLine(
        ReadOnlySpan<byte> data, int start, int maxLineBytes, DateTimeOffset ingestTime, Utf8StringCache cache, ref string? previousAccountId, ref FlowRecord record, out int lineLength)
    {
        var bounds = default(TokenBounds);
        lineLength = FindLineTokens(data, start, ref bounds, out var count, out var ascii);
        if (lineLength < 0)
        {
            return LineOutcome.Unknown;
        }

        var line = data.Slice(start, lineLength);
        if (count != 2 * FieldCount || lineLength > maxLineBytes || line.EndsWith((byte)'\r'))
        {
            return LineOutcome.NotParsed;
        }

        return TryBuild(line, bounds, ascii, ingestTime, cache, ref previousAccountId, ref record) ? LineOutcome.Parsed : LineOutcome.NotParsed;
    }

    /// <summary>
    /// Finds the line break after <paramref name="start"/> and the starts and ends of the tokens before
    /// it, relative to <paramref name="start"/>. Returns the line's length, or -1 when no line break
    /// comes within whole blocks of <paramref name="data"/> or a line has more than 14 tokens.
    /// </summary>
    private static int FindLineTokens(ReadOnlySpan<byte> data, int start, ref TokenBounds bounds, out int count, out bool ascii)
    {
        Span<int> offsets = bounds;
        ref var firstOffset = ref MemoryMarshal.GetReference(offsets);
        count = 0;
        ascii = false;
        var highBits = 0u;
        var previousSeparator = 1u;
        for (var position = start; data.Length - position >= BlockSize; position += BlockSize)
        {
            var separators = Separators(data, position, out var high, out var newlines);
            var end = BlockSize;
            if (newlines != 0)
            {
                // The bytes from the line break on count as separators, so a token that ends the line ends at a change.
                end = BitOperations.TrailingZeroCount(newlines);
                separators |= uint.MaxValue << end;
                high &= (1u << end) - 1;
            }

            highBits |= high;
            var changes = separators ^ ((separators << 1) | previousSeparator);
            previousSeparator = separators >> (BlockSize - 1);
            if (count + BitOperations.PopCount(changes) > offsets.Length)
            {
                return -1;
            }

            // The check above keeps every write inside the offsets.
            var blockOffset = position - start;
            while (changes != 0)
            {
                Unsafe.Add(ref firstOffset, count++) = blockOffset + BitOperations.TrailingZeroCount(changes);
                changes &= changes - 1;
            }

            if (end < BlockSize)
            {
                ascii = highBits == 0;
                return blockOffset + end;
            }
        }

        return -1;
    }

    /// <summary>Builds the record from the tokens of <paramref name="line"/> that <paramref name="bounds"/> locates.</summary>
    private static bool TryBuild(
        ReadOnlySpan<byte> line, in TokenBounds bounds, bool ascii, DateTimeOffset ingestTime, Utf8StringCache cache, ref string? previousAccountId, ref FlowRecord record)
    {
        // Numbers and addresses are checked for digits and dots below, but text is not, so the whole
        // line must be valid UTF-8 as on the general path.
        if (!ascii && !Utf8.IsValid(line))
        {
            return false;
        }

        // The interface id is looked up last, and its cache entry is loaded meanwhile.
        var interfaceId = Token(line, bounds, 2);
        var interfaceHash = cache.Prepare(interfaceId);

        if (!TryReadNumber(line, bounds, 0, int.MaxValue, out var version, out var hasVersion)
            || !TryReadAddress(line, bounds, 3, cache, out var sourceAddress)
            || !TryReadAddress(line, bounds, 4, cache, out var destinationAddress)
            || !TryReadNumber(line, bounds, 5, 65535, out var sourcePort, out var hasSourcePort)
            || !TryReadNumber(line, bounds, 6, 65535, out var destinationPort, out var hasDestinationPort)
            || !TryReadNumber(line, bounds, 7, 255, out var protocol, out var hasProtocol)
            || !TryReadNumber(line, bounds, 8, long.MaxValue, out var packets, out var hasPackets)
            || !TryReadNumber(line, bounds, 9, long.MaxValue, out var bytes, out var hasBytes)
            || !TryReadNumber(line, bounds, 10, FlowFields.Start.Maximum, out var start, out var hasStart)
            || !TryReadNumber(line, bounds, 11, FlowFields.End.Maximum, out var end, out var hasEnd))
        {
            return false;
        }

        var accountId = Token(line, bounds, 1);
        string? account;
        if (IsPlaceholder(accountId))
        {
            account = null;
        }
        else if (previousAccountId is not null && accountId.Length == previousAccountId.Length && Ascii.Equals(accountId, previousAccountId))
        {
            account = previousAccountId;
        }
        else
        {
            account = cache.Get(accountId);
            previousAccountId = account;
        }

        record = new FlowRecord
        {
            IngestTime = ingestTime,
            Version = hasVersion ? (int)version : null,
            AccountId = account,
            InterfaceId = IsPlaceholder(interfaceId) ? null : FlowRecordBuilder.KnownText(interfaceId) ?? cache.Get(interfaceId, interfaceHash),
            SourceAddress = sourceAddress,
            DestinationAddress = destinationAddress,
            SourcePort = hasSourcePort ? (int)sourcePort : null,
            DestinationPort = hasDestinationPort ? (int)destinationPort : null,
            Protocol = hasProtocol ? (int)protocol : null,
            Packets = hasPackets ? packets : null,
            Bytes = hasBytes ? bytes : null,
            Start = hasStart ? DateTimeOffset.FromUnixTimeSeconds(start) : null,
            End = hasEnd ? DateTimeOffset.FromUnixTimeSeconds(end) : null,
            Action = ReadText(Token(line, bounds, 12), cache),
            LogStatus = ReadText(Token(line, bounds, 13), cache),
        };
        return true;
    }

    /// <summary>
    /// Finds where the tokens of <paramref name="line"/> start and end. False unless there are exactly
    /// 14. <paramref name="ascii"/> is false when a byte is over 0x7F.
    /// </summary>
    /// <remarks>
    /// 32 bytes at a time are compared with the two separators, and a token starts or ends at each bit
    /// where the resulting mask changes from the bit before it. The last block is loaded so that it ends
    /// with the line, overlapping the block before, and a line shorter than a block is first copied
    /// into a block of spaces, so no byte is read outside the line.
    /// </remarks>
    internal static bool TryFindTokens(ReadOnlySpan<byte> line, ref TokenBounds bounds, out bool ascii) =>
        line.Length < BlockSize ? TryFindTokensInShortLine(line, ref bounds, out ascii) : TryFindTokens(line, line.Length, ref bounds, out ascii);

    private static bool TryFindTokensInShortLine(ReadOnlySpan<byte> line, ref TokenBounds bounds, out bool ascii)
    {
        Span<byte> padded = stackalloc byte[BlockSize];
        padded.Fill((byte)' ');
        line.CopyTo(padded);
        return TryFindTokens(padded, line.Length, ref bounds, out ascii);
    }

    /// <summary>Finds the tokens of the first <paramref name="length"/> bytes of <paramref name="text"/>, which has at least one block of bytes.</summary>
    private static bool TryFindTokens(ReadOnlySpan<byte> text, int length, ref TokenBounds bounds, out bool ascii)
    {
        Span<int> offsets = bounds;
        ref var firstOffset = ref MemoryMarshal.GetReference(offsets);
        var count = 0;
        var highBits = 0u;

        // Bit i of a mask is byte position + i. previousSeparator is 1 when the byte before the block
        // is a separator or the block starts the line, so a token that starts the line starts at a change.
        var previousSeparator = 1u;
        var position = 0;
        while (position < length)
        {
            // A full block, or the last bytes of the line as the end of an overlapping block.
            var blockStart = Math.Min(position, text.Length - BlockSize);
            var skipped = position - blockStart;
            var separators = Separators(text, blockStart, out var high, out _) >> skipped;
            highBits |= high >> skipped;

            // Bits past the end of the line count as separators, so a token that ends the line ends at a change.
            var remaining = length - position;
            if (remaining < BlockSize)
            {
                separators |= uint.MaxValue << remaining;
            }

            var changes = separators ^ ((separators << 1) | previousSeparator);
            previousSeparator = separators >> (BlockSize - 1);
            if (count + BitOperations.PopCount(changes) > offsets.Length)
            {
                ascii = false;
                return false;
            }

            // The check above keeps every write inside the offsets.
            while (changes != 0)
            {
                Unsafe.Add(ref firstOffset, count++) = position + BitOperations.TrailingZeroCount(changes);
                changes &= changes - 1;
            }

            position += BlockSize;
        }

        if (count % 2 == 1)
        {
            // The line's last token runs to the end of a line whose length is a multiple of the block.
            if (count == offsets.Length)
            {
                ascii = false;
                return false;
            }

            offsets[count++] = length;
        }

        ascii = highBits == 0;
        return count == offsets.Length;
    }

    /// <summary>
    /// Returns one bit per byte of the 32 from <paramref name="start"/> that is a space or a tab, in
    /// <paramref name="high"/> the bytes over 0x7F, and in <paramref name="newlines"/> the line breaks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Separators(ReadOnlySpan<byte> text, int start, out uint high, out uint newlines)
    {
        var block = text.Slice(start, 32);
        if (Vector256.IsHardwareAccelerated)
        {
            var vector = Vector256.Create(block);
            high = vector.ExtractMostSignificantBits();
            newlines = Vector256.Equals(vector, Vector256.Create((byte)'\n')).ExtractMostSignificantBits();
            return (Vector256.Equals(vector, Vector256.Create((byte)' ')) | Vector256.Equals(vector, Vector256.Create((byte)'\t'))).ExtractMostSignificantBits();
        }

        var low = Vector128.Create(block);
        var upper = Vector128.Create(block[16..]);
        high = low.ExtractMostSignificantBits() | (upper.ExtractMostSignificantBits() << 16);
        var newline = Vector128.Create((byte)'\n');
        newlines = Vector128.Equals(low, newline).ExtractMostSignificantBits() | (Vector128.Equals(upper, newline).ExtractMostSignificantBits() << 16);
        var space = Vector128.Create((byte)' ');
        var tab = Vector128.Create((byte)'\t');
        return (Vector128.Equals(low, space) | Vector128.Equals(low, tab)).ExtractMostSignificantBits()
            | ((Vector128.Equals(upper, space) | Vector128.Equals(upper, tab)).ExtractMostSignificantBits() << 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> Token(ReadOnlySpan<byte> line, in TokenBounds bounds, int index) =>
        line[bounds[2 * index]..bounds[(2 * index) + 1]];

    private static bool IsPlaceholder(ReadOnlySpan<byte> value) => value.Length == 1 && value[0] == (byte)'-';

    /// <summary>
    /// Reads token <paramref name="index"/> as plain digits up to <paramref name="maximum"/>, or <c>-</c>
    /// with <paramref name="present"/> false. False for anything else, and for more than 18 digits,
    /// which the general path reads.
    /// </summary>
    private static bool TryReadNumber(ReadOnlySpan<byte> line, in TokenBounds bounds, int index, long maximum, out long value, out bool present)
    {
        var start = bounds[2 * index];
        var end = bounds[(2 * index) + 1];
        var length = end - start;
        present = false;
        value = 0;
        if (length == 1 && line[start] == (byte)'-')
        {
            return true;
        }

        long parsed;
        if (length <= 8 && end >= 8)
        {
            if (!TryReadDigitWord(line, end, length, out var digits))
            {
                return false;
            }

            parsed = (long)digits;
        }
        else if (length <= 16 && end >= 16)
        {
            if (!TryReadDigitWord(line, end - 8, length - 8, out var high) || !TryReadDigitWord(line, end, 8, out var low))
            {
                return false;
            }

            parsed = (long)((high * 100_000_000) + low);
        }
        else if (length <= 18)
        {
            // Near the start of the line, where no 8 bytes end at the token, and for 17 or 18 digits.
            parsed = 0;
            foreach (var character in line[start..end])
            {
                var digit = (uint)(character - (byte)'0');
                if (digit > 9)
                {
                    return false;
                }

                parsed = (parsed * 10) + digit;
            }
        }
        else
        {
            return false;
        }

        value = parsed;
        present = true;
        return parsed <= maximum;
    }

    /// <summary>
    /// Reads the <paramref name="count"/> bytes (1 to 8) that end at <paramref name="end"/> as decimal
    /// digits, from one 8-byte load that ends there, so <paramref name="end"/> must be at least 8.
    /// False when one of them is not a digit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadDigitWord(ReadOnlySpan<byte> line, int end, int count, out ulong value)
    {
        const ulong HighNibbles = 0xF0F0_F0F0_F0F0_F0F0;
        const ulong LowNibbles = 0x0F0F_0F0F_0F0F_0F0F;

        // Little-endian, so the token is the top count bytes, and its first digit is the lowest of them.
        var word = BinaryPrimitives.ReadUInt64LittleEndian(line.Slice(end - 8, 8));
        var shift = 8 * (8 - count);
        var mask = ulong.MaxValue << shift;

        // A digit is 0x30 to 0x39: its high nibble is 3, and adding 6 to its low nibble stays below 16.
        // The low nibbles are added on their own, so no carry crosses into the next byte.
        var lowNibbles = word & LowNibbles;
        if ((word & HighNibbles & mask) != (0x3030_3030_3030_3030 & mask)
            || ((lowNibbles + 0x0606_0606_0606_0606) & HighNibbles & mask) != 0)
        {
            value = 0;
            return false;
        }

        // The bytes before the token become zeros, which are leading zero digits. Then pairs of digits,
        // pairs of pairs and the two halves are combined, each step by one multiplication.
        var digits = lowNibbles & mask;
        digits = (digits * ((10 << 8) + 1)) >> 8;
        digits = ((digits & 0x00FF_00FF_00FF_00FF) * ((100 << 16) + 1)) >> 16;
        value = ((digits & 0x0000_FFFF_0000_FFFF) * ((10_000UL << 32) + 1)) >> 32;
        return true;
    }

    /// <summary>
    /// Reads token <paramref name="index"/> as an IPv4 address in its one canonical spelling (four
    /// parts from 0 to 255 without leading zeros, as <see cref="FlowRecordBuilder.TryParseCanonicalIpv4{T}"/>
    /// checks) from the cache's address table, or <c>-</c> as null. False for anything else.
    /// </summary>
    private static bool TryReadAddress(ReadOnlySpan<byte> line, in TokenBounds bounds, int index, Utf8StringCache cache, out string? address)
    {
        var start = bounds[2 * index];
        var end = bounds[(2 * index) + 1];
        var token = line[start..end];
        address = null;
        if (IsPlaceholder(token))
        {
            return true;
        }

        uint parsed;
        if (token.Length is < 7 or > 15)
        {
            return false;
        }

        if (start >= 4 && end >= 16 ? !TryParseIpv4Block(line, start, end, out parsed) : !TryParseIpv4Bytes(token, out parsed))
        {
            return false;
        }

        address = cache.GetIpv4(parsed, token);
        return true;
    }

    /// <summary>
    /// Parses the 7 to 15 bytes from <paramref name="start"/> to <paramref name="end"/> as a canonical
    /// IPv4 address without a branch per byte: one 16-byte comparison ending at <paramref name="end"/>
    /// finds the dots and checks the digits, and each part is read from the 4 bytes that end with it.
    /// The caller ensures that <paramref name="start"/> is at least 4 and <paramref name="end"/> at least 16.
    /// </summary>
    private static bool TryParseIpv4Block(ReadOnlySpan<byte> line, int start, int end, out uint address)
    {
        address = 0;
        var length = end - start;
        var block = Vector128.Create(line.Slice(end - 16, 16));
        var inToken = 0xFFFFu << (16 - length) & 0xFFFF;
        var dots = Vector128.Equals(block, Vector128.Create((byte)'.')).ExtractMostSignificantBits() & inToken;
        var digits = Vector128.LessThan(block - Vector128.Create((byte)'0'), Vector128.Create((byte)10)).ExtractMostSignificantBits() & inToken;
        if ((dots | digits) != inToken || BitOperations.PopCount(dots) != 3)
        {
            return false;
        }

        // Part ends, as offsets in the line: the three dots and the end of the token.
        var blockStart = end - 16;
        var firstDot = blockStart + BitOperations.TrailingZeroCount(dots);
        dots &= dots - 1;
        var secondDot = blockStart + BitOperations.TrailingZeroCount(dots);
        dots &= dots - 1;
        var thirdDot = blockStart + BitOperations.TrailingZeroCount(dots);
        return TryReadIpv4Part(line, start, firstDot, ref address)
            && TryReadIpv4Part(line, firstDot + 1, secondDot, ref address)
            && TryReadIpv4Part(line, secondDot + 1, thirdDot, ref address)
            && TryReadIpv4Part(line, thirdDot + 1, end, ref address);
    }

    /// <summary>
    /// Appends the part from <paramref name="start"/> to <paramref name="end"/>, which are checked to be
    /// digits, to <paramref name="address"/>. False for no digits, more than three, a leading zero or a value over 255.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadIpv4Part(ReadOnlySpan<byte> line, int start, int end, ref uint address)
    {
        var length = end - start;
        if ((uint)(length - 1) > 2 || (length > 1 && line[start] == (byte)'0'))
        {
            return false;
        }

        // The 3 bytes before end, with the bytes before the part cleared, are its digits with leading zeros.
        var word = BinaryPrimitives.ReadUInt32LittleEndian(line.Slice(end - 4, 4)) >> 8;
        word &= 0x0F0F0Fu & (0xFFFFFFu << (8 * (3 - length)));
        var value = ((word & 0xFF) * 100) + (((word >> 8) & 0xFF) * 10) + (word >> 16);
        address = (address << 8) | value;
        return value <= 255;
    }

    /// <summary>The same check as <see cref="TryParseIpv4Block"/>, one byte at a time, for a token near the start of the line.</summary>
    private static bool TryParseIpv4Bytes(ReadOnlySpan<byte> token, out uint address)
    {
        address = 0;
        var dots = 0;
        var octet = 0u;
        var digits = 0;
        foreach (var character in token)
        {
            if (character == (byte)'.')
            {
                if (digits == 0 || octet > 255 || ++dots > 3)
                {
                    return false;
                }

                address = (address << 8) | octet;
                octet = 0;
                digits = 0;
                continue;
            }

            var digit = (uint)(character - (byte)'0');

            // A part has at most three digits, and a leading zero only as the whole part.
            if (digit > 9 || (digits == 1 && octet == 0) || ++digits > 3)
            {
                return false;
            }

            octet = (octet * 10) + digit;
        }

        address = (address << 8) | octet;
        return dots == 3 && digits > 0 && octet <= 255;
    }

    private static string? ReadText(ReadOnlySpan<byte> value, Utf8StringCache cache) =>
        IsPlaceholder(value) ? null : FlowRecordBuilder.KnownText(value) ?? cache.Get(value);

    /// <summary>The outcome of <see cref="TryParseLine"/> for one line.</summary>
    internal enum LineOutcome
    {
        /// <summary>The record was built.</summary>
        Parsed,

        /// <summary>The line's length is known, and the line needs the line-by-line path.</summary>
        NotParsed,

        /// <summary>The line's end was not found, so the caller finds it.</summary>
        Unknown,
    }

    /// <summary>The start and end of each of the 14 tokens, in that order, as offsets in the line.</summary>
    [InlineArray(2 * FieldCount)]
    internal struct TokenBounds
    {
        private int element;

        public readonly int Length => 2 * FieldCount;
    }
}
