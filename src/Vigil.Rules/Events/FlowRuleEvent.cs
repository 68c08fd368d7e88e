using Vigil.Contracts.Events;

namespace Vigil.Rules.Events;

/// <summary>
/// A VPC or Transit Gateway flow log record for rule matching. Field names are the flow log field
/// names (<c>srcaddr</c>, <c>dstport</c>, <c>log-status</c>); the underscore spelling of the Parquet
/// columns (<c>log_status</c>) works too. A field the format does not have is absent, and a field
/// the record has as <c>-</c> is null. Columns that no property maps are looked up by their header name.
/// </summary>
public sealed class FlowRuleEvent(FlowRecord record) : RuleEvent
{
    private static readonly Dictionary<string, Func<FlowRecord, FieldValue>> Fields = BuildFields();

    public FlowRecord Record { get; } = record;

    public override DateTimeOffset Time => Record.End ?? Record.Start ?? Record.IngestTime;

    /// <summary>Returns true for a field name this source knows, in either spelling.</summary>
    public static bool IsKnownField(string field) => Fields.ContainsKey(field);

    protected override FieldLookup Resolve(string field)
    {
        if (Fields.TryGetValue(field, out var read))
        {
            var value = read(Record);
            return new FieldLookup(true, [value]);
        }

        foreach (var extra in Record.ExtraFields)
        {
            if (string.Equals(extra.Name, field, StringComparison.Ordinal) || string.Equals(extra.Name.Replace('-', '_'), field, StringComparison.Ordinal))
            {
                return new FieldLookup(true, [extra.Value is null or "-" ? FieldValue.Null : FieldValue.Of(extra.Value)]);
            }
        }

        return FieldLookup.Missing;
    }

    protected override IReadOnlyList<string> CollectKeywordTexts()
    {
        var texts = new List<string>();
        foreach (var read in Fields.Values.Distinct())
        {
            if (read(Record).Text is { } text)
            {
                texts.Add(text);
            }
        }

        foreach (var extra in Record.ExtraFields)
        {
            if (extra.Value is { } text)
            {
                texts.Add(text);
            }
        }

        return texts;
    }

