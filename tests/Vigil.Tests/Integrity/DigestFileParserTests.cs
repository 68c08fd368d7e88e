using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Vigil.Ingestion.Integrity;

namespace Vigil.Tests.Integrity;

public sealed class DigestFileParserTests
{
    private const string Linked = """
        {"awsAccountId":"111122223333","digestStartTime":"2026-03-05T01:00:00Z","digestEndTime":"2026-03-05T02:00:00Z",
         "digestS3Bucket":"example-trail-bucket","digestS3Object":"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/05/111122223333_CloudTrail-Digest_us-east-1_main_trail_us-east-1_20260305T020000Z.json.gz",
         "digestPublicKeyFingerprint":"0123456789abcdef0123456789abcdef","digestSignatureAlgorithm":"SHA256withRSA",
         "newestEventTime":"2026-03-05T01:55:00Z","oldestEventTime":"2026-03-05T01:04:00Z",
         "previousDigestS3Bucket":"example-trail-bucket","previousDigestS3Object":"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/05/111122223333_CloudTrail-Digest_us-east-1_main_trail_us-east-1_20260305T010000Z.json.gz",
         "previousDigestHashValue":"aa","previousDigestHashAlgorithm":"SHA-256","previousDigestSignature":"bb",
         "logFiles":[{"s3Bucket":"example-trail-bucket","s3Object":"AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/05/a.json.gz",
                      "hashValue":"cc","hashAlgorithm":"SHA-256","newestEventTime":"2026-03-05T01:05:00Z","oldestEventTime":"2026-03-05T01:04:00Z"}]}
        """;

    private const string Starting = """
        {"digestStartTime":"2026-03-05T00:00:00Z","digestEndTime":"2026-03-05T01:00:00Z","digestS3Bucket":"b","digestS3Object":"k",
         "digestPublicKeyFingerprint":"ff","digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":null,"oldestEventTime":null,
         "previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,
         "previousDigestSignature":null,"logFiles":[]}
        """;

