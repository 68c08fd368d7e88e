namespace Vigil.Contracts.Events;

/// <summary>
/// TCP flags ORed over one aggregation interval, decoded from the <c>tcp-flags</c> field.
/// AWS documents FIN, SYN, RST and SYN-ACK for VPC flow logs, and PSH, ACK and URG as well for
/// Transit Gateway flow logs, which report a flow of ACK packets only as 0, not 16.
/// </summary>
[Flags]
public enum FlowTcpFlags
{
    None = 0,
    Fin = 1,
    Syn = 2,
    Rst = 4,
    Psh = 8,
    Ack = 16,
    Urg = 32,

    /// <summary>SYN and ACK in one interval (18), which a server sends in reply to a connection attempt.</summary>
    SynAck = Syn | Ack,
}
