using Vigil.Contracts.Findings;

namespace Vigil.Storage;

/// <summary>Derives the stored resource key and display label of a finding.</summary>
internal static class FindingResourceText
{
    /// <summary>The <c>service.additionalInfo</c> entry in which detectors put the aggregation key's principal.</summary>
    public const string PrincipalKeyInfo = "principalKey";

    /// <summary>The <c>service.additionalInfo</c> entry in which network detectors put the aggregation key's endpoint.</summary>
    public const string EndpointKeyInfo = "endpointKey";

    /// <summary>
    /// Returns the principal or endpoint key the detector recorded, else the access key's principal
    /// id, else its user name, else an empty string.
    /// </summary>
    public static string KeyOf(Finding finding)
    {
        foreach (var info in (ReadOnlySpan<string>)[PrincipalKeyInfo, EndpointKeyInfo])
        {
            if (finding.Service.AdditionalInfo?.TryGetValue(info, out var key) == true && !string.IsNullOrEmpty(key))
            {
                return key;
            }
        }

        var accessKey = finding.Resource.AccessKeyDetails;
        return FirstNonEmpty(accessKey?.PrincipalId, accessKey?.UserName) ?? string.Empty;
    }

    /// <summary>
    /// Returns the user name, else the principal id, else the instance id, else the network interface
    /// id, else the resource key: the text the console shows.
    /// </summary>
    public static string LabelOf(Finding finding)
    {
        var accessKey = finding.Resource.AccessKeyDetails;
        var instance = finding.Resource.InstanceDetails;
        var networkInterface = instance?.NetworkInterfaces is { Count: > 0 } interfaces ? interfaces[0].NetworkInterfaceId : null;
        return FirstNonEmpty(accessKey?.UserName, accessKey?.PrincipalId)
            ?? FirstNonEmpty(instance?.InstanceId, networkInterface)
            ?? KeyOf(finding);
    }

    /// <summary>
    /// Returns the remote address of the finding's API call or network connection when its text is an
    /// IP address, else null (CloudTrail writes service names such as <c>s3.amazonaws.com</c> there too).
    /// </summary>
    public static System.Net.IPAddress? RemoteIpOf(Finding finding)
    {
        var action = finding.Service.Action;
        var details = action.AwsApiCallAction?.RemoteIpDetails ?? action.NetworkConnectionAction?.RemoteIpDetails;
        var text = details?.IpAddressV4 ?? details?.IpAddressV6;
        return text is not null && System.Net.IPAddress.TryParse(text, out var address) ? address : null;
    }

    private static string? FirstNonEmpty(string? first, string? second) =>
        !string.IsNullOrEmpty(first) ? first : !string.IsNullOrEmpty(second) ? second : null;
}