    [Fact]
    public void Parse_LinkedDigest_ReadsFields()
    {
        var digest = DigestFileParser.Parse(Encoding.UTF8.GetBytes(Linked));

        Assert.Equal("111122223333", digest.AwsAccountId);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 1, 0, 0, TimeSpan.Zero), digest.DigestStartTime);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 2, 0, 0, TimeSpan.Zero), digest.DigestEndTime);
        Assert.Equal("2026-03-05T02:00:00Z", digest.DigestEndTimeText);
        Assert.Equal("example-trail-bucket", digest.DigestS3Bucket);
        Assert.EndsWith("_20260305T020000Z.json.gz", digest.DigestS3Object, StringComparison.Ordinal);
        Assert.Equal("0123456789abcdef0123456789abcdef", digest.DigestPublicKeyFingerprint);
        Assert.Equal("SHA256withRSA", digest.DigestSignatureAlgorithm);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 1, 55, 0, TimeSpan.Zero), digest.NewestEventTime);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 1, 4, 0, TimeSpan.Zero), digest.OldestEventTime);
        Assert.True(digest.HasPrevious);
        Assert.EndsWith("_20260305T010000Z.json.gz", digest.PreviousDigestS3Object, StringComparison.Ordinal);
        Assert.Equal("aa", digest.PreviousDigestHashValue);
        Assert.Equal("SHA-256", digest.PreviousDigestHashAlgorithm);
        Assert.Equal("bb", digest.PreviousDigestSignature);
        var log = Assert.Single(digest.LogFiles);
        Assert.Equal("example-trail-bucket", log.S3Bucket);
        Assert.Equal("cc", log.HashValue);
        Assert.Equal("SHA-256", log.HashAlgorithm);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 1, 5, 0, TimeSpan.Zero), log.NewestEventTime);
    }

    [Fact]
    public void Parse_Content_HashesExactBytes()
    {
        var content = Encoding.UTF8.GetBytes(Linked);

        var digest = DigestFileParser.Parse(content);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), digest.ContentSha256);
    }

    [Fact]
    public void Parse_StartingDigest_PreviousNull()
    {
        var digest = DigestFileParser.Parse(Encoding.UTF8.GetBytes(Starting));

        Assert.False(digest.HasPrevious);
        Assert.Null(digest.PreviousDigestSignature);
        Assert.Null(digest.PreviousDigestHashValue);
        Assert.Null(digest.NewestEventTime);
        Assert.Empty(digest.LogFiles);
    }

    [Fact]
    public void Parse_InvalidJson_NamesLine()
    {
        var error = Assert.Throws<DigestFormatException>(() => DigestFileParser.Parse(Encoding.UTF8.GetBytes("{\n  \"digestEndTime\": ,\n}")));

        Assert.StartsWith("line 2, byte 20 of the line: invalid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingObjectKey_NamesField()
    {
        var error = Assert.Throws<DigestFormatException>(() => DigestFileParser.Parse(Encoding.UTF8.GetBytes(Starting.Replace("\"digestS3Object\":\"k\",", "", StringComparison.Ordinal))));

        Assert.Equal("field digestS3Object is missing or empty", error.Message);
    }

    [Fact]
    public void Parse_AbsentPreviousSignature_Rejected()
    {
        var error = Assert.Throws<DigestFormatException>(() => DigestFileParser.Parse(Encoding.UTF8.GetBytes(Starting.Replace("\"previousDigestSignature\":null,", "", StringComparison.Ordinal))));

        Assert.StartsWith("field previousDigestSignature is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NumericLogHash_NamesField()
    {
        var error = Assert.Throws<DigestFormatException>(() => DigestFileParser.Parse(Encoding.UTF8.GetBytes(Linked.Replace("\"hashValue\":\"cc\"", "\"hashValue\":12", StringComparison.Ordinal))));

        Assert.Equal("field logFiles[0].hashValue is a JSON number, not a string", error.Message);
    }

    [Fact]
    public void Parse_BadEndTime_NamesField()
    {
        var error = Assert.Throws<DigestFormatException>(() => DigestFileParser.Parse(Encoding.UTF8.GetBytes(Starting.Replace("2026-03-05T01:00:00Z", "yesterday", StringComparison.Ordinal))));

        Assert.Equal("field digestEndTime is not an ISO-8601 time: 'yesterday'", error.Message);
    }

    [Fact]
    public void Parse_DeepNesting_Rejected()
    {
        var deep = new string('[', 40) + new string(']', 40);

        var error = Assert.Throws<DigestFormatException>(() => DigestFileParser.Parse(Encoding.UTF8.GetBytes(Starting.Replace("\"logFiles\":[]", "\"extra\":" + deep + ",\"logFiles\":[]", StringComparison.Ordinal))));

        Assert.Contains("depth", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateField_Rejected()
    {
        Assert.Throws<DigestFormatException>(() => DigestFileParser.Parse(Encoding.UTF8.GetBytes(Starting.Replace("\"digestS3Bucket\":\"b\"", "\"digestS3Bucket\":\"b\",\"digestS3Bucket\":\"c\"", StringComparison.Ordinal))));
    }

    [Fact]
    public void Parse_TopLevelArray_Rejected()
    {
        var error = Assert.Throws<DigestFormatException>(() => DigestFileParser.Parse("[]"u8.ToArray()));

        Assert.Equal("the digest is a JSON array, not an object", error.Message);
    }

    [Fact]
    public async Task ReadContent_Gzip_Uncompressed()
    {
        var plain = Encoding.UTF8.GetBytes(Starting);

        var content = await DigestFileParser.ReadContentAsync(new MemoryStream(Gzip(plain)), 1024 * 1024, CancellationToken.None);

        Assert.Equal(plain, content);
    }

    [Fact]
    public async Task ReadContent_OverLimit_Rejected()
    {
        var bomb = Gzip(new byte[4 * 1024 * 1024]);

        var error = await Assert.ThrowsAsync<DigestFormatException>(() => DigestFileParser.ReadContentAsync(new MemoryStream(bomb), 1024 * 1024, CancellationToken.None));

        Assert.Equal("the uncompressed digest is larger than the limit of 1048576 bytes", error.Message);
    }

    [Fact]
    public async Task ReadContent_DamagedGzip_Rejected()
    {
        // A gzip header followed by a deflate block of the reserved type 3.
        byte[] damaged = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x07, 0x00, 0x00, 0x00];

        var error = await Assert.ThrowsAsync<DigestFormatException>(() => DigestFileParser.ReadContentAsync(new MemoryStream(damaged), 1024 * 1024, CancellationToken.None));

        Assert.StartsWith("the gzip data is damaged", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }
}
