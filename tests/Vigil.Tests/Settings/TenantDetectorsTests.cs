using System.Diagnostics.Metrics;
using Vigil.Contracts.Detection;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Detection;
using Vigil.Detection.Network;
using Vigil.Detection.Profiles;
using Vigil.Detection.Settings;
using static Vigil.Tests.Network.NetworkTestRecords;

namespace Vigil.Tests.Settings;

/// <summary>A tenant's settings applied to its detectors: thresholds, learning period and finding types turned off.</summary>
public sealed class TenantDetectorsTests
{
    private const string Remote = "203.0.113.80";

    private static readonly DetectionContext Empty = Context([]);

    private static IEnumerable<Vigil.Contracts.Events.FlowRecord> Ports(int count) =>
        Enumerable.Range(1, count).Select(port => Flow(Local, 40000 + port, Remote, port));

    [Fact]
    public void LoweredPortscanThreshold_RaisesWhereDefaultDoesNot()
    {
        var registry = new DetectorSettingsRegistry(ProfileOptions.Default);
        registry.Apply(new StoredDetectorSettings("tenant-a", new DetectorSettings { PortscanPorts = 20 }, 1, DateTimeOffset.UnixEpoch, "admin1"));

        var lowered = registry.For("tenant-a").Network.InspectFlows(Ports(20), "endpoint", Empty, new FlowWindowState());
        var other = registry.For("tenant-b").Network.InspectFlows(Ports(20), "endpoint", Empty, new FlowWindowState());

        Assert.Equal(FlowThresholdDetection.PortscanType, Assert.Single(lowered).Type);
        Assert.Empty(other);
    }

    [Fact]
    public void DisabledType_IsFilteredOthersKept()
    {
        var detectors = TenantDetectors.Build(
            new DetectorSettings { DisabledFindingTypes = [FlowThresholdDetection.PortscanType] }, 1, FlowThresholdOptions.Default, ProfileOptions.Default);
        var findings = detectors.Network.InspectFlows(Ports(50), "endpoint", Empty, new FlowWindowState());

        Assert.Single(findings);
        Assert.Empty(detectors.Filter(findings));
        Assert.True(detectors.IsDisabled(FlowThresholdDetection.PortscanType));
        Assert.False(detectors.IsDisabled(FlowThresholdDetection.PortSweepType));
    }

    [Fact]
    public void DisabledType_CountedAsSuppressed()
    {
        // A type of this test's own, because other tests record into the same static counter.
        var type = "Recon:EC2/SuppressionMetric" + Guid.NewGuid().ToString("N");
        var detectors = TenantDetectors.Build(new DetectorSettings { DisabledFindingTypes = [type] }, 1, FlowThresholdOptions.Default, ProfileOptions.Default);
        var finding = detectors.Network.InspectFlows(Ports(50), "endpoint", Empty, new FlowWindowState()).Single();
        var suppressed = new List<(long Value, string? Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == FindingInstruments.MeterName && instrument.Name == "vigil.findings.suppressed")
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var tagList = tags.ToArray();
            if (tagList.Any(tag => tag.Key == "type" && Equals(tag.Value, type)))
            {
                lock (suppressed)
                {
                    suppressed.Add((value, tagList.FirstOrDefault(tag => tag.Key == "reason").Value as string));
                }
            }
        });
        listener.Start();

        var kept = detectors.Filter([finding with { Type = type }, finding, finding with { Type = type }]);

        Assert.Equal([finding], kept);
        Assert.Equal([(1L, FindingInstruments.TypeDisabled), (1L, FindingInstruments.TypeDisabled)], suppressed);
    }

    [Fact]
    public void LearningDays_SetOnProfileOptions()
    {
        var detectors = TenantDetectors.Build(new DetectorSettings { LearningDays = 3 }, 1, FlowThresholdOptions.Default, ProfileOptions.Default);

        Assert.Equal(TimeSpan.FromDays(3), detectors.Profiles.LearningPeriod);
        Assert.Equal(ProfileOptions.Default.HalfLife, detectors.Profiles.HalfLife);
    }

    [Fact]
    public void Apply_OlderVersion_KeepsNewer()
    {
        var registry = new DetectorSettingsRegistry(ProfileOptions.Default);

        Assert.True(registry.Apply(new StoredDetectorSettings("tenant-a", new DetectorSettings { PortscanPorts = 20 }, 2, DateTimeOffset.UnixEpoch, "a")));
        Assert.False(registry.Apply(new StoredDetectorSettings("tenant-a", new DetectorSettings { PortscanPorts = 30 }, 1, DateTimeOffset.UnixEpoch, "b")));

        Assert.Equal(20, registry.For("tenant-a").Effective.PortscanPorts);
    }

    [Fact]
    public void Defaults_ShareDefaultNetworkDetection()
    {
        var detectors = TenantDetectors.Build(DetectorSettings.Defaults, 0, FlowThresholdOptions.Default, ProfileOptions.Default);

        Assert.Same(NetworkDetection.Default, detectors.Network);
    }
}
