using Vigil.Cli.Evaluation;
using Vigil.Cli.Simulation.Scenario;

namespace Vigil.EndToEnd.Tests;

/// <summary>A small estate scenario written by the simulator and scored by the evaluator through the real grains.</summary>
public sealed class ScenarioEvaluationTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-scenario-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Estate_PlantedAttacksAreFound()
    {
        var options = new ScenarioOptions { Seed = 5, Weeks = 3, Users = 10 };
        var truth = new EstateScenario(options).Write(folder);

        var outcome = await new ScenarioEvaluation().RunAsync(folder, [], null, CancellationToken.None);

        Assert.Equal(16, truth.Attacks.Count);
        Assert.Equal(truth.Attacks.Count, GroundTruth.Read(Path.Combine(folder, GroundTruth.FileName)).Attacks.Count);
        Assert.True(truth.PrincipalDaysAfterLearning > 0);
        Assert.True(truth.EndpointDaysAfterLearning > 0);
        foreach (var kind in outcome.Result.Kinds)
        {
            Assert.True(kind.Found == kind.Planted, $"{kind.Kind}: {kind.Found} of {kind.Planted} found");
        }

        Assert.All(outcome.Result.Types.Where(type => type.Planted > 0), type => Assert.Equal(1.0, type.Recall));
    }

    [Fact]
    public async Task ActivityModel_ComparesWithRulesOnInsiderReads()
    {
        var truth = new EstateScenario(new ScenarioOptions { Seed = 5, Weeks = 3, Users = 10, PlantInsider = true }).Write(folder);

        var comparison = await ActivityModelExperiment.RunAsync(folder, truth, CancellationToken.None);

        var insider = Assert.Single(truth.Attacks, attack => attack.Kind == "insider-bulk-read");
        Assert.Equal([EstateScenario.ActivityUnusualType], insider.ExpectedTypes);
        Assert.Equal(1, comparison.TrainingRuns);
        Assert.Equal(ActivityModelExperiment.Ranks.Length * ActivityModelExperiment.Thresholds.Length, comparison.Models.Count);
        Assert.All(comparison.Models, model => Assert.Equal(1, model.AttacksPlanted));
        Assert.Equal(1, comparison.CountRule.AttacksFound);
        Assert.True(comparison.HoursScored > 0);
    }

    [Fact]
    public void Estate_SameSeedSameGroundTruth()
    {
        var first = new EstateScenario(new ScenarioOptions { Seed = 9, Weeks = 3, Users = 4 }).Write(Path.Combine(folder, "a"));
        var second = new EstateScenario(new ScenarioOptions { Seed = 9, Weeks = 3, Users = 4 }).Write(Path.Combine(folder, "b"));

        Assert.Equal(
            File.ReadAllText(Path.Combine(folder, "a", GroundTruth.FileName)),
            File.ReadAllText(Path.Combine(folder, "b", GroundTruth.FileName)));
        Assert.Equal(first.PrincipalDaysAfterLearning, second.PrincipalDaysAfterLearning);
    }

    [Fact]
    public void Score_MatchNeedsTypeResourceAndTime()
    {
        var attack = new PlantedAttack
        {
            Id = "port-scan-1",
            Kind = "port-scan",
            Description = "scan",
            ExpectedTypes = ["Recon:EC2/Portscan"],
            AcceptableTypes = ["Behavior:EC2/NetworkPortUnusual"],
            Resources = ["i-0a1", "eni-0a1"],
            WindowStart = new DateTimeOffset(2026, 10, 20, 10, 0, 0, TimeSpan.Zero),
            WindowEnd = new DateTimeOffset(2026, 10, 20, 10, 4, 0, TimeSpan.Zero),
        };
        var at = attack.WindowStart.AddMinutes(2);

        Assert.True(ScenarioScore.Matches(Occurrence("Recon:EC2/Portscan", "eni-0a1", at), attack));
        Assert.True(ScenarioScore.Matches(Occurrence("Behavior:EC2/NetworkPortUnusual", "eni-0a1", at), attack));
        Assert.False(ScenarioScore.Matches(Occurrence("Backdoor:EC2/Beaconing.Flow", "eni-0a1", at), attack));
        Assert.False(ScenarioScore.Matches(Occurrence("Recon:EC2/Portscan", "eni-0b2", at), attack));
        Assert.False(ScenarioScore.Matches(Occurrence("Recon:EC2/Portscan", "eni-0a1", attack.WindowEnd.AddHours(3)), attack));
    }

    [Fact]
    public void Score_MatchedFinding_NotCountedFalse()
    {
        var attack = new PlantedAttack
        {
            Id = "port-scan-1",
            Kind = "port-scan",
            Description = "scan",
            ExpectedTypes = ["Recon:EC2/Portscan"],
            Resources = ["eni-0a1"],
            WindowStart = new DateTimeOffset(2026, 10, 20, 6, 0, 0, TimeSpan.Zero),
            WindowEnd = new DateTimeOffset(2026, 10, 20, 6, 4, 0, TimeSpan.Zero),
        };
        var truth = new GroundTruth
        {
            Scenario = "estate",
            Seed = 1,
            AccountId = "210987654321",
            Start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero),
            End = new DateTimeOffset(2026, 10, 30, 0, 0, 0, TimeSpan.Zero),
            LearningDays = 14,
            PrincipalDaysAfterLearning = 100,
            EndpointDaysAfterLearning = 100,
            Attacks = [attack],
        };
        var inWindow = Occurrence("Recon:EC2/Portscan", "eni-0a1", attack.WindowStart.AddMinutes(1));
        var sameFindingLater = Occurrence("Recon:EC2/Portscan", "eni-0a1", attack.WindowEnd.AddHours(6));
        var otherDay = Occurrence("Recon:EC2/Portscan", "eni-0a1", attack.WindowEnd.AddDays(1));

        var result = ScenarioScore.Score(truth, [inWindow, sameFindingLater, otherDay]);

        var row = Assert.Single(result.Types);
        Assert.Equal(1, row.TrueFindings);
        Assert.Equal(1, row.FalseFindings);
        Assert.Equal(otherDay.Service.EventFirstSeen, Assert.Single(result.FalseFindings).Service.EventFirstSeen);
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Contracts.Findings.Finding Occurrence(string type, string networkInterface, DateTimeOffset time) => new()
    {
        AccountId = "210987654321",
        Region = "us-east-1",
        Id = "0123456789abcdef0123456789abcdef",
        Arn = "arn:aws:guardduty:us-east-1:210987654321:detector/vigil/finding/0123456789abcdef0123456789abcdef",
        Type = type,
        Resource = new Contracts.Findings.FindingResource
        {
            ResourceType = "Instance",
            InstanceDetails = new Contracts.Findings.InstanceDetails { NetworkInterfaces = [new Contracts.Findings.NetworkInterfaceDetails { NetworkInterfaceId = networkInterface }] },
        },
        Service = new Contracts.Findings.FindingService
        {
            DetectorId = "vigil",
            Action = new Contracts.Findings.FindingAction { ActionType = "NETWORK_CONNECTION" },
            Count = 1,
            EventFirstSeen = time,
            EventLastSeen = time,
            ResourceRole = "ACTOR",
        },
        Severity = 5,
        CreatedAt = time,
        UpdatedAt = time,
        Title = "title",
        Description = "description",
    };
}
