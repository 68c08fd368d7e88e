using Vigil.Ingestion.Integrity;

namespace Vigil.Tests.Integrity;

/// <summary>
/// The one real digest file in the public sample data, read only when <c>VIGIL_SHARED_DATA</c> is set.
/// It is stored uncompressed, and neither its log files, its S3 metadata nor its public key exist.
/// </summary>
public sealed class SharedDataTests
{
    private static string DigestPath => Path.Combine(SharedDataFactAttribute.Folder, "digest", "elastic_integrations", "test-cloudtrail-digest-json.log");

    [SharedDataFact]
    public async Task Parse_RealDigest_ReadsFields()
    {
        var digest = DigestFileParser.Parse(await File.ReadAllBytesAsync(DigestPath));

        Assert.Equal("123456789123", digest.AwsAccountId);
        Assert.Equal(new DateTimeOffset(2020, 9, 11, 18, 36, 49, TimeSpan.Zero), digest.DigestStartTime);
        Assert.Equal(new DateTimeOffset(2020, 9, 11, 19, 36, 49, TimeSpan.Zero), digest.DigestEndTime);
        Assert.Equal("2020-09-11T19:36:49Z", digest.DigestEndTimeText);
        Assert.Equal("alice-bucket", digest.DigestS3Bucket);
        Assert.Equal("AWSLogs/123456789123/CloudTrail-Digest/us-west-2/2020/09/11/123456789123_CloudTrail-Digest_us-west-2_leh-ct-test_us-west-2_20200911T193649Z.json.gz", digest.DigestS3Object);
        Assert.Equal("47aaa19f7eec22e9bd0b5e58cfade8cb", digest.DigestPublicKeyFingerprint);
        Assert.Equal("SHA256withRSA", digest.DigestSignatureAlgorithm);
        Assert.Equal(new DateTimeOffset(2020, 9, 11, 19, 26, 24, TimeSpan.Zero), digest.NewestEventTime);
        Assert.Equal(new DateTimeOffset(2020, 9, 11, 18, 32, 4, TimeSpan.Zero), digest.OldestEventTime);
        Assert.True(digest.HasPrevious);
        Assert.Equal("alice-bucket", digest.PreviousDigestS3Bucket);
        Assert.EndsWith("_leh-ct-test_us-west-2_20200911T183649Z.json.gz", digest.PreviousDigestS3Object, StringComparison.Ordinal);
        Assert.Equal("SHA-256", digest.PreviousDigestHashAlgorithm);
        Assert.Equal(512, digest.PreviousDigestSignature!.Length);
        Assert.Equal(3, digest.LogFiles.Count);
        Assert.All(digest.LogFiles, log => Assert.Equal("alice-bucket", log.S3Bucket));
        Assert.All(digest.LogFiles, log => Assert.Equal("SHA-256", log.HashAlgorithm));
        Assert.All(digest.LogFiles, log => Assert.Equal(64, log.HashValue.Length));
        Assert.Equal("420784a5bbc12e9ac442451e8ec1356744fdeabf4fee0d2222508db6d448139c", digest.LogFiles[0].HashValue);
    }

    [SharedDataFact]
    public void DigestKey_RealDigestObject_Parsed()
    {
        var key = DigestKey.TryParse("AWSLogs/123456789123/CloudTrail-Digest/us-west-2/2020/09/11/123456789123_CloudTrail-Digest_us-west-2_leh-ct-test_us-west-2_20200911T193649Z.json.gz");

        Assert.NotNull(key);
        Assert.Equal("leh-ct-test", key.TrailName);
        Assert.Equal(new DateTimeOffset(2020, 9, 11, 19, 36, 49, TimeSpan.Zero), key.EndTime);
    }

    [SharedDataFact]
    public async Task Validate_RealDigestWithoutKey_PublicKeyNotFound()
    {
        using var folder = new TrailFolder();
        var content = await File.ReadAllBytesAsync(DigestPath);
        var digest = DigestFileParser.Parse(content);
        var path = folder.PathOf(digest.DigestS3Object);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, content);
        var keys = folder.WritePrimaryKey();

        var run = await TrailRun.ValidateAsync(folder, keys, endTime: digest.DigestEndTime, bucket: "alice-bucket");

        // The digest's link is still followed, and the previous digest is not in the sample data.
        Assert.Equal(2, run.Digests.Count);
        Assert.Equal(DigestVerdict.PublicKeyNotFound, run.Digests[0].Verdict);
        Assert.Equal("INVALID: public key not found in region us-west-2 for fingerprint 47aaa19f7eec22e9bd0b5e58cfade8cb", run.Digests[0].Message);
        Assert.Equal(digest.PreviousDigestS3Object, run.Digests[1].Key);
        Assert.Equal(DigestVerdict.NotFound, run.Digests[1].Verdict);
        Assert.Empty(run.LogFiles);
        Assert.Equal(2, run.Summary.InvalidDigests);
    }
}
