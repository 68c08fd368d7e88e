using Vigil.Detection.Profiles;

namespace Vigil.Tests.Profiles;

/// <summary>
/// The undo log of <see cref="PrincipalProfile"/> and its <see cref="BehaviorProfile"/>: a rolled-back
/// call leaves the profile as it was, byte for byte and in the hour weights that the serialized
/// form rounds, and a retry after it ends where a call without the failure ends.
/// </summary>
public sealed class PrincipalProfileChangesTests
{
    private static readonly DateTimeOffset Start = new(2024, 3, 1, 10, 0, 0, TimeSpan.Zero);

    // Small tables, so that the changes below drop values.
    private static readonly ProfileOptions Small = ProfileOptions.Default with { MaxEntriesPerDimension = 4, MaxApiEntries = 6 };

    [Fact]
    public void RollBack_RestoresWholeProfile()
    {
        var profile = Learned();
        var before = profile.Serialize();
        var hoursBefore = profile.Behavior.HourWeights(Start.AddDays(40));

        profile.BeginChanges();
        ChangeEverything(profile);
        Assert.NotEqual(before, profile.Serialize());
        profile.RollBackChanges();

        Assert.Equal(before, profile.Serialize());
        Assert.Equal(hoursBefore, profile.Behavior.HourWeights(Start.AddDays(40)));
        Assert.False(profile.Behavior.IsRecordingChanges);
    }

    [Fact]
    public void RollBack_ThenRetry_MatchesCallWithoutFailure()
    {
        var failed = Learned();
        var clean = Learned();

        failed.BeginChanges();
        ChangeEverything(failed);
        failed.RollBackChanges();
        failed.BeginChanges();
        ChangeEverything(failed);
        failed.CommitChanges();
        ChangeEverything(clean);

        // The values match but their order may not: values added after a rollback take other places
        // in a dictionary than in one that never rolled back.
        Assert.Equal(Contents(clean), Contents(failed));
        Assert.Equal(clean.Serialize().Length, failed.Serialize().Length);
        Assert.Equal(clean.Behavior.HourWeights(Start.AddDays(40)), failed.Behavior.HourWeights(Start.AddDays(40)));
    }

    [Fact]
    public void Commit_KeepsChanges()
    {
        var recorded = Learned();
        var plain = Learned();

        recorded.BeginChanges();
        ChangeEverything(recorded);
        recorded.CommitChanges();
        ChangeEverything(plain);

        Assert.Equal(plain.Serialize(), recorded.Serialize());
        Assert.Throws<InvalidOperationException>(recorded.RollBackChanges);
        Assert.Throws<InvalidOperationException>(recorded.Behavior.RollBackChanges);
    }

    [Fact]
    public void RollBack_AfterPrune_RestoresForgottenValues()
    {
        var profile = Learned();
        var before = profile.Serialize();

        profile.BeginChanges();
        profile.Behavior.Prune(Start.AddDays(400));
        Assert.Equal(0, profile.Behavior.CountOf(ProfileDimension.Api));
        profile.RollBackChanges();

        Assert.Equal(before, profile.Serialize());
    }

    [Fact]
    public void RollBack_AfterOtherProfileCommitted_RestoresWholeProfile()
    {
        // The first profile's log goes back to the shared pool with its tables, and the second
        // recording may take it again: nothing of the first recording may leak into the second.
        var committed = Learned();
        committed.BeginChanges();
        ChangeEverything(committed);
        committed.CommitChanges();

        var profile = Learned();
        var before = profile.Serialize();
        profile.BeginChanges();
        profile.Behavior.Observe(new ProfileObservation("ec2:Describe1", "AS64500", "DE", "boto3", "IAMUser"), Start.AddDays(30));
        profile.RollBackChanges();

        Assert.Equal(before, profile.Serialize());
    }

    [Fact]
    public void RollBack_WithoutAnomalyChange_KeepsAnomalies()
    {
        var profile = Learned();
        var anomalies = profile.RememberedFindingIds;

        profile.BeginChanges();
        profile.Behavior.Observe(new ProfileObservation("ec2:Describe1", "AS64500", "DE", "boto3", "IAMUser"), Start.AddDays(30));
        profile.RollBackChanges();

        Assert.Equal(anomalies, profile.RememberedFindingIds);
    }

