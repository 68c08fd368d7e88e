using System.Runtime.CompilerServices;

namespace Vigil.Contracts.Events;

/// <summary>
/// One VPC or Transit Gateway flow log record after normalisation. A property is null when the
/// flow log's format does not include the field or the record has <c>-</c> for it, so NODATA and
/// SKIPDATA records have null addresses, ports and counters. Text comes from the log and is
/// attacker-influenced, so render it as text. Addresses are validated IPv4 or IPv6 text as delivered.
/// </summary>
/// <remarks>
/// <para>
/// The fields of versions 2 to 5 follow the AWS VPC User Guide ("Flow log records"), and the
/// Transit Gateway fields (version 6) the AWS Transit Gateway Guide ("Transit Gateway Flow Log records").
/// NOTE: the names of the ECS fields, <c>reject-reason</c>, <c>resource-id</c> and <c>encryption-status</c>
/// (versions 7 to 10) come from published flow log formats, not from the AWS field table.
/// Fields not listed here end up in <see cref="ExtraFields"/>.
/// </para>
/// <para>
/// Readers create millions of these, so the record is a value type of 152 bytes: a batch of records
/// is one array, with no object per record. The 14 fields of the AWS default (version 2) format and
/// <see cref="Region"/> are stored in the record itself, with one bit per optional number instead of
/// nullable fields. Every other field, and <see cref="ExtraFields"/>, is stored in a second object
/// that is allocated only when one of them has a value. The public properties are the same for
/// both, so equality, <c>with</c> and JSON treat every field alike wherever it is stored.
/// </para>
/// <para>
/// A copy of a record shares its second object, which is never changed once the record is built:
/// setting one of its fields, as <c>with</c> does, first copies it.
/// </para>
/// </remarks>
public record struct FlowRecord
{
    private int version;
    private int sourcePort;
    private int destinationPort;
    private int protocol;
    private long packets;
    private long bytes;
    private DateTimeOffset start;
    private DateTimeOffset end;
    private Present present;

    // Null unless a field outside the version 2 format has a value; never an object with every field empty.
    private ExtendedFields? extended;

    /// <summary>
    /// Creates a record whose fields outside the version 2 format are those of <paramref name="extended"/>,
    /// which the caller built for this record alone and does not change afterwards. Readers use this
    /// to fill every such field in one object, where the init accessors would copy it once per field.
    /// </summary>
    internal FlowRecord(ExtendedFields extended)
    {
        this.extended = extended == ExtendedFields.Empty ? null : extended;
    }

    /// <summary>Which optional numbers of the version 2 format have a value.</summary>
    [Flags]
    private enum Present : byte
    {
        Version = 1,
        SourcePort = 2,
        DestinationPort = 4,
        Protocol = 8,
        Packets = 16,
        Bytes = 32,
        Start = 64,
        End = 128,
    }

    /// <summary>When Vigil read the record (wall clock, UTC), kept apart from <see cref="Start"/> and <see cref="End"/>.</summary>
    public required DateTimeOffset IngestTime { get; init; }

    /// <summary><c>version</c>: the highest version among the fields of the flow log's format.</summary>
    public int? Version
    {
        get => Has(Present.Version) ? version : null;
        init => Set(ref version, value, Present.Version);
    }

    /// <summary><c>account-id</c>, or <c>unknown</c> for interfaces that AWS services create.</summary>
    public string? AccountId { get; init; }

    /// <summary><c>interface-id</c>: the network interface (ENI) the traffic was recorded on.</summary>
    public string? InterfaceId { get; init; }

    /// <summary><c>srcaddr</c>, which for traffic the interface sends is its primary private address (see <see cref="PacketSourceAddress"/>).</summary>
    public string? SourceAddress { get; init; }

    /// <summary><c>dstaddr</c>, which for traffic the interface receives is its primary private address (see <see cref="PacketDestinationAddress"/>).</summary>
    public string? DestinationAddress { get; init; }

    /// <summary><c>srcport</c>, 0 to 65535.</summary>
    public int? SourcePort
    {
        get => Has(Present.SourcePort) ? sourcePort : null;
        init => Set(ref sourcePort, value, Present.SourcePort);
    }

