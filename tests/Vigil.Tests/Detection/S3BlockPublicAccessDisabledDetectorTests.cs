using Vigil.Detection.Detectors;

namespace Vigil.Tests.Detection;

public sealed class S3BlockPublicAccessDisabledDetectorTests
{
    private const string S3 = "s3.amazonaws.com";

    private const string AllOn = """
        {"bucketName": "example-reports", "PublicAccessBlockConfiguration": {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
         "BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}
        """;

    [Theory]
    [InlineData("""{"bucketName": "example-reports", "PublicAccessBlockConfiguration": {"BlockPublicAcls": false, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}""")]
    [InlineData("""{"bucketName": "example-reports", "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": "false", "RestrictPublicBuckets": true}}""")]
    [InlineData("""{"bucketName": "example-reports", "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true}}""")]
    [InlineData("""{"bucketName": "example-reports", "publicAccessBlock": {"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": false, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}}""")]
    public void BucketBlockPublicAccess_SettingOff_Fires(string parameters)
    {
        var record = TestEvents.ApiCall(S3, "PutPublicAccessBlock", TestEvents.Alice, parameters);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(S3BlockPublicAccessDisabledDetector.BucketFindingType, finding.Type);
        Assert.Equal("Policy:S3/BucketBlockPublicAccessDisabled", finding.Type);
        Assert.Equal(2.0, finding.Severity);
        Assert.Equal("S3 Block Public Access was disabled for bucket example-reports.", finding.Title);
        Assert.Equal("alice", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Equal(TestEvents.AlicePrincipalKey, finding.Service.AdditionalInfo?["principalKey"]);
        Assert.Equal("example-reports", finding.Service.Action.AwsApiCallAction?.AffectedResources?["AWS::S3::Bucket"]);
    }

    [Fact]
    public void BucketBlockPublicAccess_Description_NamesSettingsOff()
    {
        var parameters = """{"bucketName": "example-reports", "PublicAccessBlockConfiguration": {"BlockPublicAcls": false, "IgnorePublicAcls": true, "BlockPublicPolicy": true}}""";
        var record = TestEvents.ApiCall(S3, "PutPublicAccessBlock", TestEvents.Alice, parameters);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Contains("turned off BlockPublicAcls, RestrictPublicBuckets", finding.Description);
    }

    [Fact]
    public void BucketBlockPublicAccess_Deleted_Fires()
    {
        var record = TestEvents.ApiCall(S3, "DeletePublicAccessBlock", TestEvents.Alice, """{"bucketName": "example-reports", "publicAccessBlock": ""}""");

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(S3BlockPublicAccessDisabledDetector.BucketFindingType, finding.Type);
        Assert.Equal("S3 Block Public Access was disabled for bucket example-reports.", finding.Title);
    }

    [Fact]
    public void AccountBlockPublicAccess_SettingsOff_Fires()
    {
        var parameters = """{"PublicAccessBlockConfiguration": {"BlockPublicAcls": false, "IgnorePublicAcls": false, "BlockPublicPolicy": false, "RestrictPublicBuckets": false}}""";
        var record = TestEvents.ApiCall(S3, "PutAccountPublicAccessBlock", TestEvents.Alice, parameters);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(S3BlockPublicAccessDisabledDetector.AccountFindingType, finding.Type);
        Assert.Equal("Policy:S3/AccountBlockPublicAccessDisabled", finding.Type);
        Assert.Equal(2.0, finding.Severity);
        Assert.Equal("S3 Block Public Access was disabled for account 111122223333.", finding.Title);
        Assert.Equal("alice", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Equal(TestEvents.AlicePrincipalKey, finding.Service.AdditionalInfo?["principalKey"]);
    }

    [Fact]
    public void AccountBlockPublicAccess_Deleted_Fires()
    {
        var record = TestEvents.ApiCall(S3, "DeleteAccountPublicAccessBlock", TestEvents.Alice);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(S3BlockPublicAccessDisabledDetector.AccountFindingType, finding.Type);
    }

    [Theory]
    [InlineData("PutPublicAccessBlock")]
    [InlineData("PutAccountPublicAccessBlock")]
    public void BlockPublicAccess_AllSettingsOn_DoesNotFire(string eventName)
    {
        var record = TestEvents.ApiCall(S3, eventName, TestEvents.Alice, AllOn);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Theory]
    [InlineData("PutPublicAccessBlock")]
    [InlineData("DeletePublicAccessBlock")]
    [InlineData("PutAccountPublicAccessBlock")]
    [InlineData("DeleteAccountPublicAccessBlock")]
    public void BlockPublicAccess_FailedCall_DoesNotFire(string eventName)
    {
        var parameters = """{"bucketName": "example-reports", "PublicAccessBlockConfiguration": {"BlockPublicAcls": false}}""";
        var record = TestEvents.ApiCall(S3, eventName, TestEvents.Alice, parameters, errorCode: "AccessDenied");

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Theory]
    [InlineData("""{"bucketName": "example-reports"}""")]
    [InlineData("""{"bucketName": "example-reports", "PublicAccessBlockConfiguration": "BlockPublicAcls=false"}""")]
    [InlineData("""{"bucketName": "example-reports", "PublicAccessBlockConfiguration": {"BlockPublicAcls": fal""")]
    public void BucketBlockPublicAccess_UnknownShape_DoesNotFire(string parameters)
    {
        var record = TestEvents.ApiCall(S3, "PutPublicAccessBlock", TestEvents.Alice, parameters);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }
}