    [Fact]
    public void RollBack_AfterTeach_RestoresAnomalies()
    {
        var profile = Learned();
        var anomalies = profile.RememberedFindingIds;

        profile.BeginChanges();
        Assert.True(profile.TryTeach("0123456789abcdef0123456789abcdef"));
        Assert.Empty(profile.RememberedFindingIds);
        profile.RollBackChanges();

        Assert.Equal(anomalies, profile.RememberedFindingIds);
    }

    /// <summary>Lists every value of every dimension with its class, sorted, and the other parts of the profile.</summary>
    private static List<string> Contents(PrincipalProfile profile)
    {
        var at = Start.AddDays(33);
        var lines = new List<string>
        {
            $"events {profile.Behavior.EventCount}, active days {profile.Behavior.ActiveDays}, days {profile.Behavior.FirstDay} to {profile.Behavior.LastDay}",
            $"last event {profile.LastEventTime}, sign-in {profile.LastSignIn}, hour count {profile.Activity.CurrentCount}",
            $"anomalies {string.Join(' ', profile.RememberedFindingIds)}",
        };
        foreach (var dimension in ProfileObservation.Dimensions)
        {
            lines.Add($"{dimension}: {profile.Behavior.CountOf(dimension)} values");
            lines.AddRange(profile.Behavior.Top(dimension, at, int.MaxValue).Select(value => $"{dimension} {value}").Order(StringComparer.Ordinal));
        }

        return lines;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RollBack_RandomChanges_RestoresBytes(int seed)
    {
        // Values from small pools, so tables overflow and values are dropped, added back and dropped again.
        var random = new Random(seed);
        var profile = Learned();
        var before = profile.Serialize();

        profile.BeginChanges();
        for (var step = 0; step < 400; step++)
        {
            var time = Start.AddDays(30 + (step / 100)).AddMinutes(step);
            var observation = new ProfileObservation(
                $"ec2:Call{random.Next(12)}", $"AS{65000 + random.Next(8)}", random.Next(2) == 0 ? "DE" : "FR", $"tool{random.Next(6)}", "IAMUser", $"bucket-{random.Next(9)}");
            profile.Behavior.Observe(observation, time);
        }

        profile.Behavior.Prune(Start.AddDays(36));
        Assert.NotEqual(before, profile.Serialize());
        profile.RollBackChanges();

        Assert.Equal(before, profile.Serialize());
    }

    /// <summary>A profile of 30 days with full tables, hourly counts, a sign-in and a remembered anomaly.</summary>
    private static PrincipalProfile Learned()
    {
        var profile = new PrincipalProfile(Small);
        for (var day = 0; day < 30; day++)
        {
            for (var call = 0; call < 8; call++)
            {
                var time = Start.AddDays(day).AddHours(call % 5);
                profile.Behavior.Observe(new ProfileObservation($"ec2:Describe{(day + call) % 9}", $"AS{64500 + (call % 3)}", "DE", "boto3", "IAMUser", $"bucket-{call % 5}"), time);
                profile.Activity.Count(time, Small);
            }
        }

        profile.LastEventTime = Start.AddDays(29).AddHours(4);
        profile.LastSignIn = new SignInRecord(Start.AddDays(29), 52.52, 13.40, "DE", "Berlin", "198.51.100.7");
        profile.RememberAnomaly("0123456789abcdef0123456789abcdef", new ProfileObservation("iam:CreateUser", "AS64999", null, "boto3", null));
        return profile;
    }

    /// <summary>Changes every part of a principal profile, with new and known values, so that tables overflow.</summary>
    private static void ChangeEverything(PrincipalProfile profile)
    {
        for (var day = 30; day < 33; day++)
        {
            var time = Start.AddDays(day).AddHours(day - 20);
            profile.Behavior.Observe(new ProfileObservation("ec2:Describe1", "AS64500", "DE", "boto3", "IAMUser"), time);
            profile.Behavior.Observe(new ProfileObservation($"s3:PutThing{day}", $"AS{65000 + day}", "FR", $"curl/{day}", "AssumedRole", $"new-bucket-{day}"), time);
            profile.Activity.Count(time, Small);
            profile.Activity.TryReportUnusual(Small);
            profile.LastEventTime = time;
        }

        profile.LastSignIn = new SignInRecord(Start.AddDays(32), 48.85, 2.35, "FR", "Paris", "203.0.113.9");
        profile.RememberAnomaly("fedcba9876543210fedcba9876543210", new ProfileObservation("s3:PutThing31", "AS65031", "FR", null, null));
        profile.TryTeach("0123456789abcdef0123456789abcdef");
        profile.Behavior.Prune(Start.AddDays(33));
    }
}
