using System.Security.Cryptography;
using System.Text;
using Vigil.Ingestion.Integrity;

namespace Vigil.Tests.Integrity;

public sealed class PublicKeyListTests
{
    [Fact]
    public void Parse_DocumentationLayout_ReadsEpochTextTimes()
    {
        // The AWS documentation's sample output: lower-case list name, seconds since 1970 as text.
        var json = $$"""
            {"publicKeyList":[{"ValidityStartTime":"1436317441.0","ValidityEndTime":"1438909441.0",
              "Value":"{{Convert.ToBase64String(SigningKey.Primary.Pkcs1Der)}}","Fingerprint":"8eba5db5bea9b640d1c96a77256fe7f2"}]}
            """;

        var key = Assert.Single(PublicKeyList.Parse(Encoding.UTF8.GetBytes(json)).Keys);

        Assert.Equal("8eba5db5bea9b640d1c96a77256fe7f2", key.Fingerprint);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1436317441), key.ValidityStartTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1438909441), key.ValidityEndTime);
    }

    [Fact]
    public void Parse_IsoAndNumberTimes_Read()
    {
        var json = """{"PublicKeyList":[{"Value":"AA==","Fingerprint":"ab","ValidityStartTime":"2026-03-01T00:00:00+00:00","ValidityEndTime":1775000000}]}""";

        var key = Assert.Single(PublicKeyList.Parse(Encoding.UTF8.GetBytes(json)).Keys);

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), key.ValidityStartTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1775000000), key.ValidityEndTime);
    }

    [Fact]
    public void Parse_MissingValue_NamesEntry()
    {
        var json = """{"PublicKeyList":[{"Value":"AA==","Fingerprint":"ab"},{"Fingerprint":"cd"}]}""";

        var error = Assert.Throws<PublicKeyListFormatException>(() => PublicKeyList.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Equal("PublicKeyList[1].Value is missing. It must contain the base64 DER public key", error.Message);
    }

    [Fact]
    public void Parse_BadTime_NamesField()
    {
        var json = """{"PublicKeyList":[{"Value":"AA==","Fingerprint":"ab","ValidityEndTime":"soon"}]}""";

        var error = Assert.Throws<PublicKeyListFormatException>(() => PublicKeyList.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.StartsWith("PublicKeyList[0].ValidityEndTime is not a valid time", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoList_Rejected()
    {
        var error = Assert.Throws<PublicKeyListFormatException>(() => PublicKeyList.Parse("""{"Keys":[]}"""u8.ToArray()));

        Assert.StartsWith("expected an object with a PublicKeyList array", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidJson_NamesLine()
    {
        var error = Assert.Throws<PublicKeyListFormatException>(() => PublicKeyList.Parse("{\n\n  \"PublicKeyList\": [\n"u8.ToArray()));

        Assert.StartsWith("line ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindValid_OutsideWindow_Empty()
    {
        var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var keys = new PublicKeyList([new CloudTrailPublicKey("AB", "AA==", start, start.AddDays(30))]);

        Assert.Single(keys.FindValid("ab", start.AddDays(1)));
        Assert.Single(keys.FindValid("ab", start));
        Assert.Single(keys.FindValid("ab", start.AddDays(30)));
        Assert.Empty(keys.FindValid("ab", start.AddDays(31)));
        Assert.Empty(keys.FindValid("ab", start.AddSeconds(-1)));
        Assert.Empty(keys.FindValid("cd", start.AddDays(1)));
    }

    [Fact]
    public void ImportRsa_Pkcs1_Verifies()
    {
        var key = new CloudTrailPublicKey("ab", Convert.ToBase64String(SigningKey.Primary.Pkcs1Der), null, null);

        using var rsa = key.ImportRsa();

        Assert.True(VerifiesPrimarySignature(rsa));
    }

    [Fact]
    public void ImportRsa_SubjectPublicKeyInfo_Verifies()
    {
        var key = new CloudTrailPublicKey("ab", Convert.ToBase64String(SigningKey.Primary.SubjectPublicKeyInfoDer), null, null);

        using var rsa = key.ImportRsa();

        Assert.True(VerifiesPrimarySignature(rsa));
    }

    [Fact]
    public void ImportRsa_NotBase64_Throws()
    {
        var key = new CloudTrailPublicKey("ab", "not base64!", null, null);

        Assert.Throws<CryptographicException>(() => key.ImportRsa());
    }

    [Fact]
    public void ImportRsa_TrailingBytes_Throws()
    {
        var key = new CloudTrailPublicKey("ab", Convert.ToBase64String([.. SigningKey.Primary.Pkcs1Der, 0]), null, null);

        Assert.Throws<CryptographicException>(() => key.ImportRsa());
    }

    private static bool VerifiesPrimarySignature(RSA rsa)
    {
        var signature = Convert.FromHexString(SigningKey.Primary.SignHex("text"));
        return rsa.VerifyData("text"u8, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