    /// <summary><c>dstport</c>, 0 to 65535.</summary>
    public int? DestinationPort
    {
        get => Has(Present.DestinationPort) ? destinationPort : null;
        init => Set(ref destinationPort, value, Present.DestinationPort);
    }

    /// <summary><c>protocol</c>: the IANA protocol number (6 TCP, 17 UDP, 1 ICMP).</summary>
    public int? Protocol
    {
        get => Has(Present.Protocol) ? protocol : null;
        init => Set(ref protocol, value, Present.Protocol);
    }

    /// <summary><c>packets</c> in the aggregation interval, kept exactly (the Parquet type is INT_64).</summary>
    public long? Packets
    {
        get => Has(Present.Packets) ? packets : null;
        init => Set(ref packets, value, Present.Packets);
    }

    /// <summary><c>bytes</c> in the aggregation interval, kept exactly (the Parquet type is INT_64).</summary>
    public long? Bytes
    {
        get => Has(Present.Bytes) ? bytes : null;
        init => Set(ref bytes, value, Present.Bytes);
    }

    /// <summary><c>start</c> in UTC, from Unix seconds: when the first packet of the interval was received.</summary>
    public DateTimeOffset? Start
    {
        get => Has(Present.Start) ? start : null;
        init => Set(ref start, value, Present.Start);
    }

    /// <summary><c>end</c> in UTC, from Unix seconds: when the last packet of the interval was received.</summary>
    public DateTimeOffset? End
    {
        get => Has(Present.End) ? end : null;
        init => Set(ref end, value, Present.End);
    }

    /// <summary><c>action</c>: <see cref="FlowAction.Accept"/>, <see cref="FlowAction.Reject"/> or any future value.</summary>
    public string? Action { get; init; }

    /// <summary><c>log-status</c>: a <see cref="FlowLogStatus"/> value or any future value.</summary>
    public string? LogStatus { get; init; }

    public string? VpcId
    {
        get => extended?.VpcId;
        init => SetExtended(value, static fields => fields.VpcId, static (fields, value) => fields.VpcId = value);
    }

    public string? SubnetId
    {
        get => extended?.SubnetId;
        init => SetExtended(value, static fields => fields.SubnetId, static (fields, value) => fields.SubnetId = value);
    }

    /// <summary><c>instance-id</c>, null for requester-managed interfaces such as a NAT gateway's.</summary>
    public string? InstanceId
    {
        get => extended?.InstanceId;
        init => SetExtended(value, static fields => fields.InstanceId, static (fields, value) => fields.InstanceId = value);
    }

    /// <summary><c>tcp-flags</c> as delivered, with the decoded flags in <see cref="TcpFlagSet"/>.</summary>
    public int? TcpFlags
    {
        get => extended?.TcpFlags;
        init => SetExtended(value, static fields => fields.TcpFlags, static (fields, value) => fields.TcpFlags = value);
    }

    /// <summary><c>type</c>: IPv4, IPv6 or EFA.</summary>
    public string? TrafficType
    {
        get => extended?.TrafficType;
        init => SetExtended(value, static fields => fields.TrafficType, static (fields, value) => fields.TrafficType = value);
    }

    /// <summary><c>pkt-srcaddr</c>: the source address in the packet, which differs from <see cref="SourceAddress"/> behind a NAT gateway or for secondary addresses.</summary>
    public string? PacketSourceAddress
    {
        get => extended?.PacketSourceAddress;
        init => SetExtended(value, static fields => fields.PacketSourceAddress, static (fields, value) => fields.PacketSourceAddress = value);
    }

    /// <summary><c>pkt-dstaddr</c>: the destination address in the packet.</summary>
    public string? PacketDestinationAddress
    {
        get => extended?.PacketDestinationAddress;
        init => SetExtended(value, static fields => fields.PacketDestinationAddress, static (fields, value) => fields.PacketDestinationAddress = value);
    }

    /// <summary>
    /// <c>region</c>. Kept in the record itself, not with the other fields outside the version 2
    /// format, because the ingestor fills it in from the delivery key for records whose format leaves it out.
    /// </summary>
    public string? Region { get; init; }

