using Vigil.Contracts.Events;
using Vigil.Detection.Intel;

namespace Vigil.Detection.Network;

/// <summary>
/// The local (instance) and remote side of a flow record, and which side opened the connection.
/// Vigil's rule, because a flow record names neither directly:
/// <list type="bullet">
/// <item>Local side: <c>flow-direction</c> when the log has it (ingress means the destination is
/// local); otherwise the one private address when exactly one side is private (RFC 1918, 100.64.0.0/10,
/// link-local, fc00::/7, fe80::/10). Two private or two public addresses leave the sides unknown.</item>
/// <item>Initiator: with <c>tcp-flags</c>, a SYN without ACK marks the source as the client and a SYN-ACK
/// the destination. Otherwise the side with the higher port is the client, because servers listen on
/// the lower, well-known port and clients use ephemeral ports. Equal ports leave the source as client.</item>
/// </list>
/// </summary>
public readonly record struct FlowSides(string LocalAddress, int? LocalPort, string RemoteAddress, int? RemotePort, bool RemoteIsSource, bool RemoteInitiated)
{
    /// <summary>INBOUND when the remote side opened the connection, OUTBOUND when the instance did.</summary>
    public string Direction => RemoteInitiated ? "INBOUND" : "OUTBOUND";

    /// <summary>The port of the side that accepted the connection (the server port).</summary>
    public int? ServerPort => RemoteInitiated ? LocalPort : RemotePort;

    /// <summary>Resolves the sides of a traffic record; false for NODATA and SKIPDATA records and when the local side is unknown.</summary>
    public static bool TryResolve(FlowRecord record, out FlowSides sides)
    {
        sides = default;
        if (!record.IsTrafficRecord || record.SourceAddress is not { } source || record.DestinationAddress is not { } destination)
        {
            return false;
        }

        bool localIsSource;
        if (string.Equals(record.FlowDirection, "ingress", StringComparison.OrdinalIgnoreCase))
        {
            localIsSource = false;
        }
        else if (string.Equals(record.FlowDirection, "egress", StringComparison.OrdinalIgnoreCase))
        {
            localIsSource = true;
        }
        else
        {
            if (!IpAddressKey.TryParse(source, out var sourceKey) || !IpAddressKey.TryParse(destination, out var destinationKey))
            {
                return false;
            }

            var sourcePrivate = IsPrivate(sourceKey);
            if (sourcePrivate == IsPrivate(destinationKey))
            {
                return false;
            }

            localIsSource = sourcePrivate;
        }

        var sourceInitiated = SourceInitiated(record);
        sides = localIsSource
            ? new FlowSides(source, record.SourcePort, destination, record.DestinationPort, RemoteIsSource: false, RemoteInitiated: !sourceInitiated)
            : new FlowSides(destination, record.DestinationPort, source, record.SourcePort, RemoteIsSource: true, RemoteInitiated: sourceInitiated);
        return true;
    }

    /// <summary>True when the record's source side opened the connection, by TCP flags or else by ports.</summary>
    public static bool SourceInitiated(FlowRecord record)
    {
        if (record.Protocol == 6 && record.TcpFlagSet is { } flags)
        {
            if ((flags & FlowTcpFlags.SynAck) == FlowTcpFlags.SynAck)
            {
                return false;
            }

            if ((flags & FlowTcpFlags.Syn) != 0)
            {
                return true;
            }
        }

        return (record.SourcePort ?? 0) >= (record.DestinationPort ?? 0);
    }

    /// <summary>True for addresses that are not publicly routable: RFC 1918, shared (100.64.0.0/10), loopback, link-local, and IPv6 unique-local or link-local.</summary>
    public static bool IsPrivate(IpAddressKey address)
    {
        if (address.IsIPv6)
        {
            var top = (ushort)(address.IPv6 >> 112);
            return (top & 0xFE00) == 0xFC00 || (top & 0xFFC0) == 0xFE80 || address.IPv6 == UInt128.One;
        }

        var ip = address.IPv4;
        return (ip >> 24) == 10
            || (ip >> 20) == ((172u << 4) | 1)
            || (ip >> 16) == ((192u << 8) | 168)
            || (ip >> 22) == ((100u << 2) | 1)
            || (ip >> 24) == 127
            || (ip >> 16) == ((169u << 8) | 254);
    }

    /// <summary>True when the text is a publicly routable address (not private as <see cref="IsPrivate"/> defines it).</summary>
    public static bool IsPublic(string? address) => address is not null && IpAddressKey.TryParse(address, out var key) && !IsPrivate(key);
}
