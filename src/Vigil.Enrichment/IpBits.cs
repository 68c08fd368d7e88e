using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Enrichment;

/// <summary>Converts addresses to integers in network order, without allocating.</summary>
internal static class IpBits
{
    public static uint V4(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    public static UInt128 V6(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>Returns the address with an IPv4-mapped IPv6 address turned into its IPv4 form.</summary>
    public static IPAddress Unmap(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static bool IsV4(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork;

    public static uint MaskV4(uint value, int prefixLength) => prefixLength == 0 ? 0 : value & (uint.MaxValue << (32 - prefixLength));

    public static UInt128 MaskV6(UInt128 value, int prefixLength) => prefixLength == 0 ? UInt128.Zero : value & (UInt128.MaxValue << (128 - prefixLength));

    public static IPAddress ToAddress(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    public static IPAddress ToAddress(UInt128 value)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
