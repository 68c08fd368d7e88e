using System.Text.RegularExpressions;
using Vigil.Detection.Endpoints;
using Vigil.Detection.Findings;
using Vigil.Detection.Profiles;
using Vigil.Detection.Settings;

namespace Vigil.Tests.Settings;

/// <summary>The finding types a tenant may turn off match the catalogue in docs/findings.md.</summary>
public sealed partial class FindingTypeCatalogueTests
{
    [Fact]
    public void Disableable_EqualsDocumentedTypesWithoutDetectorTypes()
    {
        var documented = DocumentedTypes().Where(type => !type.StartsWith("DefenseEvasion:Detector/", StringComparison.Ordinal)).ToHashSet();
        var code = FindingTypeCatalogue.CloudTrail.Concat(FindingTypeCatalogue.Network).Concat(EndpointAnomalyTypes.All).ToHashSet();

        Assert.Equal(documented.Order(StringComparer.Ordinal), code.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DetectorTypes_CannotBeTurnedOff()
    {
        Assert.False(FindingTypeCatalogue.IsDisableable(TrustedListChangeFinding.FindingType));
        Assert.False(FindingTypeCatalogue.IsDisableable(DetectorSettingsChangeFinding.FindingType));
        Assert.True(FindingTypeCatalogue.IsDisableable(AnomalyTypes.ConsoleLoginSuccessB));
        Assert.True(FindingTypeCatalogue.IsDisableable(AnomalyTypes.ActivityVolumeUnusual));
        Assert.Equal(FindingTypeCatalogue.Disableable.Count, FindingTypeCatalogue.Disableable.Distinct().Count());
    }

    /// <summary>The first column of the catalogue tables of docs/findings.md: every cell that is a finding type in backticks.</summary>
    private static IEnumerable<string> DocumentedTypes()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "docs", "findings.md")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var text = File.ReadAllText(Path.Combine(directory.FullName, "docs", "findings.md"));
        return TypeCell().Matches(text).Select(match => match.Groups["type"].Value);
    }

    [GeneratedRegex(@"^\| `(?<type>[A-Za-z]+:[A-Za-z0-9]+/[^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TypeCell();
}
