using System.Collections.Frozen;

namespace Vigil.Ingestion.VpcFlow;

/// <summary>How the value of one flow log field is checked and stored.</summary>
internal enum FlowFieldKind
{
    /// <summary>Any token, kept as text.</summary>
    Text,

    /// <summary>An IPv4 address in dotted-decimal form or an IPv6 address.</summary>
    Address,

    /// <summary>An integer from 0 to 65535.</summary>
    Port,

    /// <summary>An IANA protocol number from 0 to 255.</summary>
    Protocol,

    /// <summary>A non-negative integer that fits an <see cref="int"/>: version, tcp-flags, traffic-path, encryption-status.</summary>
    Code,

    /// <summary>A non-negative 64-bit counter: bytes, packets and the lost-packet counters.</summary>
    Counter,

    /// <summary>Unix seconds, from 0 to the end of year 9999.</summary>
    UnixSeconds,
}

/// <summary>One field that <see cref="FlowRecordBuilder"/> maps to a <see cref="Contracts.Events.FlowRecord"/> property.</summary>
internal sealed record FlowField(int Slot, string Name, FlowFieldKind Kind)
{
    /// <summary>The largest value of a numeric field; every numeric field starts at 0.</summary>
    public long Maximum { get; } = Kind switch
    {
        FlowFieldKind.Port => 65535,
        FlowFieldKind.Protocol => 255,
        FlowFieldKind.Code => int.MaxValue,
        FlowFieldKind.UnixSeconds => DateTimeOffset.MaxValue.ToUnixTimeSeconds(),
        _ => long.MaxValue,
    };
}

/// <summary>The flow log fields that Vigil maps, by the name AWS gives them in a format string or header line.</summary>
internal static class FlowFields
{
    public static readonly FlowField Version = new(0, "version", FlowFieldKind.Code);
    public static readonly FlowField AccountId = new(1, "account-id", FlowFieldKind.Text);
    public static readonly FlowField InterfaceId = new(2, "interface-id", FlowFieldKind.Text);
    public static readonly FlowField SourceAddress = new(3, "srcaddr", FlowFieldKind.Address);
    public static readonly FlowField DestinationAddress = new(4, "dstaddr", FlowFieldKind.Address);
    public static readonly FlowField SourcePort = new(5, "srcport", FlowFieldKind.Port);
    public static readonly FlowField DestinationPort = new(6, "dstport", FlowFieldKind.Port);
    public static readonly FlowField Protocol = new(7, "protocol", FlowFieldKind.Protocol);
    public static readonly FlowField Packets = new(8, "packets", FlowFieldKind.Counter);
    public static readonly FlowField Bytes = new(9, "bytes", FlowFieldKind.Counter);
    public static readonly FlowField Start = new(10, "start", FlowFieldKind.UnixSeconds);
    public static readonly FlowField End = new(11, "end", FlowFieldKind.UnixSeconds);
    public static readonly FlowField Action = new(12, "action", FlowFieldKind.Text);
    public static readonly FlowField LogStatus = new(13, "log-status", FlowFieldKind.Text);

    public static readonly FlowField VpcId = new(14, "vpc-id", FlowFieldKind.Text);
    public static readonly FlowField SubnetId = new(15, "subnet-id", FlowFieldKind.Text);
    public static readonly FlowField InstanceId = new(16, "instance-id", FlowFieldKind.Text);
    public static readonly FlowField TcpFlags = new(17, "tcp-flags", FlowFieldKind.Code);
    public static readonly FlowField TrafficType = new(18, "type", FlowFieldKind.Text);
    public static readonly FlowField PacketSourceAddress = new(19, "pkt-srcaddr", FlowFieldKind.Address);
    public static readonly FlowField PacketDestinationAddress = new(20, "pkt-dstaddr", FlowFieldKind.Address);

    public static readonly FlowField Region = new(21, "region", FlowFieldKind.Text);
    public static readonly FlowField AvailabilityZoneId = new(22, "az-id", FlowFieldKind.Text);
    public static readonly FlowField SublocationType = new(23, "sublocation-type", FlowFieldKind.Text);
    public static readonly FlowField SublocationId = new(24, "sublocation-id", FlowFieldKind.Text);

    public static readonly FlowField PacketSourceAwsService = new(25, "pkt-src-aws-service", FlowFieldKind.Text);
    public static readonly FlowField PacketDestinationAwsService = new(26, "pkt-dst-aws-service", FlowFieldKind.Text);
    public static readonly FlowField FlowDirection = new(27, "flow-direction", FlowFieldKind.Text);
    public static readonly FlowField TrafficPath = new(28, "traffic-path", FlowFieldKind.Code);

    public static readonly FlowField EcsClusterArn = new(29, "ecs-cluster-arn", FlowFieldKind.Text);
    public static readonly FlowField EcsClusterName = new(30, "ecs-cluster-name", FlowFieldKind.Text);
    public static readonly FlowField EcsContainerInstanceArn = new(31, "ecs-container-instance-arn", FlowFieldKind.Text);
    public static readonly FlowField EcsContainerInstanceId = new(32, "ecs-container-instance-id", FlowFieldKind.Text);
    public static readonly FlowField EcsContainerId = new(33, "ecs-container-id", FlowFieldKind.Text);
    public static readonly FlowField EcsSecondContainerId = new(34, "ecs-second-container-id", FlowFieldKind.Text);
    public static readonly FlowField EcsServiceName = new(35, "ecs-service-name", FlowFieldKind.Text);
    public static readonly FlowField EcsTaskDefinitionArn = new(36, "ecs-task-definition-arn", FlowFieldKind.Text);
    public static readonly FlowField EcsTaskArn = new(37, "ecs-task-arn", FlowFieldKind.Text);
    public static readonly FlowField EcsTaskId = new(38, "ecs-task-id", FlowFieldKind.Text);
    public static readonly FlowField RejectReason = new(39, "reject-reason", FlowFieldKind.Text);
    public static readonly FlowField ResourceId = new(40, "resource-id", FlowFieldKind.Text);
    public static readonly FlowField EncryptionStatus = new(41, "encryption-status", FlowFieldKind.Code);