    private static Dictionary<string, Func<FlowRecord, FieldValue>> BuildFields()
    {
        var fields = new Dictionary<string, Func<FlowRecord, FieldValue>>(StringComparer.Ordinal)
        {
            ["version"] = r => FieldValue.Of(r.Version),
            ["account-id"] = r => FieldValue.Of(r.AccountId),
            ["interface-id"] = r => FieldValue.Of(r.InterfaceId),
            ["srcaddr"] = r => FieldValue.Of(r.SourceAddress),
            ["dstaddr"] = r => FieldValue.Of(r.DestinationAddress),
            ["srcport"] = r => FieldValue.Of(r.SourcePort),
            ["dstport"] = r => FieldValue.Of(r.DestinationPort),
            ["protocol"] = r => FieldValue.Of(r.Protocol),
            ["packets"] = r => FieldValue.Of(r.Packets),
            ["bytes"] = r => FieldValue.Of(r.Bytes),
            ["start"] = r => FieldValue.Of(r.Start?.ToUnixTimeSeconds()),
            ["end"] = r => FieldValue.Of(r.End?.ToUnixTimeSeconds()),
            ["action"] = r => FieldValue.Of(r.Action),
            ["log-status"] = r => FieldValue.Of(r.LogStatus),
            ["vpc-id"] = r => FieldValue.Of(r.VpcId),
            ["subnet-id"] = r => FieldValue.Of(r.SubnetId),
            ["instance-id"] = r => FieldValue.Of(r.InstanceId),
            ["tcp-flags"] = r => FieldValue.Of(r.TcpFlags),
            ["type"] = r => FieldValue.Of(r.TrafficType),
            ["pkt-srcaddr"] = r => FieldValue.Of(r.PacketSourceAddress),
            ["pkt-dstaddr"] = r => FieldValue.Of(r.PacketDestinationAddress),
            ["region"] = r => FieldValue.Of(r.Region),
            ["az-id"] = r => FieldValue.Of(r.AvailabilityZoneId),
            ["sublocation-type"] = r => FieldValue.Of(r.SublocationType),
            ["sublocation-id"] = r => FieldValue.Of(r.SublocationId),
            ["pkt-src-aws-service"] = r => FieldValue.Of(r.PacketSourceAwsService),
            ["pkt-dst-aws-service"] = r => FieldValue.Of(r.PacketDestinationAwsService),
            ["flow-direction"] = r => FieldValue.Of(r.FlowDirection),
            ["traffic-path"] = r => FieldValue.Of(r.TrafficPath),
            ["ecs-cluster-arn"] = r => FieldValue.Of(r.EcsClusterArn),
            ["ecs-cluster-name"] = r => FieldValue.Of(r.EcsClusterName),
            ["ecs-container-instance-arn"] = r => FieldValue.Of(r.EcsContainerInstanceArn),
            ["ecs-container-instance-id"] = r => FieldValue.Of(r.EcsContainerInstanceId),
            ["ecs-container-id"] = r => FieldValue.Of(r.EcsContainerId),
            ["ecs-second-container-id"] = r => FieldValue.Of(r.EcsSecondContainerId),
            ["ecs-service-name"] = r => FieldValue.Of(r.EcsServiceName),
            ["ecs-task-definition-arn"] = r => FieldValue.Of(r.EcsTaskDefinitionArn),
            ["ecs-task-arn"] = r => FieldValue.Of(r.EcsTaskArn),
            ["ecs-task-id"] = r => FieldValue.Of(r.EcsTaskId),
            ["reject-reason"] = r => FieldValue.Of(r.RejectReason),
            ["resource-id"] = r => FieldValue.Of(r.ResourceId),
            ["encryption-status"] = r => FieldValue.Of(r.EncryptionStatus),
            ["resource-type"] = r => FieldValue.Of(r.ResourceType),
            ["tgw-id"] = r => FieldValue.Of(r.TransitGatewayId),
            ["tgw-attachment-id"] = r => FieldValue.Of(r.TransitGatewayAttachmentId),
            ["tgw-src-vpc-account-id"] = r => FieldValue.Of(r.TransitGatewaySourceVpcAccountId),
            ["tgw-dst-vpc-account-id"] = r => FieldValue.Of(r.TransitGatewayDestinationVpcAccountId),
            ["tgw-src-vpc-id"] = r => FieldValue.Of(r.TransitGatewaySourceVpcId),
            ["tgw-dst-vpc-id"] = r => FieldValue.Of(r.TransitGatewayDestinationVpcId),
            ["tgw-src-subnet-id"] = r => FieldValue.Of(r.TransitGatewaySourceSubnetId),
            ["tgw-dst-subnet-id"] = r => FieldValue.Of(r.TransitGatewayDestinationSubnetId),
            ["tgw-src-eni"] = r => FieldValue.Of(r.TransitGatewaySourceInterfaceId),
            ["tgw-dst-eni"] = r => FieldValue.Of(r.TransitGatewayDestinationInterfaceId),
            ["tgw-src-az-id"] = r => FieldValue.Of(r.TransitGatewaySourceAvailabilityZoneId),
            ["tgw-dst-az-id"] = r => FieldValue.Of(r.TransitGatewayDestinationAvailabilityZoneId),
            ["tgw-pair-attachment-id"] = r => FieldValue.Of(r.TransitGatewayPairAttachmentId),
            ["packets-lost-no-route"] = r => FieldValue.Of(r.PacketsLostNoRoute),
            ["packets-lost-blackhole"] = r => FieldValue.Of(r.PacketsLostBlackhole),
            ["packets-lost-mtu-exceeded"] = r => FieldValue.Of(r.PacketsLostMtuExceeded),
            ["packets-lost-ttl-expired"] = r => FieldValue.Of(r.PacketsLostTtlExpired),
        };
        foreach (var (name, read) in fields.ToList())
        {
            if (name.Contains('-', StringComparison.Ordinal))
            {
                fields[name.Replace('-', '_')] = read;
            }
        }

        return fields;
    }
}
