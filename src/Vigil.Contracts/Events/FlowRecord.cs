namespace Vigil.Contracts.Events;

/// <summary>
/// One VPC or Transit Gateway flow log record after normalisation. A property is null when the
/// flow log's format does not include the field or the record has <c>-</c> for it, so NODATA and
/// SKIPDATA records have null addresses, ports and counters. Text comes from the log and is
/// attacker-influenced, so render it as text. Addresses are validated IPv4 or IPv6 text as delivered.
/// </summary>
/// <remarks>
/// The fields of versions 2 to 5 follow the AWS VPC User Guide ("Flow log records"), and the
/// Transit Gateway fields (version 6) the AWS Transit Gateway Guide ("Transit Gateway Flow Log records").
/// NOTE: the names of the ECS fields, <c>reject-reason</c>, <c>resource-id</c> and <c>encryption-status</c>
/// (versions 7 to 10) come from published flow log formats, not from the AWS field table.
/// Fields not listed here end up in <see cref="ExtraFields"/>.
/// </remarks>
public sealed record FlowRecord
{
    /// <summary>When Vigil read the record (wall clock, UTC), kept apart from <see cref="Start"/> and <see cref="End"/>.</summary>
    public required DateTimeOffset IngestTime { get; init; }

    /// <summary><c>version</c>: the highest version among the fields of the flow log's format.</summary>
    public int? Version { get; init; }

    /// <summary><c>account-id</c>, or <c>unknown</c> for interfaces that AWS services create.</summary>
    public string? AccountId { get; init; }

    /// <summary><c>interface-id</c>: the network interface (ENI) the traffic was recorded on.</summary>
    public string? InterfaceId { get; init; }

    /// <summary><c>srcaddr</c>, which for traffic the interface sends is its primary private address (see <see cref="PacketSourceAddress"/>).</summary>
    public string? SourceAddress { get; init; }

    /// <summary><c>dstaddr</c>, which for traffic the interface receives is its primary private address (see <see cref="PacketDestinationAddress"/>).</summary>
    public string? DestinationAddress { get; init; }

    /// <summary><c>srcport</c>, 0 to 65535.</summary>
    public int? SourcePort { get; init; }

    /// <summary><c>dstport</c>, 0 to 65535.</summary>
    public int? DestinationPort { get; init; }

    /// <summary><c>protocol</c>: the IANA protocol number (6 TCP, 17 UDP, 1 ICMP).</summary>
    public int? Protocol { get; init; }

    /// <summary><c>packets</c> in the aggregation interval, kept exactly (the Parquet type is INT_64).</summary>
    public long? Packets { get; init; }

    /// <summary><c>bytes</c> in the aggregation interval, kept exactly (the Parquet type is INT_64).</summary>
    public long? Bytes { get; init; }

    /// <summary><c>start</c> in UTC, from Unix seconds: when the first packet of the interval was received.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary><c>end</c> in UTC, from Unix seconds: when the last packet of the interval was received.</summary>
    public DateTimeOffset? End { get; init; }

    /// <summary><c>action</c>: <see cref="FlowAction.Accept"/>, <see cref="FlowAction.Reject"/> or any future value.</summary>
    public string? Action { get; init; }

    /// <summary><c>log-status</c>: a <see cref="FlowLogStatus"/> value or any future value.</summary>
    public string? LogStatus { get; init; }

    public string? VpcId { get; init; }

    public string? SubnetId { get; init; }

    /// <summary><c>instance-id</c>, null for requester-managed interfaces such as a NAT gateway's.</summary>
    public string? InstanceId { get; init; }

    /// <summary><c>tcp-flags</c> as delivered, with the decoded flags in <see cref="TcpFlagSet"/>.</summary>
    public int? TcpFlags { get; init; }

    /// <summary><c>type</c>: IPv4, IPv6 or EFA.</summary>
    public string? TrafficType { get; init; }

    /// <summary><c>pkt-srcaddr</c>: the source address in the packet, which differs from <see cref="SourceAddress"/> behind a NAT gateway or for secondary addresses.</summary>
    public string? PacketSourceAddress { get; init; }

    /// <summary><c>pkt-dstaddr</c>: the destination address in the packet.</summary>
    public string? PacketDestinationAddress { get; init; }

    public string? Region { get; init; }

    /// <summary><c>az-id</c>, for example use1-az1, or null for traffic from a sublocation.</summary>
    public string? AvailabilityZoneId { get; init; }

    /// <summary><c>sublocation-type</c>: wavelength, outpost or localzone.</summary>
    public string? SublocationType { get; init; }

    public string? SublocationId { get; init; }

    /// <summary><c>pkt-src-aws-service</c>: the AWS IP range subset of the source, such as AMAZON, EC2 or S3.</summary>
    public string? PacketSourceAwsService { get; init; }

