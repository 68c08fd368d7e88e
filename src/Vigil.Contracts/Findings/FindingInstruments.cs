using System.Diagnostics.Metrics;

namespace Vigil.Contracts.Findings;

/// <summary>
/// The finding counters on the <c>Vigil</c> meter, each tagged with the finding <c>type</c>:
/// <c>vigil.findings.raised</c> (a finding stored for the first time), <c>vigil.findings.updated</c>
/// (more occurrences added to a stored finding) and <c>vigil.findings.suppressed</c> (a finding held
/// back or archived by suppression, tagged with the <c>reason</c>). They live here, in the contracts
/// every project references, so that detection, storage and the console record into one definition
/// of each instrument. The meter is static, like the threat-list lookup meter, because the callers
/// are built outside dependency injection; a listener that enables <c>Vigil</c> by name collects them.
/// Exported findings are counted by <c>vigil.export.findings</c>.
/// </summary>
public static class FindingInstruments
{
    public const string MeterName = "Vigil";

    /// <summary>The <c>reason</c> of a finding dropped because its tenant turned its type off.</summary>
    public const string TypeDisabled = "type_disabled";

    /// <summary>The <c>reason</c> of a finding that a suppression rule archived.</summary>
    public const string SuppressionRule = "suppression_rule";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Raised = Meter.CreateCounter<long>(
        "vigil.findings.raised", "{finding}", "Findings stored for the first time, by finding type.");

    private static readonly Counter<long> Updated = Meter.CreateCounter<long>(
        "vigil.findings.updated", "{finding}", "Writes that added occurrences to a stored finding, by finding type.");

    private static readonly Counter<long> Suppressed = Meter.CreateCounter<long>(
        "vigil.findings.suppressed",
        "{finding}",
        "Findings held back or archived by suppression, by finding type and reason (type_disabled: the tenant turned the type off; suppression_rule: a suppression rule archived it).");

    /// <summary>Counts one finding stored for the first time.</summary>
    public static void RecordRaised(string findingType) => Raised.Add(1, new KeyValuePair<string, object?>("type", findingType));

    /// <summary>Counts one write that added occurrences to a stored finding.</summary>
    public static void RecordUpdated(string findingType) => Updated.Add(1, new KeyValuePair<string, object?>("type", findingType));

    /// <summary>Counts one finding held back or archived, with <paramref name="reason"/> such as <see cref="TypeDisabled"/>.</summary>
    public static void RecordSuppressed(string findingType, string reason) =>
        Suppressed.Add(1, new KeyValuePair<string, object?>("type", findingType), new KeyValuePair<string, object?>("reason", reason));
}
