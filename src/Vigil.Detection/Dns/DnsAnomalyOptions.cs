namespace Vigil.Detection.Dns;

/// <summary>Thresholds of the DNS model detections; docs/profiles.md gives the reasons for the defaults.</summary>
public sealed record DnsAnomalyOptions
{
    public static DnsAnomalyOptions Default { get; } = new();

    /// <summary>Length of the tumbling event-time windows of the tunnelling and DGA rules (default 1 hour).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Registrable domains tracked per window; when full, the one with the fewest encoded-looking names is dropped (default 256).</summary>
    public int MaxDomainsPerWindow { get; init; } = 256;

    /// <summary>Shortest subdomain part (all labels below the registrable domain, dots included) that counts as carrying data (default 20 characters).</summary>
    public int TunnelMinimumLength { get; init; } = 20;

    /// <summary>Lowest Shannon entropy of the subdomain part's characters that counts as carrying data (default 3.5 bits a character).</summary>
    public double TunnelMinimumEntropy { get; init; } = 3.5;

    /// <summary>Distinct data-carrying subdomains of one registrable domain in one window that make DNSDataExfiltration (default 50).</summary>
    public int TunnelUniqueSubdomains { get; init; } = 50;

    /// <summary>
    /// Classifier probability from which a registrable domain counts as generated (default 0.97, where
    /// about 1.3 % of the held-out benign names of <c>vigil train</c> score as high).
    /// </summary>
    public double DgaThreshold { get; init; } = 0.97;

    /// <summary>Distinct generated-looking registrable domains, new to the endpoint, in one window that raise DGADomainRequest.B (default 2).</summary>
    public int DgaMinimumDomains { get; init; } = 2;

    /// <summary>Reputation score from which a domain under a dynamic DNS or free subdomain service raises AbusedDomainRequest (default 0.35).</summary>
    public double AbusedThreshold { get; init; } = 0.35;

    /// <summary>Reputation score from which a domain with cryptocurrency words raises BitcoinDomainRequest (default 0.5).</summary>
    public double BitcoinThreshold { get; init; } = 0.5;

    /// <summary>Reputation score from which a domain that resolves to a listed address raises MaliciousDomainRequest (default 0.6).</summary>
    public double MaliciousThreshold { get; init; } = 0.6;

    /// <summary>Reputation score from which any other domain raises SuspiciousDomainRequest (default 0.65).</summary>
    public double SuspiciousThreshold { get; init; } = 0.65;
}
