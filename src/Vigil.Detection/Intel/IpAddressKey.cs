using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Detection.Intel;

/// <summary>
/// An IP address as a number: an IPv4 address (also when it was written as an IPv4-mapped IPv6
/// address) or an IPv6 address. Parsing the usual text forms allocates nothing, so list lookups by
/// address text stay free of allocations.
/// </summary>
public readonly record struct IpAddressKey
{
    private IpAddressKey(bool isIPv6, uint ipv4, UInt128 ipv6)
    {
        IsIPv6 = isIPv6;
        IPv4 = ipv4;
        IPv6 = ipv6;
    }

    public bool IsIPv6 { get; }

    /// <summary>The address in host order when <see cref="IsIPv6"/> is false.</summary>
    public uint IPv4 { get; }

    /// <summary>The address in host order when <see cref="IsIPv6"/> is true.</summary>
    public UInt128 IPv6 { get; }

    public static IpAddressKey FromIPv4(uint address) => new(false, address, UInt128.Zero);

    /// <summary>Returns the key of an IPv6 address, or of the IPv4 address when it is IPv4-mapped (<c>::ffff:a.b.c.d</c>).</summary>
    public static IpAddressKey FromIPv6(UInt128 address) =>
        (address >> 32) == 0xFFFF ? new(false, (uint)address, UInt128.Zero) : new(true, 0, address);

    public static IpAddressKey From(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> four = stackalloc byte[4];
            address.TryWriteBytes(four, out _);
            return FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(four));
        }

        Span<byte> sixteen = stackalloc byte[16];
        address.TryWriteBytes(sixteen, out _);
        return FromIPv6(BinaryPrimitives.ReadUInt128BigEndian(sixteen));
    }

    /// <summary>
    /// Parses IPv4 dotted-decimal text and IPv6 text (with <c>::</c> and a dotted IPv4 tail) without
    /// allocating. Other text that <see cref="IPAddress.TryParse(ReadOnlySpan{char}, out IPAddress?)"/>
    /// accepts, such as an IPv6 zone or a shortened IPv4 form, goes through it and allocates.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IpAddressKey key)
    {
        if (text.IndexOf(':') < 0)
        {
            if (TryParseIPv4(text, out var ipv4))
            {
                key = FromIPv4(ipv4);
                return true;
            }
        }
        else if (TryParseIPv6(text, out var ipv6))
        {
            key = FromIPv6(ipv6);
            return true;
        }

        if (text.Length > 0 && text.Length <= 64 && IPAddress.TryParse(text, out var address))
        {
            key = From(address);
            return true;
        }

        key = default;
        return false;
    }

    /// <summary>Parses four decimal octets of 0 to 255 without leading zeros.</summary>
    private static bool TryParseIPv4(ReadOnlySpan<char> text, out uint address)
    {
        address = 0;
        var octets = 0;
        var index = 0;
        while (octets < 4)
        {
            var start = index;
            var value = 0;
            while (index < text.Length && char.IsAsciiDigit(text[index]) && index - start < 3)
            {
                value = (value * 10) + (text[index] - '0');
                index++;
            }

            var digits = index - start;
            if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0'))
            {
                return false;
            }

            address = (address << 8) | (uint)value;
            octets++;
            if (octets < 4)
            {
                if (index >= text.Length || text[index] != '.')
                {
                    return false;
                }

                index++;
            }
        }

        return index == text.Length;
    }

    /// <summary>Parses eight groups of up to four hex digits, with at most one <c>::</c> and an optional dotted IPv4 tail.</summary>
    private static bool TryParseIPv6(ReadOnlySpan<char> text, out UInt128 address)
    {
        address = UInt128.Zero;
        Span<ushort> groups = stackalloc ushort[8];
        var count = 0;
        var gapAt = -1;
        var index = 0;
        if (text.StartsWith("::"))
        {
            gapAt = 0;
            index = 2;
        }
        else if (text.Length == 0 || text[0] == ':')
        {
            return false;
        }

        while (index < text.Length)
        {
            var end = text[index..].IndexOf(':');
            end = end < 0 ? text.Length : index + end;
            var segment = text[index..end];
            if (segment.Contains('.'))
            {
                // A dotted IPv4 tail fills the last two groups.
                if (end != text.Length || count > 6 || !TryParseIPv4(segment, out var tail))
                {
                    return false;
                }

                groups[count++] = (ushort)(tail >> 16);
                groups[count++] = (ushort)tail;
                index = end;
                break;
            }

            if (segment.Length is 0 or > 4 || count == 8 || !ushort.TryParse(segment, System.Globalization.NumberStyles.AllowHexSpecifier, null, out var group))
            {
                return false;
            }

            groups[count++] = group;
            index = end;
            if (index == text.Length)
            {
                break;
            }

            index++;
            if (index < text.Length && text[index] == ':')
            {
                if (gapAt >= 0)
                {
                    return false;
                }

                gapAt = count;
                index++;
            }
            else if (index == text.Length)
            {
                return false;
            }
        }

        if (gapAt < 0 ? count != 8 : count > 7)
        {
            return false;
        }

        var shift = gapAt < 0 ? 0 : 8 - count;
        for (var i = 0; i < count; i++)
        {
            var position = gapAt >= 0 && i >= gapAt ? i + shift : i;
            address |= (UInt128)groups[i] << (16 * (7 - position));
        }

        return true;
    }
}
