using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Console.Components.Pages;
using Vigil.Contracts.Findings;

namespace Vigil.Console.Tests;

public sealed class FindingDetailTests : ConsoleComponentTest
{
    private const string FindingId = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void ArchiveButton_ArchivesForTenant()
    {
        Queries.Add(TenantId, TestFindings.Create(FindingId));
        var page = RenderDetail(FindingId);

        page.Find(".vigil-archive-button").Click();

        page.WaitForAssertion(() => Assert.Contains("Unarchive", page.Find(".vigil-archive-button").TextContent));
        var request = Assert.Single(Queries.ArchiveRequests);
        Assert.Equal(TenantId, request.TenantId);
        Assert.Equal(FindingId, request.FindingId);
        Assert.True(request.Archived);
    }

    [Fact]
    public void Detail_LinksToRaisingGrainsProfile()
    {
        var finding = TestFindings.Create(FindingId);
        finding = finding with { Service = finding.Service with { AdditionalInfo = new Dictionary<string, string> { ["principalKey"] = "111122223333/alice" } } };
        Queries.Add(TenantId, finding);

        var page = RenderDetail(FindingId);

        Assert.Equal("principals/profile?key=111122223333%2Falice", page.Find("a.vigil-open-profile").GetAttribute("href"));
    }

    [Fact]
    public void Detail_WithoutGrainKey_HasNoProfileLink()
    {
        Queries.Add(TenantId, TestFindings.Create(FindingId));

        var page = RenderDetail(FindingId);

        Assert.Empty(page.FindAll("a.vigil-open-profile"));
    }

    [Fact]
    public void Detail_ShowsPrincipal()
    {
        Queries.Add(TenantId, TestFindings.Create(FindingId, userName: "alice"));

        var page = RenderDetail(FindingId);

        var principal = page.Find(".vigil-principal").TextContent;
        Assert.Contains("alice", principal);
        Assert.Contains("AIDAEXAMPLEPRINCIPAL", principal);
        Assert.Contains("IAMUser", principal);
        Assert.Contains("AKIAIOSFODNN7EXAMPLE", principal);
    }

    [Fact]
    public void Detail_ShowsSource()
    {
        Queries.Add(TenantId, TestFindings.Create(FindingId, remoteIp: "203.0.113.9"));

        var page = RenderDetail(FindingId);

        Assert.Equal("203.0.113.9", page.Find("dd.vigil-remote-ip").TextContent.Trim());
        var source = page.Find(".vigil-source").TextContent;
        Assert.Contains("ListBuckets", source);
        Assert.Contains("s3.amazonaws.com", source);
        Assert.Contains("Remote IP", source);
        Assert.Contains("AccessDenied", source);
        Assert.Contains("aws-cli/2.15.0", source);
    }

    [Fact]
    public void Detail_ShowsSummary()
    {
        Queries.Add(TenantId, TestFindings.Create(FindingId, severity: 8.0));

        var page = RenderDetail(FindingId);

        var summary = page.Find(".vigil-summary").TextContent;
        Assert.Contains("UnauthorizedAccess:IAMUser/MaliciousIPCaller", summary);
        Assert.Contains("High 8.0", page.Find(".vigil-summary .vigil-severity").TextContent);
        Assert.Contains("TARGET", summary);
        Assert.Contains("2025-03-04 05:06:07Z", summary);
        Assert.Contains("2025-03-05 18:30:00Z", summary);
    }

    [Fact]
    public void Detail_ShowsJson()
    {
        var finding = TestFindings.Create(FindingId);
        Queries.Add(TenantId, finding);

        var page = RenderDetail(FindingId);

        var json = page.Find("pre.vigil-json code").TextContent;
        Assert.Equal(FindingJson.Serialize(finding, indented: true), json);
    }

