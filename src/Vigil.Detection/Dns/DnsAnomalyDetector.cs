using System.Globalization;
using System.Text;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Endpoints;
using Vigil.Detection.Findings;
using Vigil.Detection.Profiles;

namespace Vigil.Detection.Dns;

/// <summary>
/// Scores an endpoint's Resolver queries: tunnelling (DNSDataExfiltration), generated domains
/// (DGADomainRequest.B, with <see cref="DgaClassifier"/>) and domain reputation (the four
/// *DomainRequest.Reputation types, with <see cref="DomainReputation"/>), and counts the registrable
/// domains into the endpoint's profile. Queries for AWS's own domains and invalid names are skipped.
/// These rules do not wait for the learning period, because they judge the names themselves; the
/// profile only keeps a domain the endpoint already uses from raising again.
/// </summary>
public sealed class DnsAnomalyDetector(DgaClassifier? classifier, DnsAnomalyOptions options)
{
    /// <summary>The detector with the shipped model and default options.</summary>
    public static DnsAnomalyDetector Default { get; } = new(DgaClassifier.Default, DnsAnomalyOptions.Default);

    public DnsAnomalyOptions Options => options;

    /// <summary>Scores and counts the queries; <paramref name="windows"/> carries the windowed counts between calls.</summary>
    public IReadOnlyList<Finding> Inspect(IEnumerable<DnsQueryRecord> records, string endpointKey, DetectionContext context, EndpointProfile profile, DnsWindowState windows)
    {
        var raised = new List<Finding>();
        var checkTrusted = context.Intel.TrustedEntryCount > 0;
        foreach (var record in records)
        {
            var name = record.NormalizedQueryName;
            if (!record.IsQueryNameValid || name.Length == 0 || name == "." || !name.Contains('.', StringComparison.Ordinal))
            {
                continue;
            }

            if (checkTrusted && context.Intel.TryMatchTrustedDomain(name, out _))
            {
                continue;
            }

            var registrable = DomainNames.RegistrableDomain(name);
            if (DomainNames.AwsDomains.Contains(registrable) || name.EndsWith(".internal", StringComparison.Ordinal) || name.EndsWith(".arpa", StringComparison.Ordinal))
            {
                continue;
            }

            var time = record.QueryTimestamp;
            profile.Tick(time);
            var domainClass = profile.Classify(EndpointDimension.Domain, registrable, time);
            profile.Observe(EndpointDimension.Domain, registrable, time);
            var window = windows.For(time, options.Window);

            CheckTunnel(record, name, registrable, endpointKey, context, profile, window, raised);
            var probability = classifier?.Score(registrable) ?? 0f;
            if (domainClass is FrequencyClass.Unseen or FrequencyClass.Rare)
            {
                CheckDga(record, registrable, probability, endpointKey, context, profile, window, raised);
            }

            if (domainClass == FrequencyClass.Unseen)
            {
                CheckReputation(record, registrable, probability, endpointKey, context, profile, raised);
            }
        }

        return FindingAggregation.MergeById(raised);
    }

    private void CheckTunnel(
        DnsQueryRecord record, string name, string registrable, string endpointKey, DetectionContext context, EndpointProfile profile, DnsWindow? window, List<Finding> raised)
    {
        var subdomain = DomainNames.Subdomain(name, registrable);
        if (window is null || subdomain.Length < options.TunnelMinimumLength)
        {
            return;
        }

        var entropy = DomainNames.Entropy(subdomain);
        if (entropy < options.TunnelMinimumEntropy)
        {
            return;
        }

        var counts = window.Tunnel(registrable, options.MaxDomainsPerWindow);
        if (counts.Raised || !counts.Add(Hash(subdomain), subdomain.Length, entropy))
        {
            return;
        }

        if (counts.Unique < options.TunnelUniqueSubdomains)
        {
            return;
        }

        counts.Raised = true;
        var subject = record.SourceIds?.Instance ?? record.SourceAddress ?? "(unknown)";
        var averageLength = counts.LengthSum / counts.Unique;
        var averageEntropy = counts.EntropySum / counts.Unique;
        var unusual = new Dictionary<string, AnomalyObject>(StringComparer.Ordinal)
        {
            ["DOMAIN"] = EndpointFindingFactory.Frequency(profile.Classify(EndpointDimension.Domain, registrable, record.QueryTimestamp), [registrable]),
            ["UNIQUE_SUBDOMAINS"] = EndpointFindingFactory.Numbers("DNS_TUNNEL", "PER_WINDOW", [counts.Unique]),
            ["SUBDOMAIN_LENGTH"] = EndpointFindingFactory.Numbers("DNS_TUNNEL", "AVERAGE", [(long)Math.Round(averageLength)]),
        };
        var info = new Dictionary<string, string>
        {
            ["tunnel.registrableDomain"] = registrable,
            ["tunnel.uniqueSubdomains"] = counts.Unique.ToString(CultureInfo.InvariantCulture),
            ["tunnel.averageLength"] = averageLength.ToString("0.0", CultureInfo.InvariantCulture),
            ["tunnel.averageEntropy"] = averageEntropy.ToString("0.00", CultureInfo.InvariantCulture),
            ["tunnel.windowMinutes"] = options.Window.TotalMinutes.ToString(CultureInfo.InvariantCulture),
        };
        raised.Add(EndpointFindingFactory.ForDns(record, endpointKey, context,
            new FindingTemplate(EndpointAnomalyTypes.DnsDataExfiltration, 8.0,
                $"{subject} is querying a domain in a way that looks like data exfiltration through DNS.",
                $"{subject} queried {counts.Unique} distinct long, high-entropy names below {registrable} within {options.Window.TotalMinutes} minutes (average {averageLength:0} characters, {averageEntropy:0.0} bits a character), which is how DNS tunnels carry data."),
            EndpointFindingFactory.Anomaly(EndpointFindingFactory.Baseline(profile, record.QueryTimestamp, EndpointDimension.Domain), unusual), info));
    }

