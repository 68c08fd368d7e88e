using System.Globalization;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Profiles;

namespace Vigil.Tests.Profiles;

public sealed class HourlyActivityTests : IDisposable
{
    private const int UsualHourEvents = 20;

    private readonly AnomalyScenario scenario = new();

    [Fact]
    public void TenTimesLearnedHour_RaisesOneFinding()
    {
        LearnUsualHours(20);

        var findings = scenario.Apply(Calls(Day(21), UsualHourEvents * 10));

        var finding = Assert.Single(findings);
        Assert.Equal(AnomalyTypes.ActivityVolumeUnusual, finding.Type);
        Assert.Equal(AnomalyTypes.ActivityVolumeUnusualSeverity, finding.Severity);
        var info = finding.Service.AdditionalInfo;
        Assert.NotNull(info);
        var busiest = double.Parse(info["volume.busiestLearnedHour"], CultureInfo.InvariantCulture);
        var events = int.Parse(info["volume.eventsInHour"], CultureInfo.InvariantCulture);
        Assert.InRange(busiest, UsualHourEvents * 0.9, UsualHourEvents);
        Assert.Equal((int)Math.Floor(HourlyActivity.Factor * busiest) + 1, events);
        Assert.Equal("2024-03-22T10:00:00Z", info["volume.hourStart"]);

        var anomaly = finding.Service.Detection?.Anomaly;
        Assert.NotNull(anomaly);
        var unusual = anomaly.Unusual.Behavior["PRINCIPAL"]["EVENTS_PER_HOUR"];
        Assert.Equal("VOLUME", unusual.ProfileType);
        Assert.Equal([(long)events], unusual.Observations.Number);
        var baseline = Assert.Single(anomaly.Profiles["PRINCIPAL"]["EVENTS_PER_HOUR"]);
        Assert.Equal("BUSIEST_HOUR", baseline.ProfileSubtype);
        Assert.Equal([(long)Math.Round(busiest)], baseline.Observations.Number);
    }

    [Fact]
    public void EachUnusualHour_RaisesAgain()
    {
        LearnUsualHours(20);

        var first = scenario.Apply(Calls(Day(21), 100));
        var sameHour = scenario.Apply(Calls(Day(21).AddMinutes(50), 5));
        // The first unusual hour is now the busiest learned hour, so the next one must exceed 3 times 105.
        var nextHour = scenario.Apply(Calls(Day(21, hour: 11), 400));

        Assert.Single(first);
        Assert.Empty(sameHour);
        var finding = Assert.Single(nextHour);
        Assert.Equal("2024-03-22T11:00:00Z", finding.Service.AdditionalInfo?["volume.hourStart"]);
    }

    [Fact]
    public void Burst_DuringLearning_RaisesNothing()
    {
        LearnUsualHours(5);

        var findings = scenario.Apply(Calls(Day(6), UsualHourEvents * 10));

        Assert.Empty(findings);
    }

    [Fact]
    public void TwiceLearnedHour_RaisesNothing()
    {
        LearnUsualHours(20);

        var findings = scenario.Apply(Calls(Day(21), UsualHourEvents * 2));

        Assert.Empty(findings);
    }

    [Fact]
    public void QuietPrincipal_BelowMinimumEvents_RaisesNothing()
    {
        LearnUsualHours(20, eventsPerHour: 2);

        var findings = scenario.Apply(Calls(Day(21), HourlyActivity.MinimumEvents - 1));

        Assert.Empty(findings);
    }

    [Fact]
    public void BusiestHour_DecaysWithHalfLife()
    {
        var options = ProfileOptions.Default;
        var activity = new HourlyActivity();
        for (var i = 0; i < UsualHourEvents; i++)
        {
            Assert.True(activity.Count(Day(0).AddMinutes(i), options));
        }

        Assert.True(activity.Count(Day(0, hour: 11), options));

        Assert.Equal(UsualHourEvents, activity.BusiestHour(Day(0), options), precision: 3);
        Assert.Equal(UsualHourEvents / 2.0, activity.BusiestHour(Day((int)options.HalfLife.TotalDays), options), precision: 3);
        Assert.Equal(UsualHourEvents / 4.0, activity.BusiestHour(Day(2 * (int)options.HalfLife.TotalDays), options), precision: 3);
    }

