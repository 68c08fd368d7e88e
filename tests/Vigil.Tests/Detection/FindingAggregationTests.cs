using Vigil.Contracts.Findings;
using Vigil.Detection;
using Vigil.Detection.Detectors;

namespace Vigil.Tests.Detection;

public sealed class FindingAggregationTests
{
    private static readonly DateTimeOffset Earlier = new(2024, 3, 5, 9, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset Later = new(2024, 3, 5, 17, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Detection_TwoOccurrences_MergeIntoOne()
    {
        var first = TestEvents.ApiCall("iam.amazonaws.com", "ListUsers", TestEvents.Root, time: Earlier);
        var second = TestEvents.ApiCall("iam.amazonaws.com", "CreateUser", TestEvents.Root, time: Later);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), first, second));

        Assert.Equal(2, finding.Service.Count);
        Assert.Equal(Earlier, finding.Service.EventFirstSeen);
        Assert.Equal(Later, finding.Service.EventLastSeen);
        Assert.Equal("CreateUser", finding.Service.Action.AwsApiCallAction?.Api);
    }

    [Fact]
    public void Detection_OccurrencesOutOfOrder_SpanBoth()
    {
        var later = TestEvents.ApiCall("iam.amazonaws.com", "CreateUser", TestEvents.Root, time: Later);
        var earlier = TestEvents.ApiCall("iam.amazonaws.com", "ListUsers", TestEvents.Root, time: Earlier);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), later, earlier));

        Assert.Equal(2, finding.Service.Count);
        Assert.Equal(Earlier, finding.Service.EventFirstSeen);
        Assert.Equal(Later, finding.Service.EventLastSeen);
        Assert.Equal("CreateUser", finding.Service.Action.AwsApiCallAction?.Api);
    }

    [Fact]
    public void Detection_TwoFindingTypes_StaySeparate()
    {
        var context = TestEvents.Context("tenant-a", ("blocked", "203.0.113.50\n"));
        var record = TestEvents.ApiCall("cloudtrail.amazonaws.com", "StopLogging", TestEvents.Root, """{"name": "management-events"}""");

        var findings = TestEvents.Inspect(context, record);

        Assert.Equal(
            [RootCredentialUsageDetector.FindingType, CloudTrailLoggingDisabledDetector.FindingType, CustomThreatListCallerDetector.FindingType],
            findings.Select(f => f.Type).Order(StringComparer.Ordinal));
        Assert.Equal(3, findings.Select(f => f.Id).Distinct().Count());
    }

    [Fact]
    public void FindingId_SameInput_IsStableAcrossRuns()
    {
        var record = TestEvents.ApiCall("iam.amazonaws.com", "ListUsers", TestEvents.Root);

        var firstRun = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));
        var secondRun = Assert.Single(new CloudTrailDetection([new RootCredentialUsageDetector()]).Inspect([record], PrincipalKey.For(record), TestEvents.Context()));

        Assert.Equal(firstRun.Id, secondRun.Id);
        Assert.Equal(32, firstRun.Id.Length);
        Assert.Equal(
            FindingId.For("tenant-a", RootCredentialUsageDetector.FindingType, "111122223333", "us-east-1", "111122223333/arn:aws:iam::111122223333:root", "ACTOR"),
            firstRun.Id);
    }

    [Fact]
    public void FindingId_OtherTenant_Differs()
    {
        var record = TestEvents.ApiCall("iam.amazonaws.com", "ListUsers", TestEvents.Root);

        var tenantA = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-a"), record));
        var tenantB = Assert.Single(TestEvents.Inspect(TestEvents.Context("tenant-b"), record));

        Assert.NotEqual(tenantA.Id, tenantB.Id);
        Assert.NotEqual(tenantA.Service.DetectorId, tenantB.Service.DetectorId);
        Assert.NotEqual(tenantA.Arn, tenantB.Arn);
    }

    [Fact]
    public void FindingId_OtherPrincipal_Differs()
    {
        var root = TestEvents.ApiCall("cloudtrail.amazonaws.com", "StopLogging", TestEvents.Root, """{"name": "t"}""");
        var alice = TestEvents.ApiCall("cloudtrail.amazonaws.com", "StopLogging", TestEvents.Alice, """{"name": "t"}""");
        var context = TestEvents.Context();

        var byRoot = Assert.Single(TestEvents.Inspect(context, root), f => f.Type == CloudTrailLoggingDisabledDetector.FindingType);
        var byAlice = Assert.Single(TestEvents.Inspect(context, alice));

        Assert.NotEqual(byRoot.Id, byAlice.Id);
    }

    [Fact]
    public void Merge_DifferentIds_Throws()
    {
        var context = TestEvents.Context();
        var root = Assert.Single(TestEvents.Inspect(context, TestEvents.ApiCall("iam.amazonaws.com", "ListUsers", TestEvents.Root)));
        var other = root with { Id = new string('0', 32) };

        Assert.Throws<ArgumentException>(() => FindingAggregation.Merge(root, other));
    }
}
