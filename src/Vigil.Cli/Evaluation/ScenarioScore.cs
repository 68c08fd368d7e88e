using Vigil.Cli.Simulation.Scenario;
using Vigil.Contracts.Findings;

namespace Vigil.Cli.Evaluation;

/// <summary>
/// Scores finding occurrences against a scenario's ground truth.
/// <list type="bullet">
/// <item>An occurrence matches an attack when its type is one of the attack's expected or acceptable
/// types, its resource names one of the attack's resources (user or role name, access key, instance or
/// network interface), and its event times overlap the attack's window widened by
/// <see cref="LeadTolerance"/> before and <see cref="LagTolerance"/> after.</item>
/// <item>A finding as an analyst sees it is one finding id on one UTC day: occurrences of one id on one
/// day count once. A finding with a matched occurrence is true, the others are false; false findings are
/// counted only from the end of the learning period.</item>
/// <item>Recall of a type is the share of attacks expecting it that have a matching occurrence of it.</item>
/// </list>
/// </summary>
internal static class ScenarioScore
{
    public static readonly TimeSpan LeadTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Detections that need an hour of traffic (beaconing, the DNS hour windows) raise up to an hour after the last event.</summary>
    public static readonly TimeSpan LagTolerance = TimeSpan.FromHours(2);

    public static EvaluationResult Score(GroundTruth truth, IReadOnlyList<Finding> occurrences)
    {
        var learningEnd = truth.Start.AddDays(truth.LearningDays);
        var found = new HashSet<(string AttackId, string Type)>();
        var trueGroups = new HashSet<(string Id, DateOnly Day)>();
        var falseGroups = new Dictionary<(string Id, DateOnly Day), Finding>();
        foreach (var occurrence in occurrences)
        {
            var matched = false;
            foreach (var attack in truth.Attacks)
            {
                if (Matches(occurrence, attack))
                {
                    matched = true;
                    found.Add((attack.Id, occurrence.Type));
                }
            }

            var key = (occurrence.Id, DateOnly.FromDateTime(occurrence.Service.EventFirstSeen.UtcDateTime));
            if (matched)
            {
                trueGroups.Add(key);
            }
            else if (occurrence.Service.EventLastSeen >= learningEnd)
            {
                falseGroups.TryAdd(key, occurrence);
            }
        }

        // A finding that matched an attack on that day is a true finding, also for its occurrences outside the attack's window.
        foreach (var key in trueGroups)
        {
            falseGroups.Remove(key);
        }

        var typeOfId = occurrences.GroupBy(item => item.Id).ToDictionary(group => group.Key, group => group.First().Type, StringComparer.Ordinal);
        var types = truth.Attacks.SelectMany(attack => attack.ExpectedTypes)
            .Concat(typeOfId.Values)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        var rows = new List<TypeScore>();
        foreach (var type in types)
        {
            var expecting = truth.Attacks.Where(attack => attack.ExpectedTypes.Contains(type)).ToList();
            rows.Add(new TypeScore(
                type,
                expecting.Count,
                expecting.Count(attack => found.Contains((attack.Id, type))),
                trueGroups.Count(group => typeOfId[group.Id] == type),
                falseGroups.Keys.Count(group => typeOfId[group.Id] == type)));
        }

        var kinds = truth.Attacks.GroupBy(attack => attack.Kind)
            .Select(group => new KindScore(group.Key, group.Count(), group.Count(attack => attack.ExpectedTypes.All(type => found.Contains((attack.Id, type))))))
            .OrderBy(kind => kind.Kind, StringComparer.Ordinal)
            .ToList();
        var missed = truth.Attacks.Where(attack => !attack.ExpectedTypes.All(type => found.Contains((attack.Id, type)))).ToList();
        var falseFindings = falseGroups.Values.OrderBy(item => item.Service.EventFirstSeen).ToList();
        return new EvaluationResult(truth, rows, kinds, missed, falseFindings);
    }

    /// <summary>True when the occurrence's type, resource and time fit the attack.</summary>
    public static bool Matches(Finding occurrence, PlantedAttack attack)
    {
        if (!attack.ExpectedTypes.Contains(occurrence.Type) && !attack.AcceptableTypes.Contains(occurrence.Type))
        {
            return false;
        }

        if (occurrence.Service.EventLastSeen < attack.WindowStart - LeadTolerance || occurrence.Service.EventFirstSeen > attack.WindowEnd + LagTolerance)
        {
            return false;
        }

        return ResourceNames(occurrence).Any(name => attack.Resources.Contains(name, StringComparer.Ordinal));
    }

    /// <summary>Returns the identifiers a finding's resource carries.</summary>
    public static IEnumerable<string> ResourceNames(Finding finding)
    {
        var keys = finding.Resource.AccessKeyDetails;
        var instance = finding.Resource.InstanceDetails;
        string?[] names =
        [
            keys?.UserName, keys?.AccessKeyId, keys?.PrincipalId, instance?.InstanceId,
            .. instance?.NetworkInterfaces?.Select(item => item.NetworkInterfaceId) ?? [],
        ];
        return names.OfType<string>();
    }

    /// <summary>True for findings about IAM principals (counted against principal-days); the others are about endpoints.</summary>
    public static bool IsPrincipalFinding(Finding finding) => finding.Resource.AccessKeyDetails is not null;
}

/// <summary>Recall and precision of one finding type: attacks expecting it and found, and true and false findings (finding id and day).</summary>
internal sealed record TypeScore(string Type, int Planted, int Found, int TrueFindings, int FalseFindings)
{
    public double? Recall => Planted == 0 ? null : Found / (double)Planted;

    public double? Precision => TrueFindings + FalseFindings == 0 ? null : TrueFindings / (double)(TrueFindings + FalseFindings);
}

/// <summary>Attacks of one kind planted and found with every expected type.</summary>
internal sealed record KindScore(string Kind, int Planted, int Found);

/// <summary>The outcome of scoring a scenario.</summary>
internal sealed record EvaluationResult(
    GroundTruth Truth, IReadOnlyList<TypeScore> Types, IReadOnlyList<KindScore> Kinds, IReadOnlyList<PlantedAttack> Missed, IReadOnlyList<Finding> FalseFindings)
{
    public int FalsePrincipalFindings => FalseFindings.Count(ScenarioScore.IsPrincipalFinding);

    public int FalseEndpointFindings => FalseFindings.Count - FalsePrincipalFindings;

    public double FalsePerThousandPrincipalDays => Rate(FalsePrincipalFindings, Truth.PrincipalDaysAfterLearning);

    public double FalsePerThousandEndpointDays => Rate(FalseEndpointFindings, Truth.EndpointDaysAfterLearning);

    public double FalsePerThousandEntityDays => Rate(FalseFindings.Count, Truth.PrincipalDaysAfterLearning + Truth.EndpointDaysAfterLearning);

    /// <summary>Recall of at least 0.9 for every planted type and at most one false finding per 1,000 principal-days and per 1,000 endpoint-days.</summary>
    public bool TargetsMet =>
        Types.Where(type => type.Planted > 0).All(type => type.Recall >= 0.9)
        && FalsePerThousandPrincipalDays <= 1.0
        && FalsePerThousandEndpointDays <= 1.0;

    private static double Rate(int count, int days) => days == 0 ? 0 : count * 1000.0 / days;
}