    /// <summary><c>az-id</c>, for example use1-az1, or null for traffic from a sublocation.</summary>
    public string? AvailabilityZoneId
    {
        get => extended?.AvailabilityZoneId;
        init => SetExtended(value, static fields => fields.AvailabilityZoneId, static (fields, value) => fields.AvailabilityZoneId = value);
    }

    /// <summary><c>sublocation-type</c>: wavelength, outpost or localzone.</summary>
    public string? SublocationType
    {
        get => extended?.SublocationType;
        init => SetExtended(value, static fields => fields.SublocationType, static (fields, value) => fields.SublocationType = value);
    }

    public string? SublocationId
    {
        get => extended?.SublocationId;
        init => SetExtended(value, static fields => fields.SublocationId, static (fields, value) => fields.SublocationId = value);
    }

    /// <summary><c>pkt-src-aws-service</c>: the AWS IP range subset of the source, such as AMAZON, EC2 or S3.</summary>
    public string? PacketSourceAwsService
    {
        get => extended?.PacketSourceAwsService;
        init => SetExtended(value, static fields => fields.PacketSourceAwsService, static (fields, value) => fields.PacketSourceAwsService = value);
    }

    /// <summary><c>pkt-dst-aws-service</c>: the AWS IP range subset of the destination.</summary>
    public string? PacketDestinationAwsService
    {
        get => extended?.PacketDestinationAwsService;
        init => SetExtended(value, static fields => fields.PacketDestinationAwsService, static (fields, value) => fields.PacketDestinationAwsService = value);
    }

    /// <summary><c>flow-direction</c>: ingress or egress, relative to the interface.</summary>
    public string? FlowDirection
    {
        get => extended?.FlowDirection;
        init => SetExtended(value, static fields => fields.FlowDirection, static (fields, value) => fields.FlowDirection = value);
    }

    /// <summary><c>traffic-path</c>: the AWS code for the path that egress traffic takes (gateway, peering, endpoint and so on).</summary>
    public int? TrafficPath
    {
        get => extended?.TrafficPath;
        init => SetExtended(value, static fields => fields.TrafficPath, static (fields, value) => fields.TrafficPath = value);
    }

    public string? EcsClusterArn
    {
        get => extended?.EcsClusterArn;
        init => SetExtended(value, static fields => fields.EcsClusterArn, static (fields, value) => fields.EcsClusterArn = value);
    }

    public string? EcsClusterName
    {
        get => extended?.EcsClusterName;
        init => SetExtended(value, static fields => fields.EcsClusterName, static (fields, value) => fields.EcsClusterName = value);
    }

    public string? EcsContainerInstanceArn
    {
        get => extended?.EcsContainerInstanceArn;
        init => SetExtended(value, static fields => fields.EcsContainerInstanceArn, static (fields, value) => fields.EcsContainerInstanceArn = value);
    }

    public string? EcsContainerInstanceId
    {
        get => extended?.EcsContainerInstanceId;
        init => SetExtended(value, static fields => fields.EcsContainerInstanceId, static (fields, value) => fields.EcsContainerInstanceId = value);
    }

    public string? EcsContainerId
    {
        get => extended?.EcsContainerId;
        init => SetExtended(value, static fields => fields.EcsContainerId, static (fields, value) => fields.EcsContainerId = value);
    }

    public string? EcsSecondContainerId
    {
        get => extended?.EcsSecondContainerId;
        init => SetExtended(value, static fields => fields.EcsSecondContainerId, static (fields, value) => fields.EcsSecondContainerId = value);
    }

    public string? EcsServiceName
    {
        get => extended?.EcsServiceName;
        init => SetExtended(value, static fields => fields.EcsServiceName, static (fields, value) => fields.EcsServiceName = value);
    }

    public string? EcsTaskDefinitionArn
    {
        get => extended?.EcsTaskDefinitionArn;
        init => SetExtended(value, static fields => fields.EcsTaskDefinitionArn, static (fields, value) => fields.EcsTaskDefinitionArn = value);
    }

    public string? EcsTaskArn
    {
        get => extended?.EcsTaskArn;
        init => SetExtended(value, static fields => fields.EcsTaskArn, static (fields, value) => fields.EcsTaskArn = value);
    }

