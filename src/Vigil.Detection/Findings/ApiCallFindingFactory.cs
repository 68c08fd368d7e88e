using System.Net;
using System.Net.Sockets;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;

namespace Vigil.Detection.Findings;

/// <summary>
/// Builds one occurrence of an IAM finding (resource type AccessKey, action AWS_API_CALL) from a
/// CloudTrail event. The aggregation key is the finding type, account, region and principal, with
/// resource role ACTOR, so repeats by the same principal raise the count of one finding.
/// </summary>
public static class ApiCallFindingFactory
{
    public static Finding Create(
        CloudTrailEvent record,
        string principalKey,
        DetectionContext context,
        FindingTemplate template,
        FindingEvidence? evidence = null,
        IReadOnlyDictionary<string, string>? affectedResources = null,
        IReadOnlyDictionary<string, string>? additionalInfo = null)
    {
        var info = new Dictionary<string, string>(additionalInfo ?? new Dictionary<string, string>())
        {
            ["principalKey"] = principalKey,
            ["eventId"] = record.EventId,
        };
        var resource = new FindingResource
        {
            ResourceType = "AccessKey",
            AccessKeyDetails = new AccessKeyDetails
            {
                AccessKeyId = record.UserIdentity?.AccessKeyId,
                PrincipalId = record.UserIdentity?.PrincipalId,
                UserName = UserNameOf(record.UserIdentity),
                UserType = record.UserIdentity?.Type,
            },
        };
        var action = new FindingAction
        {
            ActionType = "AWS_API_CALL",
            AwsApiCallAction = new AwsApiCallAction
            {
                Api = record.EventName,
                ServiceName = record.EventSource,
                CallerType = CallerTypeOf(record.SourceIpAddress),
                ErrorCode = record.ErrorCode,
                UserAgent = record.UserAgent,
                RemoteIpDetails = RemoteIpOf(record.SourceIpAddress),
                AffectedResources = affectedResources,
            },
        };

        var occurrence = new FindingOccurrence(record.AccountId, record.AwsRegion ?? "unknown", principalKey, "ACTOR", record.EventTime);
        return FindingFactory.Create(context, template, occurrence, resource, action, evidence, info);
    }

    /// <summary>The name shown for the principal: the user name, the role session issuer's name, or "Root".</summary>
    public static string? UserNameOf(UserIdentity? identity) => identity switch
    {
        null => null,
        { Type: "Root" } => "Root",
        { Type: "AssumedRole" } => identity.SessionIssuerUserName ?? identity.UserName ?? identity.PrincipalId,
        { Type: "AWSService" } => identity.InvokedBy,
        _ => identity.UserName ?? identity.PrincipalId,
    };

    private static string CallerTypeOf(string? source)
    {
        if (source is null)
        {
            return "Unknown";
        }

        return IPAddress.TryParse(source, out _) ? "Remote IP" : "AWS Service";
    }

    private static RemoteIpDetails? RemoteIpOf(string? source)
    {
        if (source is null || !IPAddress.TryParse(source, out var address))
        {
            return null;
        }

        return address.AddressFamily == AddressFamily.InterNetwork
            ? new RemoteIpDetails { IpAddressV4 = address.ToString() }
            : new RemoteIpDetails { IpAddressV6 = address.ToString() };
    }
}

/// <summary>The fixed parts of a finding occurrence: type, severity, title and description.</summary>
public sealed record FindingTemplate(string Type, double Severity, string Title, string Description);
