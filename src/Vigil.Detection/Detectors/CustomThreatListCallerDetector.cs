using System.Collections.Frozen;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection.Findings;

namespace Vigil.Detection.Detectors;

/// <summary>
/// API calls, other than S3 data events, from a source IP address contained in one of the tenant's
/// own threat lists. Each call raises exactly one of two types (Vigil's rule, because GuardDuty
/// does not say whether one call raises both):
/// <list type="bullet">
/// <item>Recon:IAMUser/MaliciousIPCaller.Custom (severity 5) for a reconnaissance API, see <see cref="IsReconApi"/>;</item>
/// <item>UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom (severity 5) for every other API.</item>
/// </list>
/// Failed calls count too, because the caller used the credentials either way. S3 data events raise the
/// S3 types of <see cref="S3CustomThreatListCallerDetector"/> instead. The evidence names the list and the entry.
/// </summary>
public sealed class CustomThreatListCallerDetector : ICloudTrailDetector
{
    /// <summary>UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom.</summary>
    public const string FindingType = "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom";

    public const string ReconFindingType = "Recon:IAMUser/MaliciousIPCaller.Custom";

    private static readonly string[] ReconPrefixes = ["List", "Describe", "Get", "Search", "Lookup"];

    /// <summary>Recon APIs whose names carry none of the <see cref="ReconPrefixes"/>: IAM reports and policy simulation, and log search.</summary>
    private static readonly FrozenSet<string> ReconNames = FrozenSet.Create(
        StringComparer.Ordinal,
        "GenerateCredentialReport", "GenerateServiceLastAccessedDetails", "GenerateOrganizationsAccessReport",
        "SimulatePrincipalPolicy", "SimulateCustomPolicy", "FilterLogEvents");

    /// <summary>Get APIs that return credentials or secret values: they are access, not reconnaissance.</summary>
    private static readonly FrozenSet<string> CredentialApis = FrozenSet.Create(
        StringComparer.Ordinal,
        "GetSecretValue", "BatchGetSecretValue", "GetPasswordData", "GetSessionToken", "GetFederationToken",
        "GetAuthorizationToken", "GetRoleCredentials", "GetClusterCredentials", "GetClusterCredentialsWithIAM",
        "GetParameter", "GetParameters", "GetParametersByPath", "GetCredentialsForIdentity", "GetOpenIdToken",
        "GetOpenIdTokenForDeveloperIdentity");

    public void Inspect(CloudTrailEvent record, string principalKey, DetectionContext context, List<Finding> findings)
    {
        if (record.UserIdentity is null || S3Events.IsDataEvent(record) || !context.Intel.TryMatch(record.SourceIpAddress, out var match))
        {
            return;
        }

        var api = record.EventName ?? "(unknown)";
        var list = $"the custom threat list {match.List.Name} (entry {match.Entry})";
        var template = IsReconApi(record.EventName)
            ? new FindingTemplate(
                ReconFindingType,
                5.0,
                $"Reconnaissance API {api} was invoked from an IP address on a custom threat list.",
                $"API {api}, which lists or describes resources, was invoked from IP address {record.SourceIpAddress}, which is on {list}.")
            : new FindingTemplate(
                FindingType,
                5.0,
                $"API {api} was invoked from an IP address on a custom threat list.",
                $"API {api} was invoked from IP address {record.SourceIpAddress}, which is on {list}.");
        findings.Add(ApiCallFindingFactory.Create(
            record, principalKey, context, template, ThreatListEvidence.For(match), additionalInfo: ThreatListEvidence.AdditionalInfo(match)));
    }

    /// <summary>
    /// True for an API that lists, describes or reads configuration: a name starting with List,
    /// Describe, Get, Search or Lookup as a whole word (GetUser, not Getaway), or one of
    /// <see cref="ReconNames"/>. Get APIs that return credentials or secrets are not recon.
    /// </summary>
    public static bool IsReconApi(string? eventName)
    {
        if (string.IsNullOrEmpty(eventName) || CredentialApis.Contains(eventName))
        {
            return false;
        }

        if (ReconNames.Contains(eventName))
        {
            return true;
        }

        foreach (var prefix in ReconPrefixes)
        {
            if (StartsWithWord(eventName, prefix))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="name"/> starts with <paramref name="word"/> followed by the end, an upper-case letter or a digit.</summary>
    internal static bool StartsWithWord(string name, string word) =>
        name.StartsWith(word, StringComparison.Ordinal)
        && (name.Length == word.Length || char.IsAsciiLetterUpper(name[word.Length]) || char.IsAsciiDigit(name[word.Length]));
}
