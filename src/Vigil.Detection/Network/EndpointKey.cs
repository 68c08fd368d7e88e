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
        var (account, kind, id) = FlowParts(record);
        return GrainKeyText.Bound($"{account}/{kind}{id}");
    }

    /// <summary>
    /// The grain key of the record's endpoint, <c>GrainKey(tenantId, ForFlow(record))</c>. It is made as
    /// one string instead of three unless the endpoint key must be shortened, which only a key over <see cref="MaxLength"/> is.
    /// </summary>
    public static string GrainKeyForFlow(string tenantId, in FlowRecord record)
    {
        var (account, kind, id) = FlowParts(record);
        return account.Length + 1 + kind.Length + id.Length <= GrainKeyText.MaxLength
            ? $"{tenantId}/{account}/{kind}{id}"
            : GrainKey(tenantId, ForFlow(record));
    }

    public static string ForDns(DnsQueryRecord record)
    {
        var account = record.AccountId ?? "unknown";
        var instance = record.SourceIds?.Instance;
        var endpoint = instance is not null ? "instance:" + instance : $"address:{record.VpcId ?? "(no vpc)"}/{record.SourceAddress ?? "(no address)"}";
        return GrainKeyText.Bound($"{account}/{endpoint}");
    }

    /// <summary>The grain key of the query's endpoint, <c>GrainKey(tenantId, ForDns(record))</c>, made as one string for a query from an instance.</summary>
    public static string GrainKeyForDns(string tenantId, DnsQueryRecord record)
    {
        var account = record.AccountId ?? "unknown";
        return record.SourceIds?.Instance is { } instance && account.Length + 1 + "instance:".Length + instance.Length <= GrainKeyText.MaxLength
            ? $"{tenantId}/{account}/instance:{instance}"
            : GrainKey(tenantId, ForDns(record));
    }

    /// <summary>The account, the kind prefix and the id of a flow record's endpoint key.</summary>
    private static (string Account, string Kind, string Id) FlowParts(in FlowRecord record) =>
        (record.AccountId is null or "unknown" ? "unknown" : record.AccountId,
            record.InterfaceId is null && record.InstanceId is not null ? "instance:" : "eni:",
            record.InterfaceId ?? record.InstanceId ?? "(unknown)");

    public static string GrainKey(string tenantId, string endpointKey) => $"{tenantId}/{endpointKey}";
}
