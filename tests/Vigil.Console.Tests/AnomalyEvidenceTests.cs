using Bunit;
using Vigil.Console.Components.Pages;
using Vigil.Contracts.Findings;

namespace Vigil.Console.Tests;

public sealed class AnomalyEvidenceTests : ConsoleComponentTest
{
    private const string FindingId = "abcdefabcdefabcdefabcdefabcdef01";

    [Fact]
    public void Detail_ShowsUnusualBehaviourTable()
    {
        var finding = TestFindings.Create(FindingId, type: "Persistence:IAMUser/AnomalousBehavior");
        Queries.Add(TenantId, finding with { Service = finding.Service with { Detection = new FindingDetection { Anomaly = Anomaly() } } });

        var page = RenderPage<FindingDetail>(parameters => parameters.Add(detail => detail.Id, FindingId));

        var rows = page.FindAll(".vigil-anomaly tbody tr");
        Assert.Equal(2, rows.Count);
        var api = rows[0].QuerySelectorAll("th, td").Select(cell => cell.TextContent.Trim()).ToList();
        Assert.Equal(["API", "iam:CreateAccessKey", "never seen", "never seen", "ec2:DescribeInstances, s3:ListBuckets, iam:ListUsers", "ec2:DescribeInstances"], api);
        var network = rows[1].QuerySelectorAll("th, td").Select(cell => cell.TextContent.Trim()).ToList();
        Assert.Equal(["Network (ASN)", "<b>AS64666</b>", "never seen", "frequent", "AS64500", "none"], network);
        Assert.Empty(page.FindAll(".vigil-anomaly b"));
    }

    [Fact]
    public void Detail_ShowsHourlyVolumeRow()
    {
        var finding = TestFindings.Create(FindingId, type: "Exfiltration:IAMUser/ActivityVolumeUnusual");
        Queries.Add(TenantId, finding with { Service = finding.Service with { Detection = new FindingDetection { Anomaly = VolumeAnomaly() } } });

        var page = RenderPage<FindingDetail>(parameters => parameters.Add(detail => detail.Id, FindingId));

        var row = Assert.Single(page.FindAll(".vigil-anomaly tbody tr"));
        var cells = row.QuerySelectorAll("th, td").Select(cell => cell.TextContent.Trim()).ToList();
        Assert.Equal(["Events in the hour", "412", "above the busiest learned hour", "not known", "38", "none"], cells);
    }

    [Fact]
    public void Detail_NoTableWithoutAnomaly()
    {
        Queries.Add(TenantId, TestFindings.Create(FindingId));

        var page = RenderPage<FindingDetail>(parameters => parameters.Add(detail => detail.Id, FindingId));

        Assert.Empty(page.FindAll(".vigil-anomaly"));
    }

    private static AnomalyDetection Anomaly() => new()
    {
        Profiles = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<AnomalyObject>>>
        {
            ["PRINCIPAL"] = new Dictionary<string, IReadOnlyList<AnomalyObject>>
            {
                ["API"] = [Object("FREQUENT", "ec2:DescribeInstances", "s3:ListBuckets"), Object("INFREQUENT", "iam:ListUsers"), Object("RARE", "iam:GetUser")],
                ["ASN"] = [Object("FREQUENT", "AS64500")],
            },
            ["ACCOUNT"] = new Dictionary<string, IReadOnlyList<AnomalyObject>>
            {
                ["API"] = [Object("FREQUENT", "ec2:DescribeInstances")],
            },
        },
        Unusual = new AnomalyUnusual
        {
            Behavior = new Dictionary<string, IReadOnlyDictionary<string, AnomalyObject>>
            {
                ["PRINCIPAL"] = new Dictionary<string, AnomalyObject>
                {
                    ["API"] = Object("UNSEEN", "iam:CreateAccessKey"),
                    ["ASN"] = Object("UNSEEN", "<b>AS64666</b>"),
                },
                ["ACCOUNT"] = new Dictionary<string, AnomalyObject>
                {
                    ["API"] = Object("UNSEEN", "iam:CreateAccessKey"),
                    ["ASN"] = Object("FREQUENT", "<b>AS64666</b>"),
                },
            },
        },
    };

    private static AnomalyDetection VolumeAnomaly() => new()
    {
        Profiles = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<AnomalyObject>>>
        {
            ["PRINCIPAL"] = new Dictionary<string, IReadOnlyList<AnomalyObject>>
            {
                ["EVENTS_PER_HOUR"] = [Count("BUSIEST_HOUR", 38)],
            },
        },
        Unusual = new AnomalyUnusual
        {
            Behavior = new Dictionary<string, IReadOnlyDictionary<string, AnomalyObject>>
            {
                ["PRINCIPAL"] = new Dictionary<string, AnomalyObject> { ["EVENTS_PER_HOUR"] = Count("UNUSUAL", 412) },
            },
        },
    };

    private static AnomalyObject Count(string subtype, long events) => new()
    {
        ProfileType = "VOLUME",
        ProfileSubtype = subtype,
        Observations = new AnomalyObservations { Number = [events] },
    };

    private static AnomalyObject Object(string subtype, params string[] values) => new()
    {
        ProfileType = "FREQUENCY",
        ProfileSubtype = subtype,
        Observations = new AnomalyObservations { Text = values },
    };
}