    [Fact]
    public void LearnedHour_FadesUntilSameVolumeRaises()
    {
        LearnUsualHours(20);
        var burst = (int)(HourlyActivity.Factor * UsualHourEvents * 0.9);

        var soon = scenario.Apply(Calls(Day(21), burst));
        var afterTwoHalfLives = scenario.Apply(Calls(Day(21 + 60), burst));

        Assert.Empty(soon);
        Assert.Equal(AnomalyTypes.ActivityVolumeUnusual, Assert.Single(afterTwoHalfLives).Type);
    }

    [Fact]
    public void LateEvent_OfEarlierHour_NotCounted()
    {
        var options = ProfileOptions.Default;
        var activity = new HourlyActivity();
        Assert.True(activity.Count(Day(0, hour: 11), options));

        Assert.False(activity.Count(Day(0, hour: 10), options));

        Assert.Equal(1, activity.CurrentCount);
        Assert.Equal(Day(0, hour: 11), activity.CurrentHourStart);
    }

    [Fact]
    public void State_SurvivesRoundTrip()
    {
        LearnUsualHours(20);
        Assert.Single(scenario.Apply(Calls(Day(21), 100)));
        var before = scenario.Principal.Activity;

        var restored = PrincipalProfile.Deserialize(scenario.Principal.Serialize(), ProfileOptions.Default);

        var after = restored.Activity;
        Assert.Equal(before.CurrentCount, after.CurrentCount);
        Assert.Equal(before.CurrentHourStart, after.CurrentHourStart);
        Assert.Equal(before.BusiestHour(Day(21), ProfileOptions.Default), after.BusiestHour(Day(21), ProfileOptions.Default), precision: 3);
        Assert.False(after.TryReportUnusual(ProfileOptions.Default));
    }

    [Fact]
    public void ProfileWithoutActivity_ReadsAsEmptyActivity()
    {
        LearnUsualHours(20);
        var current = scenario.Principal.Serialize();

        // The earlier format is the current one without the 21 bytes of hourly activity at the end.
        var earlier = current[..^21];
        earlier[0] = 1;
        var restored = PrincipalProfile.Deserialize(earlier, ProfileOptions.Default);

        Assert.Null(restored.Activity.CurrentHourStart);
        Assert.Equal(0, restored.Activity.BusiestHour(Day(21), ProfileOptions.Default));
        Assert.Equal(scenario.Principal.Behavior.EventCount, restored.Behavior.EventCount);
    }

    public void Dispose() => scenario.Dispose();

    /// <summary>Returns the given hour (UTC) of a day counted from the scenario's first day.</summary>
    private static DateTimeOffset Day(int day, int hour = 10) => new DateTimeOffset(AnomalyScenario.Start.Date, TimeSpan.Zero).AddDays(day).AddHours(hour);

    /// <summary>Feeds <paramref name="days"/> days with one hour of <paramref name="eventsPerHour"/> usual calls each, and checks that they raise nothing.</summary>
    private void LearnUsualHours(int days, int eventsPerHour = UsualHourEvents)
    {
        for (var day = 0; day < days; day++)
        {
            Assert.Empty(scenario.Apply(Calls(Day(day), eventsPerHour)));
        }
    }

    /// <summary>Returns <paramref name="count"/> usual DescribeInstances calls from the office, 5 seconds apart from <paramref name="start"/>.</summary>
    private CloudTrailEvent[] Calls(DateTimeOffset start, int count) =>
        [.. Enumerable.Range(0, count).Select(i => scenario.Call("ec2.amazonaws.com", "DescribeInstances", start.AddSeconds(i * 5)))];
}