    private void CheckDga(
        DnsQueryRecord record, string registrable, float probability, string endpointKey, DetectionContext context, EndpointProfile profile, DnsWindow? window, List<Finding> raised)
    {
        if (window is null || probability < options.DgaThreshold || !window.AddDgaCandidate(registrable, options.MaxDomainsPerWindow))
        {
            return;
        }

        if (window.DgaCandidates.Count < options.DgaMinimumDomains)
        {
            return;
        }

        var subject = record.SourceIds?.Instance ?? record.SourceAddress ?? "(unknown)";
        var candidates = window.DgaCandidates.Take(20).ToList();
        var unusual = new Dictionary<string, AnomalyObject>(StringComparer.Ordinal)
        {
            ["DOMAIN"] = EndpointFindingFactory.Frequency(FrequencyClass.Unseen, candidates),
        };
        var info = new Dictionary<string, string>
        {
            ["dga.probability"] = probability.ToString("0.000", CultureInfo.InvariantCulture),
            ["dga.domainsInWindow"] = window.DgaCandidates.Count.ToString(CultureInfo.InvariantCulture),
            ["dga.domains"] = string.Join(' ', candidates),
        };
        raised.Add(EndpointFindingFactory.ForDns(record, endpointKey, context,
            new FindingTemplate(EndpointAnomalyTypes.DgaDomainRequest, 8.0,
                $"{subject} is querying algorithmically generated domains.",
                $"{subject} queried {window.DgaCandidates.Count} new domains within {options.Window.TotalMinutes} minutes that the DGA classifier scores as generated, the latest {registrable} (probability {probability:0.00}). Malware uses generated domains to find its command-and-control server."),
            EndpointFindingFactory.Anomaly(EndpointFindingFactory.Baseline(profile, record.QueryTimestamp, EndpointDimension.Domain), unusual), info));
    }

    private void CheckReputation(
        DnsQueryRecord record, string registrable, float probability, string endpointKey, DetectionContext context, EndpointProfile profile, List<Finding> raised)
    {
        var result = DomainReputation.Score(record, registrable, probability, context);
        var (type, severity, threshold, title) = result.Kind switch
        {
            ReputationKind.Malicious => (EndpointAnomalyTypes.MaliciousDomain, 8.0, options.MaliciousThreshold, "a low-reputation domain linked to known malicious addresses"),
            ReputationKind.Bitcoin => (EndpointAnomalyTypes.BitcoinDomain, 8.0, options.BitcoinThreshold, "a low-reputation domain linked to cryptocurrency"),
            ReputationKind.Abused => (EndpointAnomalyTypes.AbusedDomain, 5.0, options.AbusedThreshold, "a low-reputation domain of a commonly abused service"),
            _ => (EndpointAnomalyTypes.SuspiciousDomain, 2.0, options.SuspiciousThreshold, "a low-reputation domain"),
        };
        if (result.Score < threshold)
        {
            return;
        }

        var subject = record.SourceIds?.Instance ?? record.SourceAddress ?? "(unknown)";
        var unusual = new Dictionary<string, AnomalyObject>(StringComparer.Ordinal)
        {
            ["DOMAIN"] = EndpointFindingFactory.Frequency(FrequencyClass.Unseen, [registrable]),
        };
        var info = new Dictionary<string, string>
        {
            ["reputation.score"] = result.Score.ToString("0.00", CultureInfo.InvariantCulture),
            ["reputation.reasons"] = string.Join("; ", result.Reasons),
        };
        raised.Add(EndpointFindingFactory.ForDns(record, endpointKey, context,
            new FindingTemplate(type, severity,
                $"{subject} is querying {title}.",
                $"{subject} queried {record.NormalizedQueryName}, whose reputation score is {result.Score:0.00}: {string.Join("; ", result.Reasons)}."),
            EndpointFindingFactory.Anomaly(EndpointFindingFactory.Baseline(profile, record.QueryTimestamp, EndpointDimension.Domain), unusual), info));
    }

    /// <summary>Returns the first 64 bits of the SHA-256 of a name, so a window keeps 8 bytes per name and log writers cannot forge collisions.</summary>
    private static ulong Hash(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return BitConverter.ToUInt64(hash);
    }
}
