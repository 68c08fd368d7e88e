using Vigil.Detection.Endpoints;
using Vigil.Detection.Profiles;

namespace Vigil.Tests.Endpoints;

public sealed class EndpointProfileTests
{
    private static readonly DateTimeOffset Start = new(2024, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Learning_EndsAfterPeriodAndActiveDays()
    {
        var profile = new EndpointProfile(ProfileOptions.Default);
        profile.Tick(Start);
        profile.Tick(Start.AddDays(1));

        Assert.True(profile.IsLearning(Start.AddDays(20)));

        profile.Tick(Start.AddDays(2));

        Assert.True(profile.IsLearning(Start.AddDays(13)));
        Assert.False(profile.IsLearning(Start.AddDays(14)));
    }

    [Fact]
    public void Classes_CountDaysAndDecay()
    {
        var profile = new EndpointProfile(ProfileOptions.Default);
        for (var day = 0; day < 30; day++)
        {
            profile.Tick(Start.AddDays(day));
            profile.Observe(EndpointDimension.RemotePort, "tcp/443", Start.AddDays(day));
            profile.Observe(EndpointDimension.RemotePort, "tcp/443", Start.AddDays(day).AddHours(1));
        }

        profile.Observe(EndpointDimension.RemotePort, "tcp/22", Start.AddDays(29));

        Assert.Equal(FrequencyClass.Frequent, profile.Classify(EndpointDimension.RemotePort, "tcp/443", Start.AddDays(30)));
        Assert.Equal(FrequencyClass.Infrequent, profile.Classify(EndpointDimension.RemotePort, "tcp/22", Start.AddDays(30)));
        Assert.Equal(FrequencyClass.Unseen, profile.Classify(EndpointDimension.RemotePort, "tcp/8080", Start.AddDays(30)));

        // A single day of use fades below the forget weight after about 100 days (30-day half-life).
        Assert.Equal(FrequencyClass.Unseen, profile.Classify(EndpointDimension.RemotePort, "tcp/22", Start.AddDays(140)));
    }

    [Fact]
    public void Summary_ListsTablesWithDaysAndPeerBytes()
    {
        var profile = new EndpointProfile(ProfileOptions.Default);
        for (var day = 0; day < 20; day++)
        {
            var time = Start.AddDays(day);
            profile.Tick(time);
            profile.Observe(EndpointDimension.RemotePort, "tcp/443", time);
            profile.AddPeerBytes("198.51.100.7", 1_000_000 * (day + 1), time);
        }

        profile.Observe(EndpointDimension.RemotePort, "tcp/25", Start.AddDays(19));
        profile.Observe(EndpointDimension.DnsResolver, "8.8.8.8", Start.AddDays(19));

        var summary = EndpointProfileSummaryBuilder.Summarize(profile, Start.AddDays(19));

        Assert.False(summary.IsLearning);
        Assert.Equal(20, summary.ActiveDays);
        Assert.Equal(new DateOnly(2024, 3, 20), summary.LastDay);
        var ports = summary.Table("RemotePort")!;
        Assert.Equal(2, ports.ValueCount);
        Assert.Equal(("tcp/443", Contracts.Profiles.ValueFrequency.Frequent), (ports.Values[0].Value, ports.Values[0].Frequency));
        Assert.InRange(ports.Values[0].DaysPerMonth, 29, 30.01);
        Assert.Equal("tcp/25", ports.Values[1].Value);
        Assert.Null(ports.Values[0].LastDayBytes);
        var peer = Assert.Single(summary.Table("Peer")!.Values);
        Assert.Equal(20_000_000, peer.LastDayBytes);
        Assert.Equal("8.8.8.8", Assert.Single(summary.Table("DnsResolver")!.Values).Value);
        Assert.Empty(summary.Table("DotServer")!.Values);

        // Nineteen finished peer-days of 1 to 19 MB: the largest is 19 MB less a little decay.
        Assert.InRange(summary.LargestPeerDayBytes!.Value, 18_500_000, 19_000_000);
        Assert.InRange(summary.PeerDays, 15, 19);
        Assert.Equal(0, EndpointProfileSummaryBuilder.Summarize(new EndpointProfile(ProfileOptions.Default), Start).RecordCount);
    }

    [Fact]
    public void FullTable_DropsLeastUsedValue()
    {
        var options = ProfileOptions.Default with { MaxEndpointPorts = 4 };
        var profile = new EndpointProfile(options);
        for (var day = 0; day < 5; day++)
        {
            profile.Observe(EndpointDimension.RemotePort, "tcp/443", Start.AddDays(day));
        }

        foreach (var port in new[] { "tcp/1", "tcp/2", "tcp/3", "tcp/4" })
        {
            profile.Observe(EndpointDimension.RemotePort, port, Start.AddDays(5));
        }

        Assert.Equal(4, profile.CountOf(EndpointDimension.RemotePort));
        Assert.NotEqual(FrequencyClass.Unseen, profile.Classify(EndpointDimension.RemotePort, "tcp/443", Start.AddDays(5)));
        Assert.Equal(FrequencyClass.Unseen, profile.Classify(EndpointDimension.RemotePort, "tcp/1", Start.AddDays(5)));
    }

    [Fact]
    public void Serialisation_KeepsClassesVolumeAndTimings()
    {
        var profile = new EndpointProfile(ProfileOptions.Default);
        for (var day = 0; day < 20; day++)
        {
            var time = Start.AddDays(day);
            profile.Tick(time);
            profile.Observe(EndpointDimension.RemotePort, "tcp/443", time);
            profile.AddPeerBytes("203.0.113.80", 50_000, time);
            profile.Observe(EndpointDimension.Domain, "example.com", time);
        }

        profile.AddConnection("198.51.100.7", new ConnectionSample(Start.AddDays(19).ToUnixTimeSeconds(), 1_200, 41000));
        profile.AddConnection("198.51.100.7", new ConnectionSample(Start.AddDays(19).AddMinutes(5).ToUnixTimeSeconds(), 1_250, 41001));

        var copy = EndpointProfile.Deserialize(profile.Serialize(), ProfileOptions.Default);

        var when = Start.AddDays(20);
        Assert.Equal(profile.Classify(EndpointDimension.RemotePort, "tcp/443", when), copy.Classify(EndpointDimension.RemotePort, "tcp/443", when));
        Assert.Equal(profile.Classify(EndpointDimension.Domain, "example.com", when), copy.Classify(EndpointDimension.Domain, "example.com", when));
        Assert.Equal(profile.Volume(when).MaxBytes, copy.Volume(when).MaxBytes, 0);
        Assert.Equal(profile.Volume(when).PeerDays, copy.Volume(when).PeerDays, 3);
        Assert.Equal(1, copy.TimedPeerCount);
        Assert.Equal(profile.IsLearning(when), copy.IsLearning(when));
        Assert.Equal(2, copy.AddConnection("198.51.100.7", new ConnectionSample(Start.AddDays(19).AddMinutes(5).ToUnixTimeSeconds(), 1_250, 41001)).Count);
    }

    [Fact]
    public void Deserialize_RejectsOtherVersionAndDamage()
    {
        var data = new EndpointProfile(ProfileOptions.Default).Serialize();
        data[0] = 99;

        Assert.Throws<InvalidDataException>(() => EndpointProfile.Deserialize(data, ProfileOptions.Default));
        Assert.Throws<InvalidDataException>(() => EndpointProfile.Deserialize([1, 2, 3], ProfileOptions.Default));
    }

    [Fact]
    public void Timings_KeepBoundAndDropFewestSamples()
    {
        var profile = new EndpointProfile(ProfileOptions.Default with { MaxTimedPeers = 2 });
        var seconds = Start.ToUnixTimeSeconds();
        profile.AddConnection("198.51.100.1", new ConnectionSample(seconds, 100, 1));
        profile.AddConnection("198.51.100.1", new ConnectionSample(seconds + 60, 100, 2));
        profile.AddConnection("198.51.100.2", new ConnectionSample(seconds, 100, 1));
        profile.AddConnection("198.51.100.3", new ConnectionSample(seconds, 100, 1));

        Assert.Equal(2, profile.TimedPeerCount);
        Assert.Equal(3, profile.AddConnection("198.51.100.1", new ConnectionSample(seconds + 120, 100, 3)).Count);
    }

    [Fact]
    public void LongKey_IsCut()
    {
        var profile = new EndpointProfile(ProfileOptions.Default);
        var name = new string('a', 500) + ".example";

        profile.Observe(EndpointDimension.Domain, name, Start);

        Assert.Equal(128, Assert.Single(profile.Top(EndpointDimension.Domain, Start, 5)).Value.Length);
    }
}