    [Fact]
    public void Detail_ShowsThreatListEvidence()
    {
        var evidence = new FindingEvidence
        {
            ThreatIntelligenceDetails =
            [
                new ThreatIntelligenceDetail { ThreatListName = "bad-ips", ThreatNames = ["198.51.100.0/24"] },
            ],
        };
        Queries.Add(TenantId, TestFindings.Create(FindingId, evidence: evidence));

        var page = RenderDetail(FindingId);

        var table = page.Find(".vigil-threat-intel").TextContent;
        Assert.Contains("bad-ips", table);
        Assert.Contains("198.51.100.0/24", table);
    }

    [Fact]
    public void Detail_WithoutEvidence_HidesThreatList()
    {
        Queries.Add(TenantId, TestFindings.Create(FindingId));

        var page = RenderDetail(FindingId);

        Assert.Empty(page.FindAll(".vigil-threat-intel"));
    }

    [Fact]
    public void HostileValues_RenderAsText()
    {
        Queries.Add(TenantId, TestFindings.Create(
            FindingId,
            userName: "<script>alert(1)</script>",
            userAgent: "<img src=x onerror=alert(1)>"));

        var page = RenderDetail(FindingId);

        Assert.Equal("<img src=x onerror=alert(1)>", page.Find("dd.vigil-user-agent").TextContent.Trim());
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", page.Markup);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page.Markup);
        Assert.Empty(page.FindAll("img"));
        Assert.Empty(page.FindAll("script"));
        Assert.Empty(page.FindAll("[onerror]"));
    }

    [Fact]
    public void ControlCharacters_ShownEscaped()
    {
        Queries.Add(TenantId, TestFindings.Create(FindingId, userAgent: "curl\u001b[2J\r\nX-Injected: 1"));

        var page = RenderDetail(FindingId);

        Assert.Equal(@"curl\u001b[2J\r\nX-Injected: 1", page.Find("dd.vigil-user-agent").TextContent.Trim());
    }

    [Fact]
    public void Detail_QueriesTenantFromClaim()
    {
        Queries.Add(TenantId, TestFindings.Create(FindingId));

        RenderDetail(FindingId);

        var request = Assert.Single(Queries.GetRequests);
        Assert.Equal(TenantId, request.TenantId);
        Assert.Equal(FindingId, request.FindingId);
    }

    [Fact]
    public void OtherTenantsFinding_NotFound()
    {
        Queries.Add(OtherTenantId, TestFindings.Create(FindingId));

        var page = RenderDetail(FindingId);

        Assert.Equal("Finding not found", page.Find("h1").TextContent.Trim());
        Assert.Empty(page.FindAll(".vigil-principal"));
    }

    [Fact]
    public void UnknownId_ShowsNotFound()
    {
        var page = RenderDetail("<b>missing</b>");

        Assert.Equal("Finding not found", page.Find("h1").TextContent.Trim());
        Assert.Contains("<b>missing</b>", page.Find(".vigil-not-found").TextContent);
        Assert.Empty(page.FindAll(".vigil-not-found b"));
    }

    [Fact]
    public void StoreFailure_ShowsError()
    {
        Queries.Failure = new InvalidOperationException("connection refused");

        var page = RenderDetail(FindingId);

        Assert.Contains("could not be loaded", page.Find("[role=alert]").TextContent);
        Assert.DoesNotContain("connection refused", page.Markup);
    }

    [Fact]
    public void Detail_ShowsOccurrencesAndRelated()
    {
        Queries.Add(TenantId, TestFindings.Create(FindingId, userName: "alice")).Add(TenantId, TestFindings.Create("sibling", type: "Other:Type", userName: "alice"));

        var page = RenderDetail(FindingId);

        Assert.Contains("2025-03-05", page.Find(".vigil-occurrence-table").TextContent);
        Assert.NotNull(page.Find(".vigil-occurrences svg"));
        Assert.Contains("Other:Type", page.Find(".vigil-related").TextContent);
        Assert.Equal("findings/sibling", page.Find(".vigil-related a").GetAttribute("href"));
    }

