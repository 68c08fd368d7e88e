namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// What the entries of a threat list are known for, which decides the finding types a match
/// raises. A tenant's own threat lists are <see cref="Custom"/> and raise the <c>.Custom</c> types.
/// Platform lists carry one of the other purposes, so an operator can plug in any feed and say
/// what it lists. docs/findings.md maps each purpose to its finding types.
/// </summary>
public enum ThreatPurpose
{
    /// <summary>A tenant's own threat list.</summary>
    Custom,

    /// <summary>Addresses known for malicious activity in general, such as compromised hosts or attack sources.</summary>
    MaliciousIp,

    /// <summary>Tor nodes: exit nodes, guards, relays and directory authorities.</summary>
    Tor,

    /// <summary>Command-and-control servers of malware and botnets (addresses or domains).</summary>
    CommandAndControl,

    /// <summary>Cryptocurrency and mining pools (addresses or domains).</summary>
    CryptoMining,

    /// <summary>Black-hole addresses, and domains that resolve to them.</summary>
    Blackhole,

    /// <summary>Drop points that receive stolen credentials or data (addresses or domains).</summary>
    DropPoint,

    /// <summary>Internet-wide scanners, such as research and search-engine scanners.</summary>
    Scanner,

    /// <summary>Domains produced by known domain generation algorithms.</summary>
    DgaDomain,

    /// <summary>Domains that serve drive-by downloads.</summary>
    DriveBySource,

    /// <summary>Phishing domains.</summary>
    Phishing,
}

/// <summary>Reads and writes the names of <see cref="ThreatPurpose"/> used in the database, the CLI and findings.</summary>
public static class ThreatPurposeNames
{
    private static readonly (ThreatPurpose Purpose, string Name)[] Names =
    [
        (ThreatPurpose.Custom, "custom"),
        (ThreatPurpose.MaliciousIp, "malicious-ip"),
        (ThreatPurpose.Tor, "tor"),
        (ThreatPurpose.CommandAndControl, "command-and-control"),
        (ThreatPurpose.CryptoMining, "crypto-mining"),
        (ThreatPurpose.Blackhole, "blackhole"),
        (ThreatPurpose.DropPoint, "drop-point"),
        (ThreatPurpose.Scanner, "scanner"),
        (ThreatPurpose.DgaDomain, "dga-domain"),
        (ThreatPurpose.DriveBySource, "drive-by-source"),
        (ThreatPurpose.Phishing, "phishing"),
    ];

    /// <summary>Every purpose name, in declaration order, for help text and error messages.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Names.Select(entry => entry.Name)];

    public static string NameOf(ThreatPurpose purpose) => Names[(int)purpose].Name;

    /// <summary>Parses a purpose name, ignoring case; the enum member names are accepted too.</summary>
    public static bool TryParse(string? text, out ThreatPurpose purpose)
    {
        foreach (var (value, name) in Names)
        {
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase) || string.Equals(text, value.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                purpose = value;
                return true;
            }
        }

        purpose = default;
        return false;
    }
}
