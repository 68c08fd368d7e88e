using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Vigil.Abstractions;
using Vigil.Contracts.Detection;
using Vigil.Grains.Endpoints;

namespace Vigil.EndToEnd.Tests;

/// <summary>The endpoint grain's flow windows survive the serializer that grain storage and calls use.</summary>
public sealed class EndpointStateSerializationTests
{
    [Fact]
    public void FlowWindows_RoundTrip()
    {
        using var services = new ServiceCollection().AddVigilSerialization().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var start = new DateTimeOffset(2024, 3, 5, 10, 10, 0, TimeSpan.Zero);
        var state = new EndpointState
        {
            FlowsApplied = 42,
            FlowWindows = new FlowWindowState
            {
                LateRecords = 2,
                DroppedCounters = 1,
                Windows =
                [
                    new FlowWindow
                    {
                        Start = start,
                        Counters =
                        {
                            ["brute-target|22|203.0.113.80"] = new FlowCounter { Distinct = ["50001", "50002"] },
                            ["dos|Backdoor:EC2/DenialOfService.Tcp|203.0.113.80"] = new FlowCounter { Total = 1_000_000, Raised = true },
                        },
                    },
                ],
            },
        };

        var copy = serializer.Deserialize<EndpointState>(serializer.SerializeToArray(state));
        Assert.NotNull(copy);

        Assert.Equal(42, copy.FlowsApplied);
        Assert.Equal(2, copy.FlowWindows.LateRecords);
        Assert.Equal(1, copy.FlowWindows.DroppedCounters);
        var window = Assert.Single(copy.FlowWindows.Windows);
        Assert.Equal(start, window.Start);
        Assert.Equal(["50001", "50002"], window.Counters["brute-target|22|203.0.113.80"].Distinct.Order());
        Assert.True(window.Counters["dos|Backdoor:EC2/DenialOfService.Tcp|203.0.113.80"].Raised);
        Assert.Equal(1_000_000, window.Counters["dos|Backdoor:EC2/DenialOfService.Tcp|203.0.113.80"].Total);
    }
}
