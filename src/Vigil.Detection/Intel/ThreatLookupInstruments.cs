using System.Diagnostics.Metrics;

namespace Vigil.Detection.Intel;

/// <summary>
/// Counts lookups in the threat lists (<c>vigil.intel.lookups</c>) by kind (<c>address</c>, <c>domain</c>)
/// and result: <c>match</c>, <c>trusted</c> (a threat entry contains the value but a trusted entry
/// exempts it) or <c>none</c>. The meter is static because snapshots are built outside dependency
/// injection. It is named <c>Vigil</c> like the host's own meter, so a meter listener that enables
/// <c>Vigil</c> by name also collects these counts.
/// </summary>
public static class ThreatLookupInstruments
{
    public const string MeterName = "Vigil";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Lookups = Meter.CreateCounter<long>(
        "vigil.intel.lookups",
        "{lookup}",
        "Threat list lookups of addresses and domains, by kind and result (match, trusted, none).");

    // The tags are built once, so recording a lookup allocates nothing.
    private static readonly KeyValuePair<string, object?> AddressKind = new("kind", "address");
    private static readonly KeyValuePair<string, object?> DomainKind = new("kind", "domain");
    private static readonly KeyValuePair<string, object?> MatchResult = new("result", "match");
    private static readonly KeyValuePair<string, object?> TrustedResult = new("result", "trusted");
    private static readonly KeyValuePair<string, object?> NoneResult = new("result", "none");

    /// <summary>Counts one lookup.</summary>
    public static void Record(ThreatLookupKind kind, ThreatLookupResult result)
    {
        if (!Lookups.Enabled)
        {
            return;
        }

        var kindTag = kind == ThreatLookupKind.Domain ? DomainKind : AddressKind;
        var resultTag = result switch
        {
            ThreatLookupResult.Match => MatchResult,
            ThreatLookupResult.Trusted => TrustedResult,
            _ => NoneResult,
        };
        Lookups.Add(1, kindTag, resultTag);
    }
}

/// <summary>What a threat list lookup searched for.</summary>
public enum ThreatLookupKind
{
    Address,
    Domain,
}

/// <summary>How a threat list lookup ended.</summary>
public enum ThreatLookupResult
{
    /// <summary>No threat entry contains the value, or the value is not a valid address or name.</summary>
    None,

    /// <summary>A threat entry contains the value.</summary>
    Match,

    /// <summary>A threat entry contains the value, but a trusted entry exempts it.</summary>
    Trusted,
}
