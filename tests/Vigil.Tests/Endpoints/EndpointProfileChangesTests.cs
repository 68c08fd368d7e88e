using Vigil.Detection.Endpoints;
using Vigil.Detection.Profiles;

namespace Vigil.Tests.Endpoints;

/// <summary>
/// The undo log of <see cref="EndpointProfile"/>: a rolled-back call leaves the profile as it was,
/// byte for byte and in the counters that the serialized form rounds, and a retry after it ends
/// where a call without the failure ends.
/// </summary>
public sealed class EndpointProfileChangesTests
{
    private static readonly DateTimeOffset Start = new(2024, 3, 1, 10, 0, 0, TimeSpan.Zero);

    // Small tables, so that the changes below drop values and timed peers.
    private static readonly ProfileOptions Small = ProfileOptions.Default with
    {
        MaxEndpointPorts = 4,
        MaxEndpointPeers = 5,
        MaxEndpointDomains = 3,
        MaxEndpointResolvers = 2,
        MaxTimedPeers = 3,
        ConnectionSamplesPerPeer = 12,
    };

    [Fact]
    public void RollBack_RestoresEveryTable()
    {
        var profile = Learned();
        var before = profile.Serialize();
        var volumeBefore = profile.Volume(Start.AddDays(40));

        profile.BeginChanges();
        ChangeEverything(profile);
        Assert.NotEqual(before, profile.Serialize());
        profile.RollBackChanges();

        Assert.Equal(before, profile.Serialize());
        Assert.Equal(volumeBefore, profile.Volume(Start.AddDays(40)));
        Assert.False(profile.IsRecordingChanges);
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

        Assert.Equal(clean.Serialize(), failed.Serialize());
        Assert.Equal(clean.Volume(Start.AddDays(40)), failed.Volume(Start.AddDays(40)));
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
    }

    [Fact]
    public void RollBack_AfterPrune_RestoresForgottenValues()
    {
        var profile = Learned();
        var before = profile.Serialize();

        profile.BeginChanges();
        profile.Prune(Start.AddDays(400));
        Assert.Equal(0, profile.CountOf(EndpointDimension.Peer));
        Assert.Equal(0, profile.TimedPeerCount);
        profile.RollBackChanges();

        Assert.Equal(before, profile.Serialize());
    }

    [Fact]
    public void Begin_AgainCommitsOpenRecording()
    {
        var profile = Learned();
        profile.BeginChanges();
        profile.Observe(EndpointDimension.RemotePort, "tcp/9000", Start.AddDays(30));
        var afterFirst = profile.Serialize();

        profile.BeginChanges();
        profile.Observe(EndpointDimension.RemotePort, "tcp/9001", Start.AddDays(30));
        profile.RollBackChanges();

        Assert.Equal(afterFirst, profile.Serialize());
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
            var value = random.Next(12);
            switch (random.Next(6))
            {
                case 0:
                    profile.Observe(EndpointDimension.RemotePort, $"tcp/{9000 + value}", time);
                    break;
                case 1:
                    profile.AddPeerBytes($"192.0.2.{value}", 1_000 + step, time);
                    break;
                case 2:
                    profile.Observe(EndpointDimension.Domain, $"site{value}.example", time);
                    break;
                case 3:
                    profile.AddConnection($"192.0.2.{value}", new ConnectionSample(time.ToUnixTimeSeconds(), 300 + step, 50000 + step));
                    break;
                case 4:
                    profile.ForgetConnections($"192.0.2.{value}");
                    break;
                default:
                    profile.Tick(time);
                    break;
            }
        }

        profile.Prune(Start.AddDays(36));
        Assert.NotEqual(before, profile.Serialize());
        profile.RollBackChanges();

        Assert.Equal(before, profile.Serialize());
    }

    /// <summary>A profile of 30 days with full tables, peer bytes and connection times.</summary>
    private static EndpointProfile Learned()
    {
        var profile = new EndpointProfile(Small);
        for (var day = 0; day < 30; day++)
        {
            var time = Start.AddDays(day);
            profile.Tick(time);
            profile.Observe(EndpointDimension.RemotePort, "tcp/443", time);
            profile.Observe(EndpointDimension.RemotePort, $"tcp/{8000 + (day % 3)}", time);
            profile.AddPeerBytes("198.51.100.7", 1_000_000 + (day * 1_000), time);
            profile.AddPeerBytes($"203.0.113.{day % 4}", 5_000 + day, time);
            profile.Observe(EndpointDimension.Domain, $"example{day % 2}.com", time);
            profile.Observe(EndpointDimension.DnsResolver, "8.8.8.8", time);
            profile.AddConnection($"203.0.113.{day % 4}", new ConnectionSample(time.ToUnixTimeSeconds(), 1200 + day, 40000 + day));
        }

        return profile;
    }

    /// <summary>Calls every method that changes a profile, with new and known values, so that tables overflow.</summary>
    private static void ChangeEverything(EndpointProfile profile)
    {
        for (var day = 30; day < 33; day++)
        {
            var time = Start.AddDays(day);
            profile.Tick(time);
            profile.Observe(EndpointDimension.RemotePort, "tcp/443", time);
            profile.Observe(EndpointDimension.RemotePort, $"tcp/{9000 + day}", time);
            profile.AddPeerBytes("198.51.100.7", 2_000_000, time);
            profile.AddPeerBytes($"192.0.2.{day}", 70_000, time);
            profile.TryMarkVolumeRaised("198.51.100.7", time);
            profile.Observe(EndpointDimension.Domain, $"new{day}.example", time);
            profile.Observe(EndpointDimension.DnsResolver, $"1.1.1.{day}", time);
            profile.AddConnection("203.0.113.1", new ConnectionSample(time.ToUnixTimeSeconds(), 900, 50000 + day));
            profile.AddConnection($"192.0.2.{day}", new ConnectionSample(time.ToUnixTimeSeconds(), 300, 51000 + day));
        }

        profile.ForgetConnections("203.0.113.2");
        profile.Teach(EndpointDimension.RemotePort, "udp/53", Start.AddDays(32));
        profile.Prune(Start.AddDays(33));
    }
}
