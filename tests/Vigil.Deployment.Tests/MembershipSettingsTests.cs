using Orleans.Configuration;
using Vigil.Host.Configuration;

namespace Vigil.Deployment.Tests;

/// <summary>The <c>Vigil:Cluster:Membership</c> settings, their mapping to Orleans and their validation.</summary>
public sealed class MembershipSettingsTests
{
    [Fact]
    public void Defaults_EqualOrleansDefaults()
    {
        var orleans = new ClusterMembershipOptions();
        var mapped = new ClusterMembershipOptions();

        new MembershipSettings().ApplyTo(mapped);

        Assert.Equal(orleans.ProbeTimeout, mapped.ProbeTimeout);
        Assert.Equal(orleans.NumMissedProbesLimit, mapped.NumMissedProbesLimit);
        Assert.Equal(orleans.NumProbedSilos, mapped.NumProbedSilos);
        Assert.Equal(orleans.NumVotesForDeathDeclaration, mapped.NumVotesForDeathDeclaration);
        Assert.Equal(orleans.DeathVoteExpirationTimeout, mapped.DeathVoteExpirationTimeout);
        Assert.Equal(orleans.TableRefreshTimeout, mapped.TableRefreshTimeout);
        Assert.Equal(orleans.IAmAliveTablePublishTimeout, mapped.IAmAliveTablePublishTimeout);
        Assert.Equal(orleans.MaxJoinAttemptTime, mapped.MaxJoinAttemptTime);
    }

    [Fact]
    public void ApplyTo_CopiesEverySetting()
    {
        var settings = new MembershipSettings
        {
            ProbeTimeoutSeconds = 1.5,
            MissedProbesLimit = 2,
            ProbedSilos = 4,
            VotesForDeathDeclaration = 1,
            DeathVoteExpirationSeconds = 20,
            TableRefreshSeconds = 2,
            IAmAlivePublishSeconds = 7,
            MaxJoinAttemptSeconds = 45,
        };
        var mapped = new ClusterMembershipOptions();

        settings.ApplyTo(mapped);

        Assert.Equal(TimeSpan.FromSeconds(1.5), mapped.ProbeTimeout);
        Assert.Equal(2, mapped.NumMissedProbesLimit);
        Assert.Equal(4, mapped.NumProbedSilos);
        Assert.Equal(1, mapped.NumVotesForDeathDeclaration);
        Assert.Equal(TimeSpan.FromSeconds(20), mapped.DeathVoteExpirationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), mapped.TableRefreshTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), mapped.IAmAliveTablePublishTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), mapped.MaxJoinAttemptTime);
    }

    [Fact]
    public void Validate_Defaults_NoFailure()
    {
        var result = new VigilHostOptionsValidator().Validate(null, Valid());

        Assert.True(result.Succeeded, string.Join("\n", result.Failures ?? []));
    }

    [Fact]
    public void Validate_FaultTestTimings_NoFailure()
    {
        var options = Valid();
        options.Cluster.Membership = new MembershipSettings
        {
            ProbeTimeoutSeconds = 1,
            MissedProbesLimit = 2,
            ProbedSilos = 2,
            VotesForDeathDeclaration = 1,
            DeathVoteExpirationSeconds = 10,
            TableRefreshSeconds = 1,
            IAmAlivePublishSeconds = 5,
            MaxJoinAttemptSeconds = 60,
        };

        var result = new VigilHostOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, string.Join("\n", result.Failures ?? []));
    }

    [Theory]
    [InlineData("ProbeTimeoutSeconds", "Vigil:Cluster:Membership:ProbeTimeoutSeconds is 0")]
    [InlineData("MissedProbesLimit", "Vigil:Cluster:Membership:MissedProbesLimit is 0")]
    [InlineData("ProbedSilos", "Vigil:Cluster:Membership:ProbedSilos is 0")]
    [InlineData("VotesForDeathDeclaration", "Vigil:Cluster:Membership:VotesForDeathDeclaration is 0")]
    [InlineData("DeathVoteExpirationSeconds", "Vigil:Cluster:Membership:DeathVoteExpirationSeconds is 0")]
    [InlineData("TableRefreshSeconds", "Vigil:Cluster:Membership:TableRefreshSeconds is 0")]
    [InlineData("IAmAlivePublishSeconds", "Vigil:Cluster:Membership:IAmAlivePublishSeconds is 0")]
    [InlineData("MaxJoinAttemptSeconds", "Vigil:Cluster:Membership:MaxJoinAttemptSeconds is 0")]
    public void Validate_Zero_NamesKey(string property, string expected)
    {
        var options = Valid();
        var membership = options.Cluster.Membership;
        var setting = typeof(MembershipSettings).GetProperty(property)!;
        setting.SetValue(membership, Convert.ChangeType(0, setting.PropertyType, System.Globalization.CultureInfo.InvariantCulture));

        var result = new VigilHostOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, failure => failure.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MoreVotesThanProbers_Rejected()
    {
        var options = Valid();
        options.Cluster.Membership.ProbedSilos = 2;
        options.Cluster.Membership.VotesForDeathDeclaration = 3;

        var result = new VigilHostOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, failure => failure.Contains("no silo could ever be declared dead", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_VotesExpireTooSoon_Rejected()
    {
        var options = Valid();
        options.Cluster.Membership.ProbeTimeoutSeconds = 5;
        options.Cluster.Membership.MissedProbesLimit = 3;
        options.Cluster.Membership.DeathVoteExpirationSeconds = 15;

        var result = new VigilHostOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, failure => failure.StartsWith("Vigil:Cluster:Membership:DeathVoteExpirationSeconds (15) must be longer", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(2, 20, "Vigil:Ingest:LeaseSeconds is 2")]
    [InlineData(3601, 20, "Vigil:Ingest:LeaseSeconds is 3601")]
    [InlineData(120, -1, "Vigil:Ingest:DrainSeconds is -1")]
    public void Validate_LeaseAndDrain_OutOfRange(int leaseSeconds, int drainSeconds, string expected)
    {
        var options = Valid();
        options.Ingest.LeaseSeconds = leaseSeconds;
        options.Ingest.DrainSeconds = drainSeconds;

        var result = new VigilHostOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, failure => failure.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UndefinedStateFormat_Rejected()
    {
        var options = Valid();
        options.Grains.StateFormat = (GrainStateFormat)7;

        var result = new VigilHostOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, failure => failure.StartsWith("Vigil:Grains:StateFormat is 7", StringComparison.Ordinal));
    }

    [Fact]
    public void StateFormat_DefaultsToBinary() => Assert.Equal(GrainStateFormat.Binary, Valid().Grains.StateFormat);

    private static VigilHostOptions Valid() => new()
    {
        Database = new DatabaseSettings { ConnectionString = "Host=127.0.0.1;Database=vigil;Username=vigil;Password=x" },
        Console = new Vigil.Console.Security.ConsoleAuthenticationSettings { LocalAccounts = true },
    };
}
