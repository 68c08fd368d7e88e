namespace Vigil.Console.Tests;

/// <summary>A rule and CloudTrail test events for the rule page and API tests.</summary>
internal static class RuleTestData
{
    public const string SamlRule = """
        title: AWS IAM SAML Provider Metadata Updated
        id: 6f3f4b0e-2a51-4c55-9d0b-7b1a6c2e9a01
        logsource:
            product: aws
            service: cloudtrail
        detection:
            selection:
                eventSource: iam.amazonaws.com
                eventName: UpdateSAMLProvider
            condition: selection
        level: high
        """;

    /// <summary>A rule whose condition names a selection that does not exist, on line 9.</summary>
    public const string BrokenRule = """
        title: Broken
        logsource:
            product: aws
            service: cloudtrail
        detection:
            selection:
                eventName: UpdateSAMLProvider
            condition: selection and missing
        """;

    public static string TestEvents(params string[] eventNames) =>
        "{\"Records\":[" + string.Join(",", eventNames.Select((name, index) => $$"""
            {"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},
             "eventTime":"2026-03-05T10:0{{index}}:00Z","eventSource":"iam.amazonaws.com","eventName":"{{name}}","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.14",
             "userAgent":"aws-cli/2.15.0","requestID":"r-{{index}}","eventID":"e-{{index}}","eventType":"AwsApiCall","recipientAccountId":"111122223333"}
            """)) + "]}";
}
