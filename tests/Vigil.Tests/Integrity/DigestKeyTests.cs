using Vigil.Ingestion.Integrity;

namespace Vigil.Tests.Integrity;

public sealed class DigestKeyTests
{
    [Fact]
    public void TryParse_UnderscoreInTrailName_Parsed()
    {
        var key = DigestKey.TryParse("AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/03/05/111122223333_CloudTrail-Digest_eu-west-1_my_trail_us-east-1_20260305T020000Z.json.gz");

        Assert.NotNull(key);
        Assert.Equal("111122223333", key.AccountId);
        Assert.Equal("eu-west-1", key.Region);
        Assert.Equal("my_trail", key.TrailName);
        Assert.Equal("us-east-1", key.HomeRegion);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 2, 0, 0, TimeSpan.Zero), key.EndTime);
    }

    [Fact]
    public void TryParse_OrganizationTrailWithPrefix_Parsed()
    {
        var key = DigestKey.TryParse("logs/AWSLogs/o-aa111bb222/111122223333/CloudTrail-Digest/us-gov-west-1/2026/03/05/111122223333_CloudTrail-Digest_us-gov-west-1_org-trail_us-gov-west-1_20260305T020000Z.json.gz");

        Assert.NotNull(key);
        Assert.Equal("us-gov-west-1", key.Region);
        Assert.Equal("org-trail", key.TrailName);
    }

    [Fact]
    public void TryParse_SameTrailTwoHours_SameChain()
    {
        var first = DigestKey.TryParse(TrailFolder.DigestKeyFor(TrailFolder.Origin.AddHours(1)));
        var second = DigestKey.TryParse(TrailFolder.DigestKeyFor(TrailFolder.Origin.AddHours(2)));

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal(first.Chain, second.Chain);
        Assert.True(first.EndTime < second.EndTime);
    }

    [Theory]
    [InlineData("AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/05/111122223333_CloudTrail_us-east-1_20260305T0100Z_abcdefghijklmnop.json.gz")]
    [InlineData("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/05/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20260305T020000Z.json.gz.metadata.json")]
    [InlineData("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/05/444455556666_CloudTrail-Digest_us-east-1_t_us-east-1_20260305T020000Z.json.gz")]
    [InlineData("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/05/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261305T020000Z.json.gz")]
    public void TryParse_NotDigestKey_Null(string key)
    {
        Assert.Null(DigestKey.TryParse(key));
    }
}
