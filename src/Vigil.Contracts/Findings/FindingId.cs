using System.Security.Cryptography;
using System.Text;

namespace Vigil.Contracts.Findings;

/// <summary>
/// Derives finding and detector ids. A finding id is the first 128 bits of SHA-256 over the
/// aggregation key, so every occurrence of one security issue lands on the same id in every run.
/// </summary>
public static class FindingId
{
    /// <summary>
    /// Returns the finding id for a tenant, finding type, account, region, resource key and resource role.
    /// The resource key is the principal for IAM findings.
    /// </summary>
    public static string For(string tenantId, string type, string accountId, string region, string resourceKey, string resourceRole) =>
        HashHex(string.Join('\n', tenantId, type, accountId, region, resourceKey, resourceRole));

    /// <summary>Returns the detector id that stands for a tenant in finding ARNs.</summary>
    public static string DetectorFor(string tenantId) => HashHex("detector\n" + tenantId);

    public static string ArnFor(string region, string accountId, string detectorId, string findingId) =>
        $"arn:aws:guardduty:{region}:{accountId}:detector/{detectorId}/finding/{findingId}";

    private static string HashHex(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
