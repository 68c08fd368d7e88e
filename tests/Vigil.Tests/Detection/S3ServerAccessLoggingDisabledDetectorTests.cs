using Vigil.Detection.Detectors;

namespace Vigil.Tests.Detection;

public sealed class S3ServerAccessLoggingDisabledDetectorTests
{
    private const string S3 = "s3.amazonaws.com";

    [Theory]
    [InlineData("""{"bucketName": "example-reports", "BucketLoggingStatus": {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}, "logging": [""]}""")]
    [InlineData("""{"bucketName": "example-reports", "BucketLoggingStatus": ""}""")]
    public void AccessLogging_EmptyStatus_Fires(string parameters)
    {
        var record = TestEvents.ApiCall(S3, "PutBucketLogging", TestEvents.Alice, parameters);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(S3ServerAccessLoggingDisabledDetector.FindingType, finding.Type);
        Assert.Equal("Stealth:S3/ServerAccessLoggingDisabled", finding.Type);
        Assert.Equal(2.0, finding.Severity);
        Assert.Equal("S3 server access logging was disabled for bucket example-reports.", finding.Title);
        Assert.Equal("alice", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Equal(TestEvents.AlicePrincipalKey, finding.Service.AdditionalInfo?["principalKey"]);
        Assert.Equal("example-reports", finding.Service.Action.AwsApiCallAction?.AffectedResources?["AWS::S3::Bucket"]);
    }

    [Fact]
    public void AccessLogging_Enabled_DoesNotFire()
    {
        var parameters = """
            {"bucketName": "example-reports", "BucketLoggingStatus": {"LoggingEnabled": {"TargetBucket": "example-logs", "TargetPrefix": "reports/"}}}
            """;
        var record = TestEvents.ApiCall(S3, "PutBucketLogging", TestEvents.Alice, parameters);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void AccessLogging_FailedCall_DoesNotFire()
    {
        var parameters = """{"bucketName": "example-reports", "BucketLoggingStatus": {}}""";
        var record = TestEvents.ApiCall(S3, "PutBucketLogging", TestEvents.Alice, parameters, errorCode: "AccessDenied");

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void AccessLogging_NoStatus_DoesNotFire()
    {
        var record = TestEvents.ApiCall(S3, "PutBucketLogging", TestEvents.Alice, """{"bucketName": "example-reports"}""");

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }
}
