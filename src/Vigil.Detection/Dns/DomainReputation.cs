using System.Collections.Frozen;
using Vigil.Contracts.Events;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Detection.Dns;

/// <summary>
/// Vigil's domain reputation score, from 0 (nothing against the domain) to 1, and the reputation
/// finding type it points to. The score adds these parts and is capped at 1:
/// <list type="table">
/// <item><term>0.60</term><description>an answer address is on a tenant threat list or a platform list of malicious addresses, command and control, drop points or mining</description></item>
/// <item><term>0.50</term><description>a label contains a cryptocurrency or mining word (<see cref="CryptoWords"/>)</description></item>
/// <item><term>0.35</term><description>the registrable domain is a customer name of a dynamic DNS or free subdomain service (<see cref="DomainNames.AbusedServices"/>)</description></item>
/// <item><term>0.25</term><description>the top-level domain is one of <see cref="AbusedTopLevelDomains"/></description></item>
/// <item><term>0.35 × p</term><description>p is the DGA classifier's probability for the registrable domain</description></item>
/// <item><term>0.10 each</term><description>the second-level label has 20 or more characters, 30 % or more digits, or 3 or more hyphens</description></item>
/// </list>
/// The type is Malicious when an answer is listed, else Bitcoin with a crypto word, else Abused under
/// such a service, else Suspicious; each has its own threshold in <see cref="DnsAnomalyOptions"/>.
/// </summary>
public static class DomainReputation
{
    /// <summary>
    /// Top-level domains with a high share of abuse in public measurements (Spamhaus's "most abused
    /// TLDs" ranking and Interisle's phishing landscape reports name these repeatedly).
    /// </summary>
    public static FrozenSet<string> AbusedTopLevelDomains { get; } = FrozenSet.ToFrozenSet(
        ["tk", "ml", "ga", "cf", "gq", "xyz", "top", "icu", "buzz", "cyou", "rest", "cfd", "sbs", "monster", "click", "zip", "mov", "su", "pw", "ws", "cc", "kim", "work", "support", "live"],
        StringComparer.Ordinal);

    /// <summary>Words in mining-pool and cryptocurrency service names.</summary>
    public static IReadOnlyList<string> CryptoWords { get; } =
    [
        "bitcoin", "monero", "xmr", "miningpool", "minepool", "nicehash", "minergate", "nanopool", "f2pool", "2miners", "ethermine",
        "hashvault", "supportxmr", "coinhive", "cryptonight", "moneroocean", "unmineable", "herominers", "cryptopool", "coinpool",
        "btcpool", "ethpool", "litecoinpool", "stratum", "mining",
    ];

    private static readonly ThreatPurpose[] MaliciousPurposes = [ThreatPurpose.MaliciousIp, ThreatPurpose.CommandAndControl, ThreatPurpose.DropPoint, ThreatPurpose.CryptoMining];

    /// <summary>Scores a query whose registrable domain is <paramref name="registrable"/>.</summary>
    public static ReputationResult Score(DnsQueryRecord record, string registrable, float dgaProbability, DetectionContext context)
    {
        var reasons = new List<string>();
        var score = 0.0;

        string? listedAnswer = null;
        foreach (var answer in record.Answers)
        {
            if (answer.Rdata is { Length: > 0 and <= 64 } data && IsListed(data, context))
            {
                listedAnswer = data;
                break;
            }
        }

        if (listedAnswer is not null)
        {
            score += 0.6;
            reasons.Add($"answer {listedAnswer} is on a threat list");
        }

        var name = record.NormalizedQueryName;
        var crypto = CryptoWords.FirstOrDefault(word => name.Contains(word, StringComparison.Ordinal));
        if (crypto is not null)
        {
            score += 0.5;
            reasons.Add($"contains '{crypto}'");
        }

        var service = DomainNames.AbusedServiceOf(registrable);
        if (service is not null)
        {
            score += 0.35;
            reasons.Add($"is a name of the service {service}");
        }

        var tld = registrable[(registrable.LastIndexOf('.') + 1)..];
        if (AbusedTopLevelDomains.Contains(tld))
        {
            score += 0.25;
            reasons.Add($"top-level domain .{tld} is often abused");
        }

        score += 0.35 * dgaProbability;
        if (dgaProbability >= 0.5)
        {
            reasons.Add($"looks generated (probability {dgaProbability:0.00})");
        }

        var label = registrable[..Math.Max(0, registrable.IndexOf('.', StringComparison.Ordinal))];
        if (label.Length >= 20)
        {
            score += 0.1;
            reasons.Add("long second-level label");
        }

        if (label.Length > 0 && label.Count(char.IsAsciiDigit) >= 0.3 * label.Length)
        {
            score += 0.1;
            reasons.Add("many digits");
        }

        if (label.Count(character => character == '-') >= 3)
        {
            score += 0.1;
            reasons.Add("many hyphens");
        }

        var kind = listedAnswer is not null ? ReputationKind.Malicious
            : crypto is not null ? ReputationKind.Bitcoin
            : service is not null ? ReputationKind.Abused
            : ReputationKind.Suspicious;
        return new ReputationResult(Math.Min(1, score), kind, reasons);
    }

    private static bool IsListed(string address, DetectionContext context)
    {
        if (context.Intel.TryMatch(address, out _))
        {
            return true;
        }

        foreach (var purpose in MaliciousPurposes)
        {
            if (context.Intel.TryMatch(address, purpose, out _))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Which reputation finding type a score points to.</summary>
public enum ReputationKind
{
    Suspicious,
    Abused,
    Bitcoin,
    Malicious,
}

/// <summary>A reputation score, the type it points to and the reasons, for the finding's evidence.</summary>
public sealed record ReputationResult(double Score, ReputationKind Kind, IReadOnlyList<string> Reasons);