    public static readonly FlowField ResourceType = new(42, "resource-type", FlowFieldKind.Text);
    public static readonly FlowField TransitGatewayId = new(43, "tgw-id", FlowFieldKind.Text);
    public static readonly FlowField TransitGatewayAttachmentId = new(44, "tgw-attachment-id", FlowFieldKind.Text);
    public static readonly FlowField TransitGatewaySourceVpcAccountId = new(45, "tgw-src-vpc-account-id", FlowFieldKind.Text);
    public static readonly FlowField TransitGatewayDestinationVpcAccountId = new(46, "tgw-dst-vpc-account-id", FlowFieldKind.Text);
    public static readonly FlowField TransitGatewaySourceVpcId = new(47, "tgw-src-vpc-id", FlowFieldKind.Text);
    public static readonly FlowField TransitGatewayDestinationVpcId = new(48, "tgw-dst-vpc-id", FlowFieldKind.Text);
    public static readonly FlowField TransitGatewaySourceSubnetId = new(49, "tgw-src-subnet-id", FlowFieldKind.Text);
    public static readonly FlowField TransitGatewayDestinationSubnetId = new(50, "tgw-dst-subnet-id", FlowFieldKind.Text);
    public static readonly FlowField TransitGatewaySourceInterfaceId = new(51, "tgw-src-eni", FlowFieldKind.Text);
    public static readonly FlowField TransitGatewayDestinationInterfaceId = new(52, "tgw-dst-eni", FlowFieldKind.Text);
    public static readonly FlowField TransitGatewaySourceAvailabilityZoneId = new(53, "tgw-src-az-id", FlowFieldKind.Text);
    public static readonly FlowField TransitGatewayDestinationAvailabilityZoneId = new(54, "tgw-dst-az-id", FlowFieldKind.Text);
    public static readonly FlowField TransitGatewayPairAttachmentId = new(55, "tgw-pair-attachment-id", FlowFieldKind.Text);
    public static readonly FlowField PacketsLostNoRoute = new(56, "packets-lost-no-route", FlowFieldKind.Counter);
    public static readonly FlowField PacketsLostBlackhole = new(57, "packets-lost-blackhole", FlowFieldKind.Counter);
    public static readonly FlowField PacketsLostMtuExceeded = new(58, "packets-lost-mtu-exceeded", FlowFieldKind.Counter);
    public static readonly FlowField PacketsLostTtlExpired = new(59, "packets-lost-ttl-expired", FlowFieldKind.Counter);

    /// <summary>Every mapped field, indexed by <see cref="FlowField.Slot"/>.</summary>
    public static readonly IReadOnlyList<FlowField> All =
    [
        Version, AccountId, InterfaceId, SourceAddress, DestinationAddress, SourcePort, DestinationPort,
        Protocol, Packets, Bytes, Start, End, Action, LogStatus,
        VpcId, SubnetId, InstanceId, TcpFlags, TrafficType, PacketSourceAddress, PacketDestinationAddress,
        Region, AvailabilityZoneId, SublocationType, SublocationId,
        PacketSourceAwsService, PacketDestinationAwsService, FlowDirection, TrafficPath,
        EcsClusterArn, EcsClusterName, EcsContainerInstanceArn, EcsContainerInstanceId, EcsContainerId,
        EcsSecondContainerId, EcsServiceName, EcsTaskDefinitionArn, EcsTaskArn, EcsTaskId,
        RejectReason, ResourceId, EncryptionStatus,
        ResourceType, TransitGatewayId, TransitGatewayAttachmentId, TransitGatewaySourceVpcAccountId,
        TransitGatewayDestinationVpcAccountId, TransitGatewaySourceVpcId, TransitGatewayDestinationVpcId,
        TransitGatewaySourceSubnetId, TransitGatewayDestinationSubnetId, TransitGatewaySourceInterfaceId,
        TransitGatewayDestinationInterfaceId, TransitGatewaySourceAvailabilityZoneId,
        TransitGatewayDestinationAvailabilityZoneId, TransitGatewayPairAttachmentId,
        PacketsLostNoRoute, PacketsLostBlackhole, PacketsLostMtuExceeded, PacketsLostTtlExpired,
    ];

    /// <summary>The version 2 fields in the order of the AWS default format, which has no header of its own.</summary>
    public static readonly IReadOnlyList<FlowField> DefaultFormat =
    [
        Version, AccountId, InterfaceId, SourceAddress, DestinationAddress, SourcePort, DestinationPort,
        Protocol, Packets, Bytes, Start, End, Action, LogStatus,
    ];

    /// <summary>One bit per <see cref="FlowField.Slot"/> of the <see cref="DefaultFormat"/> fields.</summary>
    public static readonly ulong DefaultFormatSlots = DefaultFormat.Aggregate(0UL, (bits, field) => bits | (1UL << field.Slot));

    private static readonly FrozenDictionary<string, FlowField> ByName =
        All.ToFrozenDictionary(field => field.Name, StringComparer.Ordinal);

    /// <summary>Finds a field by its AWS name, such as <c>log-status</c>. Names are case-sensitive.</summary>
    public static FlowField? Find(string name) => ByName.GetValueOrDefault(name);
}
