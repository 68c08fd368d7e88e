using System.Text.Json;
using Vigil.Contracts.Findings;

namespace Vigil.Tests.Findings;

public sealed class FindingJsonTests
{
    private const string Script = "<script>alert('x')</script> & \"quoted\"";

    /// <summary>A finding without collections, so record equality compares every member by value.</summary>
    private static readonly Finding Simple = new()
    {
        AccountId = "111122223333",
        Region = "us-east-1",
        Id = "0123456789abcdef0123456789abcdef",
        Arn = "arn:aws:guardduty:us-east-1:111122223333:detector/fedcba9876543210fedcba9876543210/finding/0123456789abcdef0123456789abcdef",
        Type = "Policy:IAMUser/RootCredentialUsage",
        Severity = 2.0,
        CreatedAt = new DateTimeOffset(2024, 3, 6, 8, 0, 0, 5, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(2024, 3, 6, 9, 0, 0, TimeSpan.Zero),
        Title = "API " + Script + " was invoked using root credentials.",
        Description = "Line one.\nLine two.",
        Resource = new FindingResource
        {
            ResourceType = "AccessKey",
            AccessKeyDetails = new AccessKeyDetails { PrincipalId = "111122223333", UserName = "Root", UserType = "Root" },
        },
        Service = new FindingService
        {
            DetectorId = "fedcba9876543210fedcba9876543210",
            Action = new FindingAction
            {
                ActionType = "AWS_API_CALL",
                AwsApiCallAction = new AwsApiCallAction
                {
                    Api = "ListUsers",
                    ServiceName = "iam.amazonaws.com",
                    CallerType = "Remote IP",
                    RemoteIpDetails = new RemoteIpDetails { IpAddressV4 = "203.0.113.50" },
                },
            },
            Count = 3,
            EventFirstSeen = new DateTimeOffset(2024, 3, 5, 10, 15, 0, 123, TimeSpan.Zero),
            EventLastSeen = new DateTimeOffset(2024, 3, 5, 14, 15, 0, 120, TimeSpan.FromHours(2)),
            ResourceRole = "ACTOR",
        },
    };

    [Fact]
    public void Serialize_UsesGuardDutyNames()
    {
        using var document = JsonDocument.Parse(FindingJson.Serialize(Simple));
        var root = document.RootElement;

        Assert.Equal("2.0", root.GetProperty("schemaVersion").GetString());
        Assert.Equal("111122223333", root.GetProperty("accountId").GetString());
        Assert.Equal("aws", root.GetProperty("partition").GetString());
        Assert.Equal("AccessKey", root.GetProperty("resource").GetProperty("resourceType").GetString());
        Assert.Equal("ACTOR", root.GetProperty("service").GetProperty("resourceRole").GetString());
        Assert.Equal("AWS_API_CALL", root.GetProperty("service").GetProperty("action").GetProperty("actionType").GetString());
        Assert.Equal(3, root.GetProperty("service").GetProperty("count").GetInt64());
    }

    [Fact]
    public void Serialize_TimesAreUtcWithMilliseconds()
    {
        using var document = JsonDocument.Parse(FindingJson.Serialize(Simple));
        var root = document.RootElement;
        var service = root.GetProperty("service");

        Assert.Equal("2024-03-05T10:15:00.123Z", service.GetProperty("eventFirstSeen").GetString());
        Assert.Equal("2024-03-05T12:15:00.120Z", service.GetProperty("eventLastSeen").GetString());
        Assert.Equal("2024-03-06T08:00:00.005Z", root.GetProperty("createdAt").GetString());
        Assert.Equal("2024-03-06T09:00:00.000Z", root.GetProperty("updatedAt").GetString());
    }

    [Fact]
    public void Serialize_OmitsNulls()
    {
        var json = FindingJson.Serialize(Simple);
        using var document = JsonDocument.Parse(json);
        var service = document.RootElement.GetProperty("service");

        Assert.False(service.TryGetProperty("evidence", out _));
        Assert.False(service.TryGetProperty("additionalInfo", out _));
        Assert.False(document.RootElement.GetProperty("resource").GetProperty("accessKeyDetails").TryGetProperty("accessKeyId", out _));
        Assert.DoesNotContain("null", json);
    }

    [Fact]
    public void Serialize_KeepsMarkupUnescaped()
    {
        var json = FindingJson.Serialize(Simple);

        Assert.Contains("<script>alert('x')</script> & \\\"quoted\\\"", json);
        Assert.DoesNotContain("\\u003C", json, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Line one.\\nLine two.", json);
    }

    [Fact]
    public void Deserialize_RoundTrip_GivesEqualFinding()
    {
        var roundTripped = FindingJson.Deserialize(FindingJson.Serialize(Simple));

        Assert.Equal(Simple, roundTripped);
        Assert.Equal(Script, roundTripped.Title[4..(4 + Script.Length)]);
        Assert.Equal(TimeSpan.Zero, roundTripped.Service.EventLastSeen.Offset);
    }

    [Fact]
    public void Deserialize_RoundTripWithCollections_KeepsValues()
    {
        var finding = Simple with
        {
            Service = Simple.Service with
            {
                Evidence = new FindingEvidence
                {
                    ThreatIntelligenceDetails =
                    [
                        new ThreatIntelligenceDetail { ThreatListName = "blocked-ranges", ThreatNames = ["198.51.100.8/29"], ThreatFileSha256 = new string('a', 64) },
                    ],
                },
                AdditionalInfo = new Dictionary<string, string> { ["principalKey"] = "111122223333/arn:aws:iam::111122223333:root" },
            },
        };

        var json = FindingJson.Serialize(finding);
        var roundTripped = FindingJson.Deserialize(json);

        var detail = Assert.Single(roundTripped.Service.Evidence!.ThreatIntelligenceDetails);
        Assert.Equal("blocked-ranges", detail.ThreatListName);
        Assert.Equal(["198.51.100.8/29"], detail.ThreatNames);
        Assert.Equal("111122223333/arn:aws:iam::111122223333:root", roundTripped.Service.AdditionalInfo?["principalKey"]);
        Assert.Equal(json, FindingJson.Serialize(roundTripped));
    }

    [Fact]
    public void Serialize_Indented_HasSameContent()
    {
        var compact = FindingJson.Deserialize(FindingJson.Serialize(Simple));
        var indented = FindingJson.Deserialize(FindingJson.Serialize(Simple, indented: true));

        Assert.Contains('\n', FindingJson.Serialize(Simple, indented: true));
        Assert.Equal(compact, indented);
    }

    [Fact]
    public void Deserialize_JsonNull_Throws()
    {
        Assert.Throws<JsonException>(() => FindingJson.Deserialize("null"));
    }
}
