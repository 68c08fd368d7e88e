using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection;
using Vigil.Detection.Profiles;
using Vigil.Enrichment;
using Vigil.Tests.Detection;
using Vigil.Tests.Enrichment;

namespace Vigil.Tests.Profiles;

/// <summary>
/// A principal and its account over days of event time, with enrichment files written for the test:
/// 198.51.100.0/25 is AS64500 in Berlin (the office), 198.51.100.128/25 is AS64501 in San Francisco,
/// 203.0.113.0/24 is AS64666 in Brazil, and AWS's ranges put EC2 at 192.0.2.0/24.
/// </summary>
internal sealed class AnomalyScenario : IDisposable
{
    public const string Office = "198.51.100.10";
    public const string SanFrancisco = "198.51.100.200";
    public const string Elsewhere = "203.0.113.66";
    public const string Ec2Address = "192.0.2.40";

    public static readonly DateTimeOffset Start = new(2024, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly EnrichmentFiles files = new();
    private int sequence;

    public AnomalyScenario(bool withLocation = true, bool withAwsRanges = true)
    {
        var asn = files.Write("asn.csv", """
            198.51.100.0,198.51.100.127,64500,Example Office ISP
            198.51.100.128,198.51.100.255,64501,Example West ISP
            203.0.113.0,203.0.113.255,64666,Example Far Hosting
            """);
        var city = files.Write("city.csv", """
            198.51.100.0,198.51.100.127,EU,DE,Berlin,Berlin,52.52,13.405
            198.51.100.128,198.51.100.255,NA,US,California,San Francisco,37.7749,-122.4194
            203.0.113.0,203.0.113.255,SA,BR,Sao Paulo,Sao Paulo,-23.55,-46.63
            """);
        var ranges = files.Write("ip-ranges.json", """
            {"syncToken": "1", "prefixes": [{"ip_prefix": "192.0.2.0/24", "region": "us-east-1", "service": "EC2"}], "ipv6_prefixes": []}
            """);
        Enricher = IpEnricher.Load(
            new EnrichmentSettings { AsnFile = asn, LocationFile = withLocation ? city : null, AwsIpRangesFile = withAwsRanges ? ranges : null },
            []);
    }

    public IpEnricher Enricher { get; }

    public PrincipalProfile Principal { get; } = new(ProfileOptions.Default);

    public BehaviorProfile Account { get; } = new(ProfileOptions.Default);

    public DetectionContext Context { get; } = TestEvents.Context();

    /// <summary>Runs one chunk of the principal's events through both steps, with the account profile answering as the account grain does.</summary>
    public IReadOnlyList<Finding> Apply(params CloudTrailEvent[] records)
    {
        var prepared = ProfileAnomalyDetector.Default.Prepare(records, Principal, Enricher, Context);
        var answers = AccountProfileAnswers.AnswerThenObserve(Account, prepared.Questions, prepared.Observations);
        return ProfileAnomalyDetector.Default.Decide(prepared, answers, TestEvents.AlicePrincipalKey, Context, Principal);
    }

    /// <summary>Feeds the principal's usual day for <paramref name="days"/> days: DescribeInstances and ListBuckets from the office with the AWS CLI.</summary>
    public void LearnUsualDays(int days, UserIdentity? identity = null, string source = Office)
    {
        for (var day = 0; day < days; day++)
        {
            var morning = Start.AddDays(day);
            var findings = Apply(
                Call("ec2.amazonaws.com", "DescribeInstances", morning, identity: identity, source: source),
                Call("s3.amazonaws.com", "ListBuckets", morning.AddHours(2), identity: identity, source: source));
            Assert.Empty(findings);
        }
    }

    /// <summary>Feeds other principals' usual days into the account profile only.</summary>
    public void LearnAccountDays(int days, string api, string source, string userAgent)
    {
        for (var day = 0; day < days; day++)
        {
            var time = Start.AddDays(day);
            var record = Call("iam.amazonaws.com", api, time, userAgent: userAgent, source: source);
            Account.Observe(ProfileFeatures.Of(record, Enricher.Enrich(source)), time);
        }
    }

    public CloudTrailEvent Call(
        string eventSource,
        string eventName,
        DateTimeOffset time,
        string userAgent = "aws-cli/2.15.0 Python/3.11.6",
        string source = Office,
        UserIdentity? identity = null,
        string? responseElements = null,
        string rawJson = "{}") => TestEvents.ApiCall(eventSource, eventName, identity ?? TestEvents.Alice, sourceIp: source, time: time) with
        {
            EventId = $"event-{++sequence}",
            UserAgent = userAgent,
            ResponseElementsJson = responseElements,
            RawJson = rawJson,
        };

    public void Dispose()
    {
        Enricher.Dispose();
        files.Dispose();
    }
}
