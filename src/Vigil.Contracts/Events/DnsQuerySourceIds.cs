namespace Vigil.Contracts.Events;

/// <summary>
/// The <c>srcids</c> of a Resolver query log record. A query from an EC2 instance has
/// <see cref="Instance"/>; a query through an inbound Resolver endpoint has the endpoint and its
/// network interface.
/// </summary>
public sealed record DnsQuerySourceIds
{
    /// <summary>The <c>instance</c> id, such as <c>i-0123456789abcdef0</c>.</summary>
    public string? Instance { get; init; }

    /// <summary>The <c>resolver_endpoint</c> id, such as <c>rslvr-in-0123456789abcdef0</c>.</summary>
    public string? ResolverEndpoint { get; init; }

    /// <summary>The <c>resolver_network_interface</c> id, such as <c>rni-0123456789abcdef0</c>.</summary>
    public string? ResolverNetworkInterface { get; init; }
}