    public string? EcsTaskId
    {
        get => extended?.EcsTaskId;
        init => SetExtended(value, static fields => fields.EcsTaskId, static (fields, value) => fields.EcsTaskId = value);
    }

    /// <summary><c>reject-reason</c>, for example BPA when VPC Block Public Access rejected the traffic.</summary>
    public string? RejectReason
    {
        get => extended?.RejectReason;
        init => SetExtended(value, static fields => fields.RejectReason, static (fields, value) => fields.RejectReason = value);
    }

    /// <summary><c>resource-id</c>, as delivered.</summary>
    public string? ResourceId
    {
        get => extended?.ResourceId;
        init => SetExtended(value, static fields => fields.ResourceId, static (fields, value) => fields.ResourceId = value);
    }

    /// <summary><c>encryption-status</c>: the VPC encryption controls code (0 cleartext, 1 to 3 encrypted).</summary>
    public int? EncryptionStatus
    {
        get => extended?.EncryptionStatus;
        init => SetExtended(value, static fields => fields.EncryptionStatus, static (fields, value) => fields.EncryptionStatus = value);
    }

    /// <summary><c>resource-type</c> of a Transit Gateway flow log: TransitGateway or TransitGatewayAttachment.</summary>
    public string? ResourceType
    {
        get => extended?.ResourceType;
        init => SetExtended(value, static fields => fields.ResourceType, static (fields, value) => fields.ResourceType = value);
    }

    /// <summary><c>tgw-id</c>.</summary>
    public string? TransitGatewayId
    {
        get => extended?.TransitGatewayId;
        init => SetExtended(value, static fields => fields.TransitGatewayId, static (fields, value) => fields.TransitGatewayId = value);
    }

    /// <summary><c>tgw-attachment-id</c>.</summary>
    public string? TransitGatewayAttachmentId
    {
        get => extended?.TransitGatewayAttachmentId;
        init => SetExtended(value, static fields => fields.TransitGatewayAttachmentId, static (fields, value) => fields.TransitGatewayAttachmentId = value);
    }

    /// <summary><c>tgw-src-vpc-account-id</c>.</summary>
    public string? TransitGatewaySourceVpcAccountId
    {
        get => extended?.TransitGatewaySourceVpcAccountId;
        init => SetExtended(value, static fields => fields.TransitGatewaySourceVpcAccountId, static (fields, value) => fields.TransitGatewaySourceVpcAccountId = value);
    }

    /// <summary><c>tgw-dst-vpc-account-id</c>.</summary>
    public string? TransitGatewayDestinationVpcAccountId
    {
        get => extended?.TransitGatewayDestinationVpcAccountId;
        init => SetExtended(value, static fields => fields.TransitGatewayDestinationVpcAccountId, static (fields, value) => fields.TransitGatewayDestinationVpcAccountId = value);
    }

    /// <summary><c>tgw-src-vpc-id</c>.</summary>
    public string? TransitGatewaySourceVpcId
    {
        get => extended?.TransitGatewaySourceVpcId;
        init => SetExtended(value, static fields => fields.TransitGatewaySourceVpcId, static (fields, value) => fields.TransitGatewaySourceVpcId = value);
    }

    /// <summary><c>tgw-dst-vpc-id</c>.</summary>
    public string? TransitGatewayDestinationVpcId
    {
        get => extended?.TransitGatewayDestinationVpcId;
        init => SetExtended(value, static fields => fields.TransitGatewayDestinationVpcId, static (fields, value) => fields.TransitGatewayDestinationVpcId = value);
    }

    /// <summary><c>tgw-src-subnet-id</c>.</summary>
    public string? TransitGatewaySourceSubnetId
    {
        get => extended?.TransitGatewaySourceSubnetId;
        init => SetExtended(value, static fields => fields.TransitGatewaySourceSubnetId, static (fields, value) => fields.TransitGatewaySourceSubnetId = value);
    }

    /// <summary><c>tgw-dst-subnet-id</c>.</summary>
    public string? TransitGatewayDestinationSubnetId
    {
        get => extended?.TransitGatewayDestinationSubnetId;
        init => SetExtended(value, static fields => fields.TransitGatewayDestinationSubnetId, static (fields, value) => fields.TransitGatewayDestinationSubnetId = value);
    }

