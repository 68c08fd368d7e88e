using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using Vigil.Abstractions;
using Vigil.Grains;
using Vigil.Grains.Principals;

namespace Vigil.EndToEnd.Tests;

/// <summary>The host's grain state serialiser writes Orleans' binary form and still reads the JSON written before it.</summary>
public sealed class GrainStateSerializerTests
{
    private static readonly DateTimeOffset LastEvent = new(2024, 3, 5, 10, 10, 0, TimeSpan.FromHours(2));

    [Fact]
    public void BinaryState_RoundTrips()
    {
        using var services = new ServiceCollection().AddVigilSerialization().BuildServiceProvider();
        var json = JsonSerializer();
        var serializer = new VigilGrainStateSerializer(services.GetRequiredService<Serializer>(), json);
        var state = SampleState();

        var written = serializer.Serialize(state);
        var copy = serializer.Deserialize<PrincipalState>(written);

        AssertSame(state, copy);
        Assert.Equal("VGS1"u8.ToArray(), written.ToArray()[..4]);
        Assert.True(written.ToArray().Length < json.Serialize(state).ToArray().Length);
    }

    [Fact]
    public void JsonStateOfEarlierBuilds_IsStillRead()
    {
        using var services = new ServiceCollection().AddVigilSerialization().BuildServiceProvider();
        var json = JsonSerializer();
        var serializer = new VigilGrainStateSerializer(services.GetRequiredService<Serializer>(), json);
        var state = SampleState();

        var earlier = json.Serialize(state);
        Assert.Equal((byte)'{', earlier.ToArray()[0]);

        AssertSame(state, serializer.Deserialize<PrincipalState>(earlier));
    }

    [Fact]
    public void JsonWriteSetting_WritesJson_AndReadsBinary()
    {
        using var services = new ServiceCollection().AddVigilSerialization().BuildServiceProvider();
        var json = JsonSerializer();
        var binaryWriter = new VigilGrainStateSerializer(services.GetRequiredService<Serializer>(), json);
        var jsonWriter = new VigilGrainStateSerializer(services.GetRequiredService<Serializer>(), json, writeEarlierFormat: true);
        var state = SampleState();

        var written = jsonWriter.Serialize(state);
        Assert.Equal((byte)'{', written.ToArray()[0]);
        AssertSame(state, json.Deserialize<PrincipalState>(written)!);

        AssertSame(state, jsonWriter.Deserialize<PrincipalState>(binaryWriter.Serialize(state)));
    }

    private static JsonGrainStorageSerializer JsonSerializer() =>
        new(new OrleansJsonSerializer(Options.Create(new OrleansJsonSerializerOptions())));

    private static PrincipalState SampleState() => new()
    {
        RecentEventIds = ["5f3c2a9e-0000-4000-8000-000000000001", "5f3c2a9e-0000-4000-8000-000000000002"],
        AppliedChunks = ["0123456789abcdef#CloudTrail#0"],
        EventsApplied = 1_234,
        DuplicatesDropped = 5,
        LastEventTime = LastEvent,
        Profile = [1, 2, 3, 250],
    };

    private static void AssertSame(PrincipalState expected, PrincipalState actual)
    {
        Assert.Equal(expected.RecentEventIds, actual.RecentEventIds);
        Assert.Equal(expected.AppliedChunks, actual.AppliedChunks);
        Assert.Equal(expected.EventsApplied, actual.EventsApplied);
        Assert.Equal(expected.DuplicatesDropped, actual.DuplicatesDropped);
        Assert.Equal(expected.LastEventTime, actual.LastEventTime);
        Assert.Equal(expected.Profile, actual.Profile);
    }
}
