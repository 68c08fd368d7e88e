using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Vigil.Contracts.Events;

namespace Vigil.Ingestion.VpcFlow;

/// <summary>
/// Reads a line in the default format (the 14 version 2 fields in their order) in one pass over its
/// bytes: each value is parsed where its token is found, without a token list or a string per token.
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
    /// <summary>
    /// Builds the record of <paramref name="line"/> (without its line break) or returns null.
    /// <paramref name="previousAccountId"/> is the account id of the caller's previous record, which
    /// is reused without a cache lookup when the bytes are the same, as they are on nearly every line of an object.
    /// </summary>
    public static FlowRecord? TryParse(ReadOnlySpan<byte> line, DateTimeOffset ingestTime, Utf8StringCache cache, ref string? previousAccountId)
    {
        // Numbers, addresses and separators are checked byte by byte below, but text is not, so the
        // whole line must be valid UTF-8 as on the general path. The ASCII check is the fast case.
        if (!Ascii.IsValid(line) && !Utf8.IsValid(line))
        {
            return null;
        }

        var position = SkipSeparators(line, 0);
        if (!TryReadNumber(line, ref position, int.MaxValue, out var version, out var hasVersion)
            || !TryReadText(line, ref position, out var accountStart, out var accountLength)
            || !TryReadText(line, ref position, out var interfaceStart, out var interfaceLength)
            || !TryReadAddress(line, ref position, cache, out var sourceAddress)
            || !TryReadAddress(line, ref position, cache, out var destinationAddress)
            || !TryReadNumber(line, ref position, 65535, out var sourcePort, out var hasSourcePort)
            || !TryReadNumber(line, ref position, 65535, out var destinationPort, out var hasDestinationPort)
            || !TryReadNumber(line, ref position, 255, out var protocol, out var hasProtocol)
            || !TryReadNumber(line, ref position, long.MaxValue, out var packets, out var hasPackets)
            || !TryReadNumber(line, ref position, long.MaxValue, out var bytes, out var hasBytes)
            || !TryReadNumber(line, ref position, FlowFields.Start.Maximum, out var start, out var hasStart)
            || !TryReadNumber(line, ref position, FlowFields.End.Maximum, out var end, out var hasEnd)
            || !TryReadText(line, ref position, out var actionStart, out var actionLength)
            || !TryReadText(line, ref position, out var statusStart, out var statusLength)
            || position != line.Length)
        {
            return null;
        }

        var accountId = line.Slice(accountStart, accountLength);
        string? account;
        if (IsPlaceholder(accountId))
        {
            account = null;
        }
        else if (previousAccountId is not null && Ascii.Equals(accountId, previousAccountId))
        {
            account = previousAccountId;
        }
        else
        {
            account = cache.Get(accountId);
            previousAccountId = account;
        }

        return new FlowRecord
        {
            IngestTime = ingestTime,
            Version = hasVersion ? (int)version : null,
            AccountId = account,
            InterfaceId = ReadText(line.Slice(interfaceStart, interfaceLength), cache),
            SourceAddress = sourceAddress,
            DestinationAddress = destinationAddress,
            SourcePort = hasSourcePort ? (int)sourcePort : null,
            DestinationPort = hasDestinationPort ? (int)destinationPort : null,
            Protocol = hasProtocol ? (int)protocol : null,
            Packets = hasPackets ? packets : null,
            Bytes = hasBytes ? bytes : null,
            Start = hasStart ? DateTimeOffset.FromUnixTimeSeconds(start) : null,
            End = hasEnd ? DateTimeOffset.FromUnixTimeSeconds(end) : null,
            Action = ReadText(line.Slice(actionStart, actionLength), cache),
            LogStatus = ReadText(line.Slice(statusStart, statusLength), cache),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSeparator(byte value) => value is (byte)' ' or (byte)'\t';

    private static bool IsPlaceholder(ReadOnlySpan<byte> value) => value.Length == 1 && value[0] == (byte)'-';

    /// <summary>Returns the first position at or after <paramref name="position"/> that is not a separator, or the line's length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipSeparators(ReadOnlySpan<byte> line, int position)
    {
        // Tokens are nearly always one space apart, so a run of separators takes the call.
        if ((uint)position < (uint)line.Length && IsSeparator(line[position]))
        {
            position = SkipSeparatorRun(line, position + 1);
        }

        return position;
    }

    private static int SkipSeparatorRun(ReadOnlySpan<byte> line, int position)
    {
        while ((uint)position < (uint)line.Length && IsSeparator(line[position]))
        {
            position++;
        }

        return position;
    }

    /// <summary>
    /// Ends the token that stops at <paramref name="end"/>: true when the line ends there or a separator
    /// follows, and then <paramref name="position"/> moves to the next token or the end of the line.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryEndToken(ReadOnlySpan<byte> line, int end, ref int position)
    {
        if ((uint)end < (uint)line.Length && !IsSeparator(line[end]))
        {
            return false;
        }

        position = (uint)end < (uint)line.Length ? SkipSeparators(line, end + 1) : end;
        return true;
    }

    /// <summary>
    /// Reads plain digits up to <paramref name="maximum"/>, or <c>-</c> with <paramref name="present"/> false.
    /// False for anything else, and for more than 18 digits, which the general path reads.
    /// </summary>
    private static bool TryReadNumber(ReadOnlySpan<byte> line, ref int position, long maximum, out long value, out bool present)
    {
        value = 0;
        present = false;
        var start = position;
        var end = start;
        long parsed = 0;
        while ((uint)end < (uint)line.Length)
        {
            var digit = line[end] - (byte)'0';
            if ((uint)digit > 9)
            {
                break;
            }

            // Wraps after 18 digits, but such a token is rejected below before the value is used.
            parsed = (parsed * 10) + digit;
            end++;
        }

        var digits = end - start;
        if (digits == 0)
        {
            return (uint)start < (uint)line.Length && line[start] == (byte)'-' && TryEndToken(line, start + 1, ref position);
        }

        if (digits > 18 || parsed > maximum || !TryEndToken(line, end, ref position))
        {
            return false;
        }

        value = parsed;
        present = true;
        return true;
    }

    /// <summary>
    /// Reads an IPv4 address in its one canonical spelling (four parts from 0 to 255 without leading
    /// zeros, as <see cref="FlowRecordBuilder.TryParseCanonicalIpv4{T}"/> checks) from the cache's
    /// address table, or <c>-</c> as null. False for anything else.
    /// </summary>
    private static bool TryReadAddress(ReadOnlySpan<byte> line, ref int position, Utf8StringCache cache, out string? address)
    {
        address = null;
        var start = position;
        var end = start;
        uint parsed = 0;
        for (var part = 0; ; part++)
        {
            var octet = 0;
            var digits = 0;
            while ((uint)end < (uint)line.Length)
            {
                var digit = line[end] - (byte)'0';
                if ((uint)digit > 9)
                {
                    break;
                }

                if ((digits == 1 && octet == 0) || ++digits > 3)
                {
                    return false;
                }

                octet = (octet * 10) + digit;
                end++;
            }

            if (digits == 0)
            {
                // Only a placeholder may have no digits, and only as the whole token.
                return part == 0 && (uint)start < (uint)line.Length && line[start] == (byte)'-' && TryEndToken(line, start + 1, ref position);
            }

            if (octet > 255)
            {
                return false;
            }

            parsed = (parsed << 8) | (uint)octet;
            if (part == 3)
            {
                break;
            }

            if ((uint)end >= (uint)line.Length || line[end] != (byte)'.')
            {
                return false;
            }

            end++;
        }

        var text = line[start..end];
        if (!TryEndToken(line, end, ref position))
        {
            return false;
        }

        address = cache.GetIpv4(parsed, text);
        return true;
    }

    /// <summary>Finds a text token: every byte up to the next separator.</summary>
    private static bool TryReadText(ReadOnlySpan<byte> line, ref int position, out int start, out int length)
    {
        start = position;
        var end = start;
        while ((uint)end < (uint)line.Length)
        {
            if (IsSeparator(line[end]))
            {
                break;
            }

            end++;
        }

        length = end - start;
        position = (uint)end < (uint)line.Length ? SkipSeparators(line, end + 1) : end;
        return length > 0;
    }

    private static string? ReadText(ReadOnlySpan<byte> value, Utf8StringCache cache) =>
        IsPlaceholder(value) ? null : FlowRecordBuilder.KnownText(value) ?? cache.Get(value);
}
