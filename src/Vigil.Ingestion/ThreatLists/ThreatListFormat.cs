namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// The file formats a threat or trusted list can be written in. The first six are the formats GuardDuty
/// accepts for its lists (API names <c>TXT</c>, <c>STIX</c>, <c>OTX_CSV</c>, <c>ALIEN_VAULT</c>,
/// <c>PROOF_POINT</c>, <c>FIRE_EYE</c>); <see cref="Csv"/> is Vigil's own.
/// </summary>
public enum ThreatListFormat
{
    /// <summary>One IP address, CIDR range, domain or URL a line; <c>#</c> starts a comment.</summary>
    Txt,

    /// <summary>A STIX 2.1 bundle in JSON; indicators with STIX patterns are read.</summary>
    Stix,

    /// <summary>The CSV export of an AlienVault OTX pulse: columns <c>Indicator type</c>, <c>Indicator</c>, <c>Description</c>.</summary>
    OtxCsv,

    /// <summary>The AlienVault IP reputation feed: <c>ip#risk#reliability#activity#country#city#lat,lon#x</c> lines.</summary>
    AlienVault,

    /// <summary>Proofpoint Emerging Threats: the block list text (one address or range a line) or the IQRisk CSV (<c>ip,category,score</c>).</summary>
    ProofPoint,

    /// <summary>The CSV indicator export of FireEye iSIGHT Threat Intelligence, read by header name.</summary>
    FireEye,

    /// <summary>Any CSV file with the entries in one column, chosen by <see cref="ListParserOptions.CsvColumn"/>.</summary>
    Csv,
}

/// <summary>Whether a list contains threats, which produce findings, or trusted entries, which suppress them.</summary>
public enum ThreatListKind
{
    Threat,
    Trusted,
}
