using System.Security.Cryptography;
using Vigil.Ingestion.Integrity;

namespace Vigil.Tests.Integrity;

public sealed class DigestSignatureTests
{
    private static readonly DigestFile Linked = new()
    {
        DigestStartTime = new DateTimeOffset(2015, 8, 12, 3, 1, 31, TimeSpan.Zero),
        DigestEndTime = new DateTimeOffset(2015, 8, 12, 4, 1, 31, TimeSpan.Zero),
        DigestEndTimeText = "2015-08-12T04:01:31Z",
        DigestS3Bucket = "example-bucket",
        DigestS3Object = "AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/12/111122223333_CloudTrail-Digest_us-east-2_trail_us-east-2_20150812T040131Z.json.gz",
        DigestPublicKeyFingerprint = "ff",
        PreviousDigestS3Bucket = "example-bucket",
        PreviousDigestS3Object = "previous.json.gz",
        PreviousDigestSignature = "6e8540b83c3a",
        LogFiles = [],
        ContentSha256 = "4ff08d7c6ecd6eb313257e839645d20363ee3784a2328a7d76b99b53cc9bcacd",
    };

    [Fact]
    public void SigningString_LinkedDigest_FourLines()
    {
        var text = DigestSignature.BuildSigningString(Linked);

        Assert.Equal(
            "2015-08-12T04:01:31Z\n" +
            "example-bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/12/111122223333_CloudTrail-Digest_us-east-2_trail_us-east-2_20150812T040131Z.json.gz\n" +
            "4ff08d7c6ecd6eb313257e839645d20363ee3784a2328a7d76b99b53cc9bcacd\n" +
            "6e8540b83c3a",
            text);
        Assert.DoesNotContain('\r', text);
    }

    [Fact]
    public void SigningString_StartingDigest_EndsWithNullText()
    {
        var starting = Linked with { PreviousDigestS3Bucket = null, PreviousDigestS3Object = null, PreviousDigestSignature = null };

        var text = DigestSignature.BuildSigningString(starting);

        Assert.EndsWith("\n4ff08d7c6ecd6eb313257e839645d20363ee3784a2328a7d76b99b53cc9bcacd\nnull", text, StringComparison.Ordinal);
    }

    [Fact]
    public void SigningString_EndTime_KeptVerbatim()
    {
        var fractional = Linked with { DigestEndTimeText = "2015-08-12T04:01:31.000Z" };

        var text = DigestSignature.BuildSigningString(fractional);

        Assert.StartsWith("2015-08-12T04:01:31.000Z\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SignatureOverSigningString_True()
    {
        var signature = SigningKey.Primary.SignHex(DigestSignature.BuildSigningString(Linked));
        using var rsa = RSA.Create();
        rsa.ImportRSAPublicKey(SigningKey.Primary.Pkcs1Der, out _);

        Assert.True(DigestSignature.Verify(rsa, Linked, signature));
        Assert.True(DigestSignature.Verify(rsa, Linked, signature.ToUpperInvariant()));
    }

    [Fact]
    public void Verify_OtherPreviousSignature_False()
    {
        var signature = SigningKey.Primary.SignHex(DigestSignature.BuildSigningString(Linked));
        using var rsa = RSA.Create();
        rsa.ImportRSAPublicKey(SigningKey.Primary.Pkcs1Der, out _);

        Assert.False(DigestSignature.Verify(rsa, Linked with { PreviousDigestSignature = "6e8540b83c3b" }, signature));
    }

    [Fact]
    public void Verify_NotHex_False()
    {
        using var rsa = RSA.Create();
        rsa.ImportRSAPublicKey(SigningKey.Primary.Pkcs1Der, out _);

        Assert.False(DigestSignature.Verify(rsa, Linked, "not hex"));
        Assert.False(DigestSignature.Verify(rsa, Linked, "abc"));
        Assert.False(DigestSignature.Verify(rsa, Linked, ""));
    }
}
