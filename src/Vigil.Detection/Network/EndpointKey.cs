using System.Security.Cryptography;
using System.Text;
using Vigil.Contracts.Events;

namespace Vigil.Detection.Network;

/// <summary>
/// Names the network endpoint that owns a flow record or DNS query: <c>account/eni:id</c> for flow
/// records (the network interface that logged them), <c>account/instance:id</c> for queries whose
/// log names the instance, else <c>account/address:vpc/ip</c>. The endpoint grain key is <c>tenant/</c> and this.
/// </summary>
public static class EndpointKey
{
    public const int MaxLength = 512;

    public static string ForFlow(FlowRecord record)
    {
        var account = record.AccountId is null or "unknown" ? "unknown" : record.AccountId;
        var endpoint = record.InterfaceId is not null ? "eni:" + record.InterfaceId
            : record.InstanceId is not null ? "instance:" + record.InstanceId
            : "eni:(unknown)";
        return Bound($"{account}/{endpoint}");
    }

    public static string ForDns(DnsQueryRecord record)
    {
        var account = record.AccountId ?? "unknown";
        var instance = record.SourceIds?.Instance;
        var endpoint = instance is not null ? "instance:" + instance : $"address:{record.VpcId ?? "(no vpc)"}/{record.SourceAddress ?? "(no address)"}";
        return Bound($"{account}/{endpoint}");
    }

    public static string GrainKey(string tenantId, string endpointKey) => $"{tenantId}/{endpointKey}";

    private static string Bound(string key)
    {
        if (key.Length <= MaxLength)
        {
            return key;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        return key[..(MaxLength - 17)] + "#" + hash;
    }
}
