namespace Vigil.Enrichment;

/// <summary>What the enrichment databases record about one source address.</summary>
/// <param name="Scope">Whether the address is public, private or not an address at all.</param>
/// <param name="Owner">The autonomous system, when an ASN database is loaded and contains the address.</param>
/// <param name="Place">The location, when a location database is loaded and contains the address.</param>
/// <param name="Aws">The AWS range that contains the address, when the AWS ranges are loaded.</param>
/// <param name="NetworkKey">
/// The key that stands for the caller's network in behaviour profiles: the ASN key when the owner is
/// known, otherwise the /24 (IPv4) or /48 (IPv6) network, <c>private</c> for private addresses, or
/// <c>service:</c> and the text for a non-address source such as <c>ec2.amazonaws.com</c>.
/// </param>
public readonly record struct IpEnrichment(IpAddressScope Scope, NetworkOwner? Owner, GeoPlace? Place, AwsNetwork? Aws, string NetworkKey)
{
    /// <summary>True when the address belongs to an AWS range, or when the source is an AWS service name rather than an address.</summary>
    public bool IsInsideAws => Aws is not null || Scope == IpAddressScope.NotAnAddress;
}
