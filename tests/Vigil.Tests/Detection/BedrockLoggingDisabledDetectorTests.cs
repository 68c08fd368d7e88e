using Vigil.Detection.Detectors;

namespace Vigil.Tests.Detection;

public sealed class BedrockLoggingDisabledDetectorTests
{
    private const string Bedrock = "bedrock.amazonaws.com";

    [Fact]
    public void BedrockLogging_ConfigurationDeleted_Fires()
    {
        var record = TestEvents.ApiCall(Bedrock, "DeleteModelInvocationLoggingConfiguration", TestEvents.Alice);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(BedrockLoggingDisabledDetector.FindingType, finding.Type);
        Assert.Equal("DefenseEvasion:IAMUser/BedrockLoggingDisabled", finding.Type);
        Assert.Equal(5.0, finding.Severity);
        Assert.Equal("Amazon Bedrock model invocation logging was disabled.", finding.Title);
        Assert.Equal("alice", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Equal(TestEvents.AlicePrincipalKey, finding.Service.AdditionalInfo?["principalKey"]);
    }

    [Fact]
    public void BedrockLogging_PutWithoutDestination_Fires()
    {
        var parameters = """{"loggingConfig": {"textDataDeliveryEnabled": true, "imageDataDeliveryEnabled": true}}""";
        var record = TestEvents.ApiCall(Bedrock, "PutModelInvocationLoggingConfiguration", TestEvents.Alice, parameters);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(BedrockLoggingDisabledDetector.FindingType, finding.Type);
        Assert.Contains("without a CloudWatch Logs or S3 destination", finding.Description);
    }

    [Theory]
    [InlineData("""{"loggingConfig": {"s3Config": {"bucketName": "example-bedrock-logs"}, "textDataDeliveryEnabled": true}}""")]
    [InlineData("""{"loggingConfig": {"cloudWatchConfig": {"logGroupName": "bedrock", "roleArn": "arn:aws:iam::111122223333:role/bedrock-logs"}}}""")]
    [InlineData("""{"other": {}}""")]
    [InlineData(null)]
    public void BedrockLogging_PutWithDestinationOrUnknownShape_DoesNotFire(string? parameters)
    {
        var record = TestEvents.ApiCall(Bedrock, "PutModelInvocationLoggingConfiguration", TestEvents.Alice, parameters);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void BedrockLogging_FailedDelete_DoesNotFire()
    {
        var record = TestEvents.ApiCall(Bedrock, "DeleteModelInvocationLoggingConfiguration", TestEvents.Alice, errorCode: "AccessDeniedException");

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void BedrockLogging_OtherService_DoesNotFire()
    {
        var record = TestEvents.ApiCall("sagemaker.amazonaws.com", "DeleteModelInvocationLoggingConfiguration", TestEvents.Alice);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }
}
