using System.Collections.Frozen;
using System.Reflection;
using Vigil.Detection.Detectors;

namespace Vigil.Detection.Profiles;

/// <summary>The stage of an attack an API belongs to; each names one IAMUser/AnomalousBehavior finding type.</summary>
public enum AttackTactic
{
    CredentialAccess,
    DefenseEvasion,
    Discovery,
    Exfiltration,
    Impact,
    InitialAccess,
    Persistence,
    PrivilegeEscalation,
}

/// <summary>
/// Maps CloudTrail event names to attack tactics from the data file <c>Profiles/api-tactics.tsv</c>
/// (embedded in the assembly), which names its source. Unlisted names that start with List, Describe,
/// Get, Search or Lookup count as Discovery unless they return credentials.
/// </summary>
public sealed class ApiTactics
{
    private readonly FrozenDictionary<string, AttackTactic> tactics;

    private ApiTactics(FrozenDictionary<string, AttackTactic> tactics) => this.tactics = tactics;

    public static ApiTactics Default { get; } = Load();

    public int Count => tactics.Count;

    /// <summary>Returns the tactic of an API, or null when the API belongs to none.</summary>
    public AttackTactic? TacticOf(string? eventName)
    {
        if (string.IsNullOrEmpty(eventName))
        {
            return null;
        }

        if (tactics.TryGetValue(eventName, out var tactic))
        {
            return tactic;
        }

        return CustomThreatListCallerDetector.IsReconApi(eventName) ? AttackTactic.Discovery : null;
    }

    /// <summary>Parses the mapping: one <c>tactic TAB eventName [TAB note]</c> per line, <c>#</c> for comments.</summary>
    /// <exception cref="FormatException">A line names an unknown tactic, has no event name, or repeats an event name; the message gives the line.</exception>
    public static ApiTactics Parse(TextReader text)
    {
        var map = new Dictionary<string, AttackTactic>(StringComparer.Ordinal);
        var lineNumber = 0;
        while (text.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length < 2 || fields[1].Length == 0)
            {
                throw new FormatException($"API tactics line {lineNumber}: expected 'tactic TAB eventName', found '{line}'.");
            }

            if (!Enum.TryParse<AttackTactic>(fields[0], ignoreCase: false, out var tactic))
            {
                throw new FormatException($"API tactics line {lineNumber}: '{fields[0]}' is not a tactic; use one of {string.Join(", ", Enum.GetNames<AttackTactic>())}.");
            }

            if (!map.TryAdd(fields[1], tactic))
            {
                throw new FormatException($"API tactics line {lineNumber}: '{fields[1]}' is listed twice.");
            }
        }

        return new ApiTactics(map.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static ApiTactics Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Vigil.Detection.Profiles.api-tactics.tsv")
            ?? throw new InvalidOperationException("The embedded resource Vigil.Detection.Profiles.api-tactics.tsv is missing from the build.");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }
}