    /// <summary><c>pkt-dst-aws-service</c>: the AWS IP range subset of the destination.</summary>
    public string? PacketDestinationAwsService { get; init; }

    /// <summary><c>flow-direction</c>: ingress or egress, relative to the interface.</summary>
    public string? FlowDirection { get; init; }

    /// <summary><c>traffic-path</c>: the AWS code for the path that egress traffic takes (gateway, peering, endpoint and so on).</summary>
    public int? TrafficPath { get; init; }

    public string? EcsClusterArn { get; init; }

    public string? EcsClusterName { get; init; }

    public string? EcsContainerInstanceArn { get; init; }

    public string? EcsContainerInstanceId { get; init; }

    public string? EcsContainerId { get; init; }

    public string? EcsSecondContainerId { get; init; }

    public string? EcsServiceName { get; init; }

    public string? EcsTaskDefinitionArn { get; init; }

    public string? EcsTaskArn { get; init; }

    public string? EcsTaskId { get; init; }

    /// <summary><c>reject-reason</c>, for example BPA when VPC Block Public Access rejected the traffic.</summary>
    public string? RejectReason { get; init; }

    /// <summary><c>resource-id</c>, as delivered.</summary>
    public string? ResourceId { get; init; }

    /// <summary><c>encryption-status</c>: the VPC encryption controls code (0 cleartext, 1 to 3 encrypted).</summary>
    public int? EncryptionStatus { get; init; }

    /// <summary><c>resource-type</c> of a Transit Gateway flow log: TransitGateway or TransitGatewayAttachment.</summary>
    public string? ResourceType { get; init; }

    /// <summary><c>tgw-id</c>.</summary>
    public string? TransitGatewayId { get; init; }

    /// <summary><c>tgw-attachment-id</c>.</summary>
    public string? TransitGatewayAttachmentId { get; init; }

    /// <summary><c>tgw-src-vpc-account-id</c>.</summary>
    public string? TransitGatewaySourceVpcAccountId { get; init; }

    /// <summary><c>tgw-dst-vpc-account-id</c>.</summary>
    public string? TransitGatewayDestinationVpcAccountId { get; init; }

    /// <summary><c>tgw-src-vpc-id</c>.</summary>
    public string? TransitGatewaySourceVpcId { get; init; }

    /// <summary><c>tgw-dst-vpc-id</c>.</summary>
    public string? TransitGatewayDestinationVpcId { get; init; }

    /// <summary><c>tgw-src-subnet-id</c>.</summary>
    public string? TransitGatewaySourceSubnetId { get; init; }

    /// <summary><c>tgw-dst-subnet-id</c>.</summary>
    public string? TransitGatewayDestinationSubnetId { get; init; }

    /// <summary><c>tgw-src-eni</c>: the attachment network interface the flow came from.</summary>
    public string? TransitGatewaySourceInterfaceId { get; init; }

    /// <summary><c>tgw-dst-eni</c>: the attachment network interface the flow went to.</summary>
    public string? TransitGatewayDestinationInterfaceId { get; init; }

    /// <summary><c>tgw-src-az-id</c>.</summary>
    public string? TransitGatewaySourceAvailabilityZoneId { get; init; }

    /// <summary><c>tgw-dst-az-id</c>.</summary>
    public string? TransitGatewayDestinationAvailabilityZoneId { get; init; }

    /// <summary><c>tgw-pair-attachment-id</c>: the egress or ingress attachment of the flow, depending on its direction.</summary>
    public string? TransitGatewayPairAttachmentId { get; init; }

    /// <summary><c>packets-lost-no-route</c>.</summary>
    public long? PacketsLostNoRoute { get; init; }

    /// <summary><c>packets-lost-blackhole</c>.</summary>
    public long? PacketsLostBlackhole { get; init; }

    /// <summary><c>packets-lost-mtu-exceeded</c>.</summary>
    public long? PacketsLostMtuExceeded { get; init; }

    /// <summary><c>packets-lost-ttl-expired</c>.</summary>
    public long? PacketsLostTtlExpired { get; init; }

    /// <summary>Columns of the format that no property above maps, in the order of the format.</summary>
    public IReadOnlyList<FlowExtraField> ExtraFields { get; init; } = [];

    /// <summary>The known flags of <see cref="TcpFlags"/> (bits 1 to 32), or null when the field is absent.</summary>
    public FlowTcpFlags? TcpFlagSet => TcpFlags is int raw ? (FlowTcpFlags)(raw & 0b11_1111) : null;

    /// <summary>False for NODATA and SKIPDATA records, which describe the log rather than a flow.</summary>
    public bool IsTrafficRecord => LogStatus is not (FlowLogStatus.NoData or FlowLogStatus.SkipData);
}
