using Vigil.Detection.Profiles;

namespace Vigil.Tests.Profiles;

/// <summary>
/// The observations that <see cref="ProfileAnomalyDetector.Prepare"/> passes to the account profile:
/// one per distinct observation and UTC hour, with the time of its first event, in first-seen order.
/// </summary>
public sealed class PreparedObservationsTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(30)]
    public void Prepare_RepeatedEvents_KeepsFirstOfEachHour(int distinctApis)
    {
        using var scenario = new AnomalyScenario();
        var start = AnomalyScenario.Start;
        var records = new List<Vigil.Contracts.Events.CloudTrailEvent>();

        // Each API three times in the first hour, then once more in the next hour.
        for (var round = 0; round < 3; round++)
        {
            for (var api = 0; api < distinctApis; api++)
            {
                records.Add(scenario.Call("ec2.amazonaws.com", $"Describe{api}", start.AddMinutes(round)));
            }
        }

        for (var api = 0; api < distinctApis; api++)
        {
            records.Add(scenario.Call("ec2.amazonaws.com", $"Describe{api}", start.AddHours(1)));
        }

        var prepared = ProfileAnomalyDetector.Default.Prepare(records, scenario.Principal, scenario.Enricher, scenario.Context);

        Assert.Equal(2 * distinctApis, prepared.Observations.Count);
        for (var api = 0; api < distinctApis; api++)
        {
            var first = prepared.Observations[api];
            var nextHour = prepared.Observations[distinctApis + api];
            Assert.Equal($"ec2:Describe{api}", first.Observation.Api);
            Assert.Equal(start, first.Time);
            Assert.Equal($"ec2:Describe{api}", nextHour.Observation.Api);
            Assert.Equal(start.AddHours(1), nextHour.Time);
        }
    }

    [Fact]
    public void Prepare_SameHourOtherDay_KeepsBoth()
    {
        using var scenario = new AnomalyScenario();
        var start = AnomalyScenario.Start;
        var records = new[]
        {
            scenario.Call("ec2.amazonaws.com", "DescribeInstances", start),
            scenario.Call("ec2.amazonaws.com", "DescribeInstances", start.AddDays(1)),
            scenario.Call("ec2.amazonaws.com", "DescribeInstances", start.AddDays(1).AddMinutes(5)),
        };

        var prepared = ProfileAnomalyDetector.Default.Prepare(records, scenario.Principal, scenario.Enricher, scenario.Context);

        Assert.Equal([start, start.AddDays(1)], prepared.Observations.Select(item => item.Time));
    }
}
