using System.Security.Cryptography;
using System.Text;

namespace Vigil.Ingestion.Integrity;

/// <summary>
/// CloudTrail's digest signature: SHA256withRSA (RSA PKCS#1 v1.5 over the SHA-256 of the UTF-8
/// signing string), written as hex. The only algorithm CloudTrail documents is <see cref="Algorithm"/>.
/// </summary>
public static class DigestSignature
{
    public const string Algorithm = "SHA256withRSA";

    /// <summary>
    /// Builds the signing string: <c>digestEndTime</c> as written in the file, the digest's S3 path
    /// <c>bucket/key</c>, the hex SHA-256 of the uncompressed digest file, and the previous digest's
    /// hex signature (the text <c>null</c> in a starting digest), joined by '\n'. The AWS documentation's
    /// Java sample joins them with <c>%n</c>, the platform line separator, but the AWS CLI uses '\n'.
    /// </summary>
    public static string BuildSigningString(DigestFile digest) =>
        string.Join(
            '\n',
            digest.DigestEndTimeText,
            digest.DigestS3Bucket + "/" + digest.DigestS3Object,
            digest.ContentSha256,
            digest.PreviousDigestSignature ?? "null");

    /// <summary>Returns true when <paramref name="signatureHex"/> is a valid signature of <paramref name="digest"/> by <paramref name="key"/>, and false for any other value, hex or not.</summary>
    public static bool Verify(RSA key, DigestFile digest, string signatureHex)
    {
        byte[] signature;
        try
        {
            signature = Convert.FromHexString(signatureHex);
        }
        catch (FormatException)
        {
            return false;
        }

        var data = Encoding.UTF8.GetBytes(BuildSigningString(digest));
        try
        {
            return key.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>True for the algorithm names CloudTrail writes (<c>SHA256withRSA</c>, compared without case), or when no name is given.</summary>
    public static bool IsSupported(string? algorithm) =>
        algorithm is null || string.Equals(algorithm, Algorithm, StringComparison.OrdinalIgnoreCase);
}
