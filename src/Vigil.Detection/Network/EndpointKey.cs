using Vigil.Contracts.Events;

namespace Vigil.Detection.Network;

/// <summary>
/// Names the network endpoint that owns a flow record or DNS query: <c>account/eni:id</c> for flow
/// records (the network interface that logged them), <c>account/instance:id</c> for queries whose
/// log names the instance, else <c>account/address:vpc/ip</c>. The endpoint grain key is <c>tenant/</c> and this.
/// </summary>
public static class EndpointKey
{
    /// <summary>Longest key kept as is; longer keys are shortened with a hash suffix.</summary>
    public const int MaxLength = GrainKeyText.MaxLength;

    public static string ForFlow(FlowRecord record)
    {
        var account = record.AccountId is null or "unknown" ? "unknown" : record.AccountId;
        var endpoint = record.InterfaceId is not null ? "eni:" + record.InterfaceId
            : record.InstanceId is not null ? "instance:" + record.InstanceId
            : "eni:(unknown)";
        return GrainKeyText.Bound($"{account}/{endpoint}");
    }

    public static string ForDns(DnsQueryRecord record)
    {
        var account = record.AccountId ?? "unknown";
        var instance = record.SourceIds?.Instance;
        var endpoint = instance is not null ? "instance:" + instance : $"address:{record.VpcId ?? "(no vpc)"}/{record.SourceAddress ?? "(no address)"}";
        return GrainKeyText.Bound($"{account}/{endpoint}");
    }

    public static string GrainKey(string tenantId, string endpointKey) => $"{tenantId}/{endpointKey}";
}
