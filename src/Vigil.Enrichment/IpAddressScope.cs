using System.Net;
using System.Net.Sockets;

namespace Vigil.Enrichment;

/// <summary>Where an address is routed, which decides whether it is looked up in the enrichment databases.</summary>
public enum IpAddressScope
{
    /// <summary>Text that is not an IP address, such as the service name CloudTrail writes for calls made by AWS services.</summary>
    NotAnAddress,

    /// <summary>A globally routed address; looked up.</summary>
    Public,

    /// <summary>
    /// An address reserved for documentation (RFC 5737 and RFC 3849). It is never routed, so real logs do
    /// not contain it, but examples and tests use it as a public address, so it is looked up like one.
    /// </summary>
    Documentation,

    /// <summary>Private, shared, loopback, link-local, multicast or otherwise reserved; never looked up.</summary>
    Private,
}

/// <summary>Classifies addresses by the IANA special-purpose registries.</summary>
public static class IpAddressScopes
{
    /// <summary>Returns the scope of an address; an IPv4-mapped IPv6 address is classified as the IPv4 address.</summary>
    public static IpAddressScope Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetwork
            ? ClassifyV4(IpBits.V4(address))
            : ClassifyV6(IpBits.V6(address));
    }

    internal static IpAddressScope ClassifyV4(uint value)
    {
        var first = value >> 24;
        var second = (value >> 16) & 0xFF;
        if (IsV4Documentation(value))
        {
            return IpAddressScope.Documentation;
        }

        var reserved =
            first is 0 or 10 or 127 or >= 224
            || (first == 100 && second is >= 64 and <= 127)
            || (first == 169 && second == 254)
            || (first == 172 && second is >= 16 and <= 31)
            || (first == 192 && second == 168)
            || (first == 192 && second == 0 && ((value >> 8) & 0xFF) == 0)
            || (first == 198 && second is 18 or 19);
        return reserved ? IpAddressScope.Private : IpAddressScope.Public;
    }

    internal static IpAddressScope ClassifyV6(UInt128 value)
    {
        var top16 = (ushort)(value >> 112);
        if ((value >> 96) == 0x2001_0db8u)
        {
            return IpAddressScope.Documentation;
        }

        var reserved =
            value == UInt128.Zero
            || value == UInt128.One
            || (top16 & 0xFE00) == 0xFC00
            || (top16 & 0xFFC0) == 0xFE80
            || (top16 & 0xFF00) == 0xFF00
            || (value >> 96) == 0 // IPv4-compatible and unspecified forms
            || (top16 & 0xE000) != 0x2000; // only 2000::/3 is allocated for global unicast
        return reserved ? IpAddressScope.Private : IpAddressScope.Public;
    }

    private static bool IsV4Documentation(uint value) =>
        (value >> 8) is 0xC0_00_02 or 0xC6_33_64 or 0xCB_00_71; // 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24
}
