using Vigil.Detection.Detectors;

namespace Vigil.Tests.Detection;

public sealed class AdministrativePermissionsDetectorTests
{
    [Theory]
    [InlineData("AttachUserPolicy", """{"userName": "bob", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}""", "AWS::IAM::User", "bob")]
    [InlineData("AttachRolePolicy", """{"roleName": "ci", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}""", "AWS::IAM::Role", "ci")]
    [InlineData("AttachGroupPolicy", """{"groupName": "ops", "policyArn": "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"}""", "AWS::IAM::Group", "ops")]
    [InlineData("PutUserPolicy", """{"userName": "bob", "policyName": "all", "policyDocument": "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}"}""", "AWS::IAM::User", "bob")]
    [InlineData("PutRolePolicy", """{"roleName": "ci", "policyName": "all", "policyDocument": "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%5B%22*%22%5D%2C%22Resource%22%3A%22*%22%7D%5D%7D"}""", "AWS::IAM::Role", "ci")]
    public void AdministratorGrant_Raises(string api, string parameters, string resourceKey, string target)
    {
        var record = TestEvents.ApiCall("iam.amazonaws.com", api, TestEvents.Alice, parameters);

        var finding = Assert.Single(TestEvents.Inspect(TestEvents.Context(), record));

        Assert.Equal(AdministrativePermissionsDetector.FindingType, finding.Type);
        Assert.Equal(5.0, finding.Severity);
        Assert.Equal(target, finding.Service.Action.AwsApiCallAction?.AffectedResources?[resourceKey]);
    }

    [Theory]
    [InlineData("AttachUserPolicy", """{"userName": "bob", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}""")]
    [InlineData("AttachUserPolicy", """{"userName": "bob", "policyArn": "arn:aws:iam::111122223333:policy/team/NotAdministratorAccess"}""")]
    [InlineData("PutUserPolicy", """{"userName": "bob", "policyName": "s3", "policyDocument": "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}"}""")]
    [InlineData("PutUserPolicy", """{"userName": "bob", "policyName": "deny", "policyDocument": "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}}"}""")]
    public void NarrowerGrant_RaisesNothing(string api, string parameters)
    {
        var record = TestEvents.ApiCall("iam.amazonaws.com", api, TestEvents.Alice, parameters);

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }

    [Fact]
    public void FailedAttach_RaisesNothing()
    {
        var record = TestEvents.ApiCall(
            "iam.amazonaws.com", "AttachUserPolicy", TestEvents.Alice, """{"userName": "bob", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}""", errorCode: "AccessDenied");

        Assert.Empty(TestEvents.Inspect(TestEvents.Context(), record));
    }
}