    [Fact]
    public void Detail_ShowsAsnAndLocation()
    {
        var finding = TestFindings.Create(FindingId);
        var call = finding.Service.Action.AwsApiCallAction!;
        finding = finding with
        {
            Service = finding.Service with
            {
                Action = finding.Service.Action with
                {
                    AwsApiCallAction = call with
                    {
                        RemoteIpDetails = call.RemoteIpDetails! with
                        {
                            Organization = new IpOrganization { Asn = "64496", AsnOrg = "<b>Example</b> Net" },
                            Country = new IpCountry { CountryCode = "NL", CountryName = "Netherlands" },
                            City = new IpCity { CityName = "Amsterdam" },
                        },
                    },
                },
            },
        };
        Queries.Add(TenantId, finding);

        var page = RenderDetail(FindingId);

        Assert.Contains("AS64496 <b>Example</b> Net", page.Find(".vigil-asn").TextContent);
        Assert.Contains("Amsterdam, Netherlands", page.Find(".vigil-location").TextContent);
        Assert.Empty(page.FindAll(".vigil-source b"));
    }

    [Fact]
    public void SuppressLikeThis_HiddenFromAnalyst()
    {
        Queries.Add(TenantId, TestFindings.Create(FindingId));

        var page = RenderDetail(FindingId);

        Assert.Empty(page.FindAll(".vigil-suppress-like-this"));
    }

    [Fact]
    public void SuppressLikeThis_LinksTenantAdminToRule()
    {
        Authorization.SetAuthorized("admin1");
        Authorization.SetRoles(Contracts.Storage.ConsoleRoles.TenantAdmin);
        Authorization.SetClaims(new System.Security.Claims.Claim(ConsoleClaimTypes.Tenant, TenantId));
        Queries.Add(TenantId, TestFindings.Create(FindingId));

        var page = RenderDetail(FindingId);

        Assert.Equal("suppression-rules?fromFinding=" + FindingId, page.Find(".vigil-suppress-like-this").GetAttribute("href"));
    }

    [Fact]
    public async Task NotUseful_OnAnomaly_TeachesProfile()
    {
        var anomaly = new FakeAnomalyFeedback();
        Services.AddSingleton<IAnomalyFeedback>(anomaly);
        var finding = TestFindings.Create(FindingId);
        finding = finding with
        {
            Service = finding.Service with
            {
                Detection = new FindingDetection
                {
                    Anomaly = new AnomalyDetection
                    {
                        Profiles = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<AnomalyObject>>>(),
                        Unusual = new AnomalyUnusual { Behavior = new Dictionary<string, IReadOnlyDictionary<string, AnomalyObject>>() },
                    },
                },
            },
        };
        Queries.Add(TenantId, finding);
        var page = RenderDetail(FindingId);

        page.Find(".vigil-not-useful").Click();

        page.WaitForAssertion(() => Assert.Contains("profile now expects", page.Find(".vigil-feedback-notice").TextContent));
        Assert.Equal((TenantId, FindingId), Assert.Single(anomaly.Requests));
        Assert.Equal("NOT_USEFUL", (await Queries.GetAsync(TenantId, FindingId, CancellationToken.None))!.Service.UserFeedback);
    }

    [Fact]
    public void Useful_OnOrdinaryFinding_DoesNotTeachProfile()
    {
        var anomaly = new FakeAnomalyFeedback();
        Services.AddSingleton<IAnomalyFeedback>(anomaly);
        Queries.Add(TenantId, TestFindings.Create(FindingId));
        var page = RenderDetail(FindingId);

        page.Find(".vigil-not-useful").Click();

        page.WaitForAssertion(() => Assert.Equal("Feedback stored.", page.Find(".vigil-feedback-notice").TextContent.Trim()));
        Assert.Empty(anomaly.Requests);
    }

    private sealed class FakeAnomalyFeedback : IAnomalyFeedback
    {
        public List<(string TenantId, string FindingId)> Requests { get; } = [];

        public Task<bool> MarkNotUsefulAsync(string tenantId, Finding finding, CancellationToken cancellationToken)
        {
            Requests.Add((tenantId, finding.Id));
            return Task.FromResult(true);
        }
    }

    private IRenderedComponent<FindingDetail> RenderDetail(string id) =>
        RenderPage<FindingDetail>(parameters => parameters.Add(page => page.Id, id));
}
