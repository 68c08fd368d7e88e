using System.Collections.Frozen;

namespace Vigil.Detection.Endpoints;

/// <summary>
/// Addresses of public DNS-over-HTTPS resolvers, as each provider publishes them on its own setup
/// page (Google Public DNS, Cloudflare 1.1.1.1 and 1.1.1.1 for Families, Quad9, Cisco OpenDNS,
/// AdGuard DNS, CleanBrowsing). A connection on port 443 to one of them is DoH traffic, because these
/// addresses serve DNS and nothing else on that port.
/// </summary>
public static class DohServers
{
    private static readonly FrozenDictionary<string, string> Providers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["8.8.8.8"] = "Google Public DNS",
        ["8.8.4.4"] = "Google Public DNS",
        ["2001:4860:4860::8888"] = "Google Public DNS",
        ["2001:4860:4860::8844"] = "Google Public DNS",
        ["1.1.1.1"] = "Cloudflare",
        ["1.0.0.1"] = "Cloudflare",
        ["1.1.1.2"] = "Cloudflare for Families",
        ["1.0.0.2"] = "Cloudflare for Families",
        ["1.1.1.3"] = "Cloudflare for Families",
        ["1.0.0.3"] = "Cloudflare for Families",
        ["2606:4700:4700::1111"] = "Cloudflare",
        ["2606:4700:4700::1001"] = "Cloudflare",
        ["9.9.9.9"] = "Quad9",
        ["149.112.112.112"] = "Quad9",
        ["9.9.9.11"] = "Quad9",
        ["149.112.112.11"] = "Quad9",
        ["2620:fe::fe"] = "Quad9",
        ["2620:fe::9"] = "Quad9",
        ["208.67.222.222"] = "Cisco OpenDNS",
        ["208.67.220.220"] = "Cisco OpenDNS",
        ["2620:119:35::35"] = "Cisco OpenDNS",
        ["2620:119:53::53"] = "Cisco OpenDNS",
        ["94.140.14.14"] = "AdGuard DNS",
        ["94.140.15.15"] = "AdGuard DNS",
        ["185.228.168.9"] = "CleanBrowsing",
        ["185.228.169.9"] = "CleanBrowsing",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Returns the provider of a DoH resolver address, or null for any other address.</summary>
    public static string? ProviderOf(string address)
    {
        if (Providers.TryGetValue(address, out var provider))
        {
            return provider;
        }

        // IPv6 text may be written without the :: compression that the table uses.
        return address.Contains(':', StringComparison.Ordinal) && System.Net.IPAddress.TryParse(address, out var parsed)
            ? Providers.GetValueOrDefault(parsed.ToString())
            : null;
    }
}