    /// <summary><c>tgw-src-eni</c>: the attachment network interface the flow came from.</summary>
    public string? TransitGatewaySourceInterfaceId
    {
        get => extended?.TransitGatewaySourceInterfaceId;
        init => SetExtended(value, static fields => fields.TransitGatewaySourceInterfaceId, static (fields, value) => fields.TransitGatewaySourceInterfaceId = value);
    }

    /// <summary><c>tgw-dst-eni</c>: the attachment network interface the flow went to.</summary>
    public string? TransitGatewayDestinationInterfaceId
    {
        get => extended?.TransitGatewayDestinationInterfaceId;
        init => SetExtended(value, static fields => fields.TransitGatewayDestinationInterfaceId, static (fields, value) => fields.TransitGatewayDestinationInterfaceId = value);
    }

    /// <summary><c>tgw-src-az-id</c>.</summary>
    public string? TransitGatewaySourceAvailabilityZoneId
    {
        get => extended?.TransitGatewaySourceAvailabilityZoneId;
        init => SetExtended(value, static fields => fields.TransitGatewaySourceAvailabilityZoneId, static (fields, value) => fields.TransitGatewaySourceAvailabilityZoneId = value);
    }

    /// <summary><c>tgw-dst-az-id</c>.</summary>
    public string? TransitGatewayDestinationAvailabilityZoneId
    {
        get => extended?.TransitGatewayDestinationAvailabilityZoneId;
        init => SetExtended(value, static fields => fields.TransitGatewayDestinationAvailabilityZoneId, static (fields, value) => fields.TransitGatewayDestinationAvailabilityZoneId = value);
    }

    /// <summary><c>tgw-pair-attachment-id</c>: the egress or ingress attachment of the flow, depending on its direction.</summary>
    public string? TransitGatewayPairAttachmentId
    {
        get => extended?.TransitGatewayPairAttachmentId;
        init => SetExtended(value, static fields => fields.TransitGatewayPairAttachmentId, static (fields, value) => fields.TransitGatewayPairAttachmentId = value);
    }

    /// <summary><c>packets-lost-no-route</c>.</summary>
    public long? PacketsLostNoRoute
    {
        get => extended?.PacketsLostNoRoute;
        init => SetExtended(value, static fields => fields.PacketsLostNoRoute, static (fields, value) => fields.PacketsLostNoRoute = value);
    }

    /// <summary><c>packets-lost-blackhole</c>.</summary>
    public long? PacketsLostBlackhole
    {
        get => extended?.PacketsLostBlackhole;
        init => SetExtended(value, static fields => fields.PacketsLostBlackhole, static (fields, value) => fields.PacketsLostBlackhole = value);
    }

    /// <summary><c>packets-lost-mtu-exceeded</c>.</summary>
    public long? PacketsLostMtuExceeded
    {
        get => extended?.PacketsLostMtuExceeded;
        init => SetExtended(value, static fields => fields.PacketsLostMtuExceeded, static (fields, value) => fields.PacketsLostMtuExceeded = value);
    }

    /// <summary><c>packets-lost-ttl-expired</c>.</summary>
    public long? PacketsLostTtlExpired
    {
        get => extended?.PacketsLostTtlExpired;
        init => SetExtended(value, static fields => fields.PacketsLostTtlExpired, static (fields, value) => fields.PacketsLostTtlExpired = value);
    }

    /// <summary>Columns of the format that no property above maps, in the order of the format.</summary>
    public IReadOnlyList<FlowExtraField> ExtraFields
    {
        get => extended?.ExtraFields ?? [];
        init => SetExtended(value is { Count: > 0 } ? value : null, static fields => fields.ExtraFields, static (fields, value) => fields.ExtraFields = value);
    }

    /// <summary>The known flags of <see cref="TcpFlags"/> (bits 1 to 32), or null when the field is absent.</summary>
    public FlowTcpFlags? TcpFlagSet => TcpFlags is int raw ? (FlowTcpFlags)(raw & 0b11_1111) : null;

    /// <summary>False for NODATA and SKIPDATA records, which describe the log rather than a flow.</summary>
    public bool IsTrafficRecord => LogStatus is not (FlowLogStatus.NoData or FlowLogStatus.SkipData);

