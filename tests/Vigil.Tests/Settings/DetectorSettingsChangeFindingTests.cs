using Vigil.Contracts.Storage;
using Vigil.Detection;
using Vigil.Detection.Intel;
using Vigil.Detection.Network;
using Vigil.Detection.Profiles;
using Vigil.Detection.Settings;

namespace Vigil.Tests.Settings;

/// <summary>DefenseEvasion:Detector/DetectorSettingsChanged: which changes raise it, at which severity, and which do not.</summary>
public sealed class DetectorSettingsChangeFindingTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DetectionContext Context = new("tenant-a", ThreatIntelSnapshot.Empty, TimeProvider.System);

    private static EffectiveDetectorSettings Effective(DetectorSettings settings) =>
        DetectorSettingsLimits.Effective(settings, FlowThresholdOptions.Default, ProfileOptions.Default);

    private static Vigil.Contracts.Findings.Finding? Raise(DetectorSettings before, DetectorSettings after) =>
        DetectorSettingsChangeFinding.Create(Context, DetectorSettingsChange.Compare(Effective(before), Effective(after), "admin1", 2, At));

    [Fact]
    public void TypeTurnedOff_RaisesHighWithBeforeAndAfter()
    {
        var finding = Raise(DetectorSettings.Defaults, new DetectorSettings { DisabledFindingTypes = [FlowThresholdDetection.PortscanType] });

        Assert.NotNull(finding);
        Assert.Equal(DetectorSettingsChangeFinding.FindingType, finding.Type);
        Assert.Equal(8.0, finding.Severity);
        var info = finding.Service.AdditionalInfo!;
        Assert.Equal("disabled", info["change"]);
        Assert.Equal(FlowThresholdDetection.PortscanType, info["disabledTypes"]);
        Assert.Contains("\"disabledFindingTypes\":[]", info["before"], StringComparison.Ordinal);
        Assert.Contains("\"disabledFindingTypes\":[\"Recon:EC2/Portscan\"]", info["after"], StringComparison.Ordinal);
        Assert.Equal("admin1", info["changedBy"]);
        Assert.Equal("Detector", finding.Resource.ResourceType);
    }

    [Fact]
    public void ThresholdRaised_RaisesMedium()
    {
        var finding = Raise(DetectorSettings.Defaults, new DetectorSettings { PortscanPorts = 200 });

        Assert.NotNull(finding);
        Assert.Equal(5.0, finding.Severity);
        Assert.Equal("portscanPorts 50 → 200", finding.Service.AdditionalInfo!["weakened"]);
    }

    [Fact]
    public void LearningPeriodLengthened_RaisesMedium()
    {
        var finding = Raise(DetectorSettings.Defaults, new DetectorSettings { LearningDays = 60 });

        Assert.Equal(5.0, finding?.Severity);
        Assert.Equal("learningDays 14 → 60", finding?.Service.AdditionalInfo!["weakened"]);
    }

    [Fact]
    public void OnlyStricter_RaisesLow()
    {
        var before = new DetectorSettings { BruteForceConnections = 40, DisabledFindingTypes = [FlowThresholdDetection.DosTcpType] };
        var after = new DetectorSettings { BruteForceConnections = 10 };

        var finding = Raise(before, after);

        Assert.Equal(2.0, finding?.Severity);
        Assert.Equal("strengthened", finding?.Service.AdditionalInfo!["change"]);
        Assert.Equal(FlowThresholdDetection.DosTcpType, finding?.Service.AdditionalInfo!["enabledTypes"]);
    }

    [Fact]
    public void DefaultWrittenOut_RaisesNothing()
    {
        // The stored settings change (an explicit 50 instead of the default), but nothing in effect does.
        var finding = Raise(DetectorSettings.Defaults, new DetectorSettings { PortscanPorts = 50, LearningDays = 14 });

        Assert.Null(finding);
    }

    [Fact]
    public void LevelsAreSeparateFindings_MildChangeCannotLowerDisabledFinding()
    {
        var disabled = Raise(DetectorSettings.Defaults, new DetectorSettings { DisabledFindingTypes = [FlowThresholdDetection.PortscanType] });
        var stricter = Raise(DetectorSettings.Defaults, new DetectorSettings { PortscanPorts = 20 });

        Assert.NotEqual(disabled!.Id, stricter!.Id);
    }

    [Fact]
    public void Validate_OutOfRangeAndUnknownType_NamesEachSetting()
    {
        var errors = DetectorSettingsLimits.Validate(new DetectorSettings
        {
            PortscanPorts = 1,
            DenialOfServicePackets = 10_000_000_001,
            LearningDays = -1,
            DisabledFindingTypes = [DetectorSettingsChangeFinding.FindingType, "Made:Up/Type"],
        });

        Assert.Equal(["denialOfServicePackets", "disabledFindingTypes", "learningDays", "portscanPorts"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, errors["disabledFindingTypes"].Length);
        Assert.Contains("use 5 to 500 ports", errors["portscanPorts"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_NoErrors()
    {
        Assert.Empty(DetectorSettingsLimits.Validate(DetectorSettings.Defaults));
    }
}
