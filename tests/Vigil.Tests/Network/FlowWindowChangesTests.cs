using Vigil.Contracts.Detection;
using Vigil.Contracts.Events;
using Vigil.Detection.Network;
using Vigil.Tests.Detection;
using static Vigil.Tests.Network.NetworkTestRecords;

namespace Vigil.Tests.Network;

/// <summary>
/// Undoing what the flow thresholds counted into an endpoint's windows. Every kind of change comes
/// back to the state before: new windows and counters, distinct values, raised counters, packet
/// totals, and late and dropped records. Counting again after the undo gives what one count gives.
/// </summary>
public sealed class FlowWindowChangesTests
{
    private static readonly FlowThresholdDetection Thresholds = new(FlowThresholdOptions.Default with
    {
        PortscanPorts = 5,
        MaxWindows = 2,
        MaxCountersPerWindow = 14,
        DenialOfServicePackets = 1_000,
    });

    private static readonly NetworkDetection Detection = new([], [], Thresholds);

    private const string Remote = "203.0.113.80";

    [Fact]
    public void RollBack_EveryKindOfChange_RestoresState()
    {
        var state = new FlowWindowState();
        Count(state, FirstCall(), changes: null);
        var before = Describe(state);
        var changes = new FlowWindowChanges();
        changes.Begin(state);

        var findings = Count(state, SecondCall(), changes);
        Assert.Contains(findings, finding => finding.Type == FlowThresholdDetection.PortscanType);
        Assert.Contains(findings, finding => finding.Type == FlowThresholdDetection.DosUdpType);
        Assert.True(state.DroppedCounters > 0);
        Assert.True(state.LateRecords > 0);
        Assert.Equal(TestEvents.Time.AddMinutes(10).AddTicks(-(TestEvents.Time.AddMinutes(10).UtcTicks % TimeSpan.FromMinutes(10).Ticks)), state.Windows[0].Start);
        Assert.NotEqual(before, Describe(state));

        changes.RollBack();

        Assert.Equal(before, Describe(state));
    }

    [Fact]
    public void RollBack_ThenRecount_MatchesOneCount()
    {
        var once = new FlowWindowState();
        Count(once, FirstCall(), changes: null);
        var onceFindings = Count(once, SecondCall(), changes: null);

        var twice = new FlowWindowState();
        Count(twice, FirstCall(), changes: null);
        var changes = new FlowWindowChanges();
        changes.Begin(twice);
        Count(twice, SecondCall(), changes);
        changes.RollBack();
        var twiceFindings = Count(twice, SecondCall(), changes);
        changes.Commit();

        Assert.Equal(Describe(once), Describe(twice));
        Assert.Equal(onceFindings.Select(finding => finding.Type), twiceFindings.Select(finding => finding.Type));
    }

    [Fact]
    public void RollBack_WithoutBegin_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new FlowWindowChanges().RollBack());
    }

    private static IReadOnlyList<Vigil.Contracts.Findings.Finding> Count(FlowWindowState state, IReadOnlyList<FlowRecord> records, FlowWindowChanges? changes) =>
        Detection.InspectFlows(records, "endpoint", Context([]), state, changes);

    /// <summary>Three ports of the remote host and some packets, in the first window.</summary>
    private static List<FlowRecord> FirstCall() =>
    [
        .. Enumerable.Range(1, 3).Select(port => Flow(Local, 40000 + port, Remote, port)),
        Flow(Local, 40100, "203.0.113.90", 9999, protocol: 17, packets: 400),
    ];

    /// <summary>
    /// Two more ports, which raise the port scan and replace its set, packets that raise a flood, new
    /// counters up to the limit and one dropped, a second and a third window, which trims the first, and a late record.
    /// </summary>
    private static List<FlowRecord> SecondCall() =>
    [
        .. Enumerable.Range(4, 3).Select(port => Flow(Local, 40000 + port, Remote, port)),
        Flow(Local, 40100, "203.0.113.90", 9999, protocol: 17, packets: 700),
        .. Enumerable.Range(1, 4).Select(host => Flow(Local, 40200 + host, $"198.51.100.{host}", 7000 + host)),
        Flow(Local, 40300, Remote, 1, time: TestEvents.Time.AddMinutes(10)),
        Flow(Local, 40301, Remote, 2, time: TestEvents.Time.AddMinutes(20)),
        Flow(Local, 40302, Remote, 3, time: TestEvents.Time.AddMinutes(-30)),
    ];

    /// <summary>The whole state as text, with each distinct set sorted, so two states compare by value.</summary>
    private static string Describe(FlowWindowState state) =>
        $"late {state.LateRecords}, dropped {state.DroppedCounters}; " + string.Join("; ", state.Windows.Select(window =>
            $"{window.Start:O}: " + string.Join(", ", window.Counters.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair =>
                $"{pair.Key}={pair.Value.Total}/{pair.Value.Raised}/[{string.Join(" ", pair.Value.Distinct.Order(StringComparer.Ordinal))}]"))));
}
