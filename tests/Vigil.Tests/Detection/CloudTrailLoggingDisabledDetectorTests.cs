using Vigil.Detection.Detectors;

namespace Vigil.Tests.Detection;

public sealed class CloudTrailLoggingDisabledDetectorTests
{
    private const string CloudTrail = "cloudtrail.amazonaws.com";

    [Theory]
    [InlineData("StopLogging")]
    [InlineData("DeleteTrail")]
    public void LoggingDisabled_SuccessfulCall_Fires(string eventName)
    {
        var record = TestEvents.ApiCall(CloudTrail, eventName, TestEvents.Alice, """{"name": "management-events"}""");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(CloudTrailLoggingDisabledDetector.FindingType, finding.Type);
        Assert.Equal("Stealth:IAMUser/CloudTrailLoggingDisabled", finding.Type);
        Assert.Equal(2.0, finding.Severity);
        Assert.Equal("management-events", finding.Service.Action.AwsApiCallAction?.AffectedResources?["AWS::CloudTrail::Trail"]);
        Assert.Contains("management-events", finding.Title);
    }

    [Theory]
    [InlineData("StopLogging")]
    [InlineData("DeleteTrail")]
    public void LoggingDisabled_FailedCall_DoesNotFire(string eventName)
    {
        var record = TestEvents.ApiCall(CloudTrail, eventName, TestEvents.Alice, """{"name": "management-events"}""", errorCode: "AccessDenied");

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Theory]
    [InlineData("isMultiRegionTrail")]
    [InlineData("includeGlobalServiceEvents")]
    [InlineData("enableLogFileValidation")]
    public void LoggingDisabled_UpdateTrailFlagOff_Fires(string flag)
    {
        var parameters = $$"""{"name": "management-events", "{{flag}}": false}""";
        var record = TestEvents.ApiCall(CloudTrail, "UpdateTrail", TestEvents.Alice, parameters);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(CloudTrailLoggingDisabledDetector.FindingType, finding.Type);
        Assert.Contains(flag + " to false", finding.Description);
    }

    [Fact]
    public void LoggingDisabled_UpdateTrailBucketOnly()
    {
        var parameters = """{"name": "management-events", "s3BucketName": "example-archive-bucket"}""";
        var record = TestEvents.ApiCall(CloudTrail, "UpdateTrail", TestEvents.Alice, parameters);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void LoggingDisabled_UpdateTrailFlagOn()
    {
        var parameters = """{"name": "management-events", "isMultiRegionTrail": true}""";
        var record = TestEvents.ApiCall(CloudTrail, "UpdateTrail", TestEvents.Alice, parameters);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void LoggingDisabled_OtherService_DoesNotFire()
    {
        var record = TestEvents.ApiCall("config.amazonaws.com", "StopLogging", TestEvents.Alice, """{"name": "management-events"}""");

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void LoggingDisabled_LoneSurrogateName_StillFires()
    {
        var record = TestEvents.ApiCall(CloudTrail, "StopLogging", TestEvents.Alice, """{"name": "trail-\ud800"}""");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(CloudTrailLoggingDisabledDetector.FindingType, finding.Type);
    }
}
