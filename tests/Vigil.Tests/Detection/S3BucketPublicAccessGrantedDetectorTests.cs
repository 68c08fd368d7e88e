using System.Text.Json;
using Vigil.Detection.Detectors;

namespace Vigil.Tests.Detection;

public sealed class S3BucketPublicAccessGrantedDetectorTests
{
    private const string S3 = "s3.amazonaws.com";

    private const string AnonymousTitle = "S3 bucket example-reports was opened to anonymous access from the internet.";

    private const string PublicTitle = "S3 bucket example-reports was opened to all authenticated AWS users.";

    [Theory]
    [InlineData("""{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-reports/*"}""")]
    [InlineData("""{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::example-reports/*"]}""")]
    [InlineData("""{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::444455556666:root", "*"]}, "Action": "s3:*", "Resource": "*"}""")]
    [InlineData("""{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "s3:GetObject", "Resource": "*"}""")]
    [InlineData("""{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}""")]
    [InlineData("""{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}}""")]
    [InlineData("""{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1a2b3c4d"}}}""")]
    [InlineData("""{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "0.0.0.0/0"]}}}""")]
    [InlineData("""{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-exampleorg"}}}""")]
    public void BucketPolicy_OpenStatement_RaisesAnonymous(string statement)
    {
        var record = TestEvents.ApiCall(S3, "PutBucketPolicy", TestEvents.Alice, PolicyRequest(statement));

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(S3BucketPublicAccessGrantedDetector.AnonymousFindingType, finding.Type);
        Assert.Equal("Policy:S3/BucketAnonymousAccessGranted", finding.Type);
        Assert.Equal(8.0, finding.Severity);
        Assert.Equal(AnonymousTitle, finding.Title);
        Assert.Equal("alice", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Equal(TestEvents.AlicePrincipalKey, finding.Service.AdditionalInfo?["principalKey"]);
        Assert.Equal("example-reports", finding.Service.Action.AwsApiCallAction?.AffectedResources?["AWS::S3::Bucket"]);
    }

    [Fact]
    public void BucketPolicy_StatementSid_NamedInDescription()
    {
        var statement = """{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}""";
        var record = TestEvents.ApiCall(S3, "PutBucketPolicy", TestEvents.Alice, PolicyRequest(statement));

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Contains("bucket policy statement PublicRead allows any principal", finding.Description);
    }

    [Fact]
    public void BucketPolicy_PolicyAsJsonText_RaisesAnonymous()
    {
        var policy = """{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}}""";
        var parameters = JsonSerializer.Serialize(new Dictionary<string, string> { ["bucketName"] = "example-reports", ["bucketPolicy"] = policy });
        var record = TestEvents.ApiCall(S3, "PutBucketPolicy", TestEvents.Alice, parameters);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(S3BucketPublicAccessGrantedDetector.AnonymousFindingType, finding.Type);
    }

    [Theory]
    [InlineData("""{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringLike": {"aws:PrincipalArn": "*"}}}""")]
    [InlineData("""{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringLike": {"aws:PrincipalAccount": ["*"]}}}""")]
    public void BucketPolicy_AnySignedCaller_RaisesPublic(string statement)
    {
        var record = TestEvents.ApiCall(S3, "PutBucketPolicy", TestEvents.Alice, PolicyRequest(statement));

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(S3BucketPublicAccessGrantedDetector.PublicFindingType, finding.Type);
        Assert.Equal("Policy:S3/BucketPublicAccessGranted", finding.Type);
        Assert.Equal(8.0, finding.Severity);
        Assert.Equal(PublicTitle, finding.Title);
        Assert.Equal("alice", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Equal(TestEvents.AlicePrincipalKey, finding.Service.AdditionalInfo?["principalKey"]);
    }

    [Theory]
    [InlineData("""{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}}""")]
    [InlineData("""{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorg"}}}""")]
    [InlineData("""{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24"]}}}""")]
    [InlineData("""{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "*", "Condition": {"StringEquals": {"AWS:SourceAccount": "111122223333"}, "ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*"}}}""")]
    [InlineData("""{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:PrincipalOrgPaths": ["o-exampleorg/r-ab12/ou-ab12-11111111/*"]}}}""")]
    [InlineData("""{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}""")]
    [InlineData("""{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "s3:GetObject", "Resource": "*"}""")]
    [InlineData("""{"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "*"}""")]
    public void BucketPolicy_RestrictedStatement_DoesNotFire(string statement)
    {
        var record = TestEvents.ApiCall(S3, "PutBucketPolicy", TestEvents.Alice, PolicyRequest(statement));

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void BucketPolicy_FailedCall_DoesNotFire()
    {
        var statement = """{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}""";
        var record = TestEvents.ApiCall(S3, "PutBucketPolicy", TestEvents.Alice, PolicyRequest(statement), errorCode: "AccessDenied");

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void BucketPolicy_MixedStatements_RaisesAnonymous()
    {
        var statements = """
            {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringLike": {"aws:PrincipalArn": "*"}}},
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
            """;
        var record = TestEvents.ApiCall(S3, "PutBucketPolicy", TestEvents.Alice, PolicyRequest(statements));

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(S3BucketPublicAccessGrantedDetector.AnonymousFindingType, finding.Type);
    }

    [Theory]
    [InlineData("""{"bucketName": "example-reports", "bucketPolicy": "not json"}""")]
    [InlineData("""{"bucketName": "example-reports", "bucketPolicy": {"Statement": "*"}}""")]
    [InlineData("""{"bucketName": "example-reports", "bucketPolicy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Condition": {"StringEquals": {"aws:SourceVpc\ud800": "x"}}}]}}""")]
    [InlineData("""{"bucketName": "example-reports", "bucketPolicy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Condition": ["StringEquals"]""")]
    [InlineData("""{"bucketName": "example-reports", "bucketPolicy": 42}""")]
    [InlineData("""["PutBucketPolicy"]""")]
    public void BucketPolicy_OddShape_DoesNotFire(string parameters)
    {
        var record = TestEvents.ApiCall(S3, "PutBucketPolicy", TestEvents.Alice, parameters);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void BucketPolicy_DeeplyNestedPayload_DoesNotFire()
    {
        var depth = 10_000;
        var parameters = """{"bucketName": "example-reports", "bucketPolicy": """ + new string('[', depth) + new string(']', depth) + "}";
        var record = TestEvents.ApiCall(S3, "PutBucketPolicy", TestEvents.Alice, parameters);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Theory]
    [InlineData("http://acs.amazonaws.com/groups/global/AllUsers", "READ", S3BucketPublicAccessGrantedDetector.AnonymousFindingType)]
    [InlineData("http://acs.amazonaws.com/groups/global/AllUsers", "WRITE_ACP", S3BucketPublicAccessGrantedDetector.AnonymousFindingType)]
    [InlineData("http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "READ", S3BucketPublicAccessGrantedDetector.PublicFindingType)]
    public void BucketAcl_GroupGrant_Fires(string groupUri, string permission, string type)
    {
        var parameters = $$"""
            {"bucketName": "example-reports", "acl": [""], "AccessControlPolicy": {"AccessControlList": {"Grant": [
              {"Grantee": {"xsi:type": "CanonicalUser", "ID": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, "Permission": "FULL_CONTROL"},
              {"Grantee": {"xsi:type": "Group", "URI": "{{groupUri}}"}, "Permission": "{{permission}}"}]},
             "Owner": {"ID": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"} } }
            """;
        var record = TestEvents.ApiCall(S3, "PutBucketAcl", TestEvents.Alice, parameters);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(type, finding.Type);
        Assert.Equal(8.0, finding.Severity);
        Assert.Equal(type == S3BucketPublicAccessGrantedDetector.AnonymousFindingType ? AnonymousTitle : PublicTitle, finding.Title);
        Assert.Equal("alice", finding.Resource.AccessKeyDetails?.UserName);
        Assert.Equal(TestEvents.AlicePrincipalKey, finding.Service.AdditionalInfo?["principalKey"]);
        Assert.Contains($"an ACL grant of {permission}", finding.Description);
    }

    [Fact]
    public void BucketAcl_SingleGrantObject_Fires()
    {
        var parameters = """
            {"bucketName": "example-reports", "AccessControlPolicy": {"AccessControlList": {"Grant":
              {"Grantee": {"xsi:type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"}}}}
            """;
        var record = TestEvents.ApiCall(S3, "PutBucketAcl", TestEvents.Alice, parameters);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(S3BucketPublicAccessGrantedDetector.AnonymousFindingType, finding.Type);
    }

    [Theory]
    [InlineData("""{"bucketName": "example-reports", "x-amz-acl": ["public-read"]}""", S3BucketPublicAccessGrantedDetector.AnonymousFindingType)]
    [InlineData("""{"bucketName": "example-reports", "x-amz-acl": "public-read-write"}""", S3BucketPublicAccessGrantedDetector.AnonymousFindingType)]
    [InlineData("""{"bucketName": "example-reports", "x-amz-acl": ["authenticated-read"]}""", S3BucketPublicAccessGrantedDetector.PublicFindingType)]
    [InlineData("""{"bucketName": "example-reports", "x-amz-grant-read": ["uri=\"http://acs.amazonaws.com/groups/global/AllUsers\""]}""", S3BucketPublicAccessGrantedDetector.AnonymousFindingType)]
    public void BucketAcl_CannedAclOrHeader_Fires(string parameters, string type)
    {
        var record = TestEvents.ApiCall(S3, "PutBucketAcl", TestEvents.Alice, parameters);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(type, finding.Type);
    }

    [Theory]
    [InlineData("""{"bucketName": "example-reports", "x-amz-acl": ["private"]}""")]
    [InlineData("""{"bucketName": "example-reports", "x-amz-acl": ["bucket-owner-full-control"]}""")]
    [InlineData("""{"bucketName": "example-reports", "AccessControlPolicy": {"AccessControlList": {"Grant": [{"Grantee": {"xsi:type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"}, "Permission": "WRITE"}]}}}""")]
    public void BucketAcl_PrivateOrLogDelivery_DoesNotFire(string parameters)
    {
        var record = TestEvents.ApiCall(S3, "PutBucketAcl", TestEvents.Alice, parameters);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void BucketAcl_FailedCall_DoesNotFire()
    {
        var record = TestEvents.ApiCall(S3, "PutBucketAcl", TestEvents.Alice, """{"bucketName": "example-reports", "x-amz-acl": ["public-read"]}""", errorCode: "AccessDenied");

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    private static string PolicyRequest(string statements) =>
        $$"""{"bucketName": "example-reports", "bucketPolicy": {"Version": "2012-10-17", "Statement": [{{statements}}]}, "policy": [""], "Host": "example-reports.s3.amazonaws.com"}""";
}