    /// <summary>True when a field outside the version 2 format has a value, so the record carries its second object.</summary>
    internal bool HasExtendedFields => extended is not null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Has(Present bit) => (present & bit) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Set<T>(ref T field, T? value, Present bit)
        where T : struct
    {
        field = value.GetValueOrDefault();
        present = value.HasValue ? present | bit : present & ~bit;
    }

    /// <summary>
    /// Stores one field of the extended part in a copy of it, so a <c>with</c> expression, which
    /// copies the record with the same extended part, leaves the original unchanged. Nothing is copied
    /// when the field already has the value, as for the many null fields that JSON sets. The part is
    /// dropped once every field is empty again.
    /// </summary>
    private void SetExtended<T>(T value, Func<ExtendedFields, T> get, Action<ExtendedFields, T> set)
    {
        if (EqualityComparer<T>.Default.Equals(get(extended ?? ExtendedFields.Empty), value))
        {
            return;
        }

        var fields = extended is null ? new ExtendedFields() : extended with { };
        set(fields, value);
        extended = value is null && fields == ExtendedFields.Empty ? null : fields;
    }

    /// <summary>
    /// The fields outside the version 2 format. <see cref="FlowRecord"/> and the readers write them
    /// only while a record is built, so the object is never changed after that.
    /// </summary>
    /// <remarks>
    /// NOTE: one field of this object makes the record take about 584 bytes, little less than the
    /// 616 of a record with every field inline, so custom formats with version 3 to 5 fields gain
    /// little. Splitting it into groups (version 3 to 5, ECS, Transit Gateway) would help them.
    /// </remarks>
    internal sealed record ExtendedFields
    {
        public static readonly ExtendedFields Empty = new();

        public string? VpcId { get; set; }

        public string? SubnetId { get; set; }

        public string? InstanceId { get; set; }

        public int? TcpFlags { get; set; }

        public string? TrafficType { get; set; }

        public string? PacketSourceAddress { get; set; }

        public string? PacketDestinationAddress { get; set; }

        public string? AvailabilityZoneId { get; set; }

        public string? SublocationType { get; set; }

        public string? SublocationId { get; set; }

        public string? PacketSourceAwsService { get; set; }

        public string? PacketDestinationAwsService { get; set; }

        public string? FlowDirection { get; set; }

        public int? TrafficPath { get; set; }

        public string? EcsClusterArn { get; set; }

        public string? EcsClusterName { get; set; }

        public string? EcsContainerInstanceArn { get; set; }

        public string? EcsContainerInstanceId { get; set; }

        public string? EcsContainerId { get; set; }

        public string? EcsSecondContainerId { get; set; }

        public string? EcsServiceName { get; set; }

        public string? EcsTaskDefinitionArn { get; set; }

        public string? EcsTaskArn { get; set; }

        public string? EcsTaskId { get; set; }

        public string? RejectReason { get; set; }

        public string? ResourceId { get; set; }

        public int? EncryptionStatus { get; set; }

        public string? ResourceType { get; set; }

        public string? TransitGatewayId { get; set; }

        public string? TransitGatewayAttachmentId { get; set; }

        public string? TransitGatewaySourceVpcAccountId { get; set; }

        public string? TransitGatewayDestinationVpcAccountId { get; set; }

        public string? TransitGatewaySourceVpcId { get; set; }

        public string? TransitGatewayDestinationVpcId { get; set; }

        public string? TransitGatewaySourceSubnetId { get; set; }

        public string? TransitGatewayDestinationSubnetId { get; set; }

        public string? TransitGatewaySourceInterfaceId { get; set; }

        public string? TransitGatewayDestinationInterfaceId { get; set; }

        public string? TransitGatewaySourceAvailabilityZoneId { get; set; }

        public string? TransitGatewayDestinationAvailabilityZoneId { get; set; }

        public string? TransitGatewayPairAttachmentId { get; set; }

        public long? PacketsLostNoRoute { get; set; }

        public long? PacketsLostBlackhole { get; set; }

        public long? PacketsLostMtuExceeded { get; set; }

        public long? PacketsLostTtlExpired { get; set; }

        public IReadOnlyList<FlowExtraField>? ExtraFields { get; set; }
    }
}
