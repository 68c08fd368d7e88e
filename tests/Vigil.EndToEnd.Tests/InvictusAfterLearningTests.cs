using Vigil.Cli.Evaluation;
using Vigil.Cli.Simulation.Scenario;
using Vigil.EndToEnd.Tests.Infrastructure;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// The public Stratus Red Team CloudTrail data (account 123837392027, 2023-07-10) replayed after three
/// weeks of simulated routine activity of the same account, in which its two users work as operators.
/// Runs only when VIGIL_SHARED_DATA names the sample data folder.
/// </summary>
public sealed class InvictusAfterLearningTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-invictus-learning-" + Guid.NewGuid().ToString("N"));

    private static string InvictusFolder => Path.Combine(SharedDataFactAttribute.Folder, "cloudtrail", "invictus-ir_aws_dataset");

    [SharedDataFact]
    public async Task Replay_AfterLearning_RaisesTacticFindings()
    {
        var scenario = new EstateScenario(new ScenarioOptions
        {
            Seed = 3,
            Weeks = 3,
            Users = 8,
            UserNames = ["bert-jan", "benjamin"],
            AccountId = "123837392027",
            Start = new DateTimeOffset(2023, 6, 19, 0, 0, 0, TimeSpan.Zero),
            PlantAttacks = false,
        });
        scenario.Write(folder);

        var outcome = await new ScenarioEvaluation().RunAsync(folder, [InvictusFolder], null, CancellationToken.None);

        Assert.Empty(outcome.Result.FalseFindings);
        var (_, occurrences) = Assert.Single(outcome.Extra);
        var raised = occurrences.Select(item => (item.Type, User: item.Resource.AccessKeyDetails?.UserName)).ToHashSet();
        Assert.Contains(("Persistence:IAMUser/AnomalousBehavior", "bert-jan"), raised);
        Assert.Contains(("PrivilegeEscalation:IAMUser/AnomalousBehavior", "bert-jan"), raised);
        Assert.Contains(("DefenseEvasion:IAMUser/AnomalousBehavior", "bert-jan"), raised);
        Assert.Contains(("CredentialAccess:IAMUser/AnomalousBehavior", "bert-jan"), raised);
        Assert.Contains(("Exfiltration:IAMUser/AnomalousBehavior", "bert-jan"), raised);
        Assert.Contains(("Discovery:IAMUser/AnomalousBehavior", "benjamin"), raised);
        Assert.Contains(("Stealth:IAMUser/CloudTrailLoggingDisabled", "bert-jan"), raised);
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
