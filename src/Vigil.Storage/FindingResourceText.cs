using Vigil.Contracts.Findings;

namespace Vigil.Storage;

/// <summary>Derives the stored resource key and display label of a finding.</summary>
internal static class FindingResourceText
{
    /// <summary>The <c>service.additionalInfo</c> entry in which detectors put the aggregation key's principal.</summary>
    public const string PrincipalKeyInfo = "principalKey";

    /// <summary>
    /// Returns the principal key the detector recorded, else the access key's principal id, else
    /// its user name, else an empty string (for resources without a principal).
    /// </summary>
    public static string KeyOf(Finding finding)
    {
        if (finding.Service.AdditionalInfo?.TryGetValue(PrincipalKeyInfo, out var principalKey) == true
            && !string.IsNullOrEmpty(principalKey))
        {
            return principalKey;
        }

        var accessKey = finding.Resource.AccessKeyDetails;
        return FirstNonEmpty(accessKey?.PrincipalId, accessKey?.UserName) ?? string.Empty;
    }

    /// <summary>Returns the user name, else the principal id, else the resource key: the text the console shows.</summary>
    public static string LabelOf(Finding finding)
    {
        var accessKey = finding.Resource.AccessKeyDetails;
        return FirstNonEmpty(accessKey?.UserName, accessKey?.PrincipalId) ?? KeyOf(finding);
    }

    private static string? FirstNonEmpty(string? first, string? second) =>
        !string.IsNullOrEmpty(first) ? first : !string.IsNullOrEmpty(second) ? second : null;
}
