using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Vigil.Ingestion.Integrity;

namespace Vigil.Tests.Integrity;

public sealed class TrailValidatorTests : IDisposable
{
    private readonly TrailFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Validate_IntactChain_AllValid()
    {
        folder.WriteChain(3);
        var keys = folder.WritePrimaryKey();

        var run = await TrailRun.ValidateAsync(folder, keys);

        Assert.Equal([folder.Digests[2].Key, folder.Digests[1].Key, folder.Digests[0].Key], run.Digests.Select(result => result.Key));
        Assert.All(run.Digests, result => Assert.Equal(DigestVerdict.Valid, result.Verdict));
        Assert.All(run.Digests, result => Assert.Equal("valid", result.Message));
        Assert.Equal(6, run.LogFiles.Count);
        Assert.All(run.LogFiles, result => Assert.Equal(LogFileVerdict.Valid, result.Verdict));
        Assert.Equal(new TrailValidationSummary(3, 0, 6, 0, TrailFolder.Origin, TrailFolder.Origin.AddHours(3)), run.Summary);
        Assert.True(run.Summary.Succeeded);
        Assert.Empty(run.Gaps);
    }

    [Fact]
    public async Task Validate_IntactChain_LinesMatchAwsCli()
    {
        folder.WriteChain(1, logsPerDigest: 1);
        var keys = folder.WritePrimaryKey();

        var run = await TrailRun.ValidateAsync(folder, keys);

        Assert.Equal($"Digest file\ts3://{TrailFolder.Bucket}/{folder.Digests[0].Key}\tvalid", Assert.Single(run.Digests).ToLine());
        Assert.Equal($"Log file\ts3://{TrailFolder.Bucket}/{folder.Digests[0].LogKeys[0]}\tvalid", Assert.Single(run.LogFiles).ToLine());
    }

    [Fact]
    public async Task Validate_ModifiedLogFile_HashMismatch()
    {
        folder.WriteChain(2);
        var keys = folder.WritePrimaryKey();
        var modified = folder.Digests[0].LogKeys[1];
        folder.WriteGzip(modified, Encoding.UTF8.GetBytes("""{"Records":[]}"""));

        var run = await TrailRun.ValidateAsync(folder, keys);

        var result = run.LogFileAt(modified);
        Assert.Equal(LogFileVerdict.HashMismatch, result.Verdict);
        Assert.Equal("INVALID: hash value doesn't match", result.Message);
        Assert.Equal(3, run.Summary.ValidLogFiles);
        Assert.Equal(1, run.Summary.InvalidLogFiles);
        Assert.Equal(2, run.Summary.ValidDigests);
        Assert.False(run.Summary.Succeeded);
    }

    [Fact]
    public async Task Validate_LogFileStoredUncompressed_Valid()
    {
        folder.WriteChain(1, logsPerDigest: 1);
        var keys = folder.WritePrimaryKey();
        var key = folder.Digests[0].LogKeys[0];
        var plain = await UncompressAsync(folder.PathOf(key));
        await File.WriteAllBytesAsync(folder.PathOf(key), plain);

        var run = await TrailRun.ValidateAsync(folder, keys);

        Assert.Equal(LogFileVerdict.Valid, run.LogFileAt(key).Verdict);
    }

    [Fact]
    public async Task Validate_DamagedLogGzip_InvalidFormat()
    {
        folder.WriteChain(1, logsPerDigest: 1);
        var keys = folder.WritePrimaryKey();
        var key = folder.Digests[0].LogKeys[0];
        // A gzip header followed by a deflate block of the reserved type 3.
        await File.WriteAllBytesAsync(folder.PathOf(key), [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x07, 0x00, 0x00, 0x00]);

        var run = await TrailRun.ValidateAsync(folder, keys);

        var result = run.LogFileAt(key);
        Assert.Equal(LogFileVerdict.InvalidFormat, result.Verdict);
        Assert.StartsWith("INVALID: invalid format", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_TruncatedLogGzip_HashMismatch()
    {
        folder.WriteChain(1, logsPerDigest: 1);
        var keys = folder.WritePrimaryKey();
        var key = folder.Digests[0].LogKeys[0];
        var whole = await File.ReadAllBytesAsync(folder.PathOf(key));
        await File.WriteAllBytesAsync(folder.PathOf(key), whole[..(whole.Length / 2)]);

        var run = await TrailRun.ValidateAsync(folder, keys);

        // GZipStream ends a truncated stream without an error, so the partial content fails the hash check.
        Assert.Equal(LogFileVerdict.HashMismatch, run.LogFileAt(key).Verdict);
    }

    [Fact]
    public async Task Validate_DeletedLogFile_NotFound()
    {
        folder.WriteChain(2);
        var keys = folder.WritePrimaryKey();
        var deleted = folder.Digests[1].LogKeys[0];
        File.Delete(folder.PathOf(deleted));

        var run = await TrailRun.ValidateAsync(folder, keys);

        var result = run.LogFileAt(deleted);
        Assert.Equal(LogFileVerdict.NotFound, result.Verdict);
        Assert.Equal("INVALID: not found", result.Message);
        Assert.Equal(1, run.Summary.InvalidLogFiles);
        Assert.False(run.Summary.Succeeded);
    }

    [Fact]
    public async Task Validate_BadSignature_NewestInvalidRestValid()
    {
        folder.WriteChain(3);
        var keys = folder.WritePrimaryKey();
        var newest = folder.Digests[2];
        var wrong = newest.Signature[..^2] + (newest.Signature.EndsWith("00", StringComparison.Ordinal) ? "01" : "00");
        folder.WriteSidecar(newest.Key, $$"""{"signature":"{{wrong}}","signature-algorithm":"SHA256withRSA"}""");

        var run = await TrailRun.ValidateAsync(folder, keys);

        var result = run.DigestAt(newest.Key);
        Assert.Equal(DigestVerdict.SignatureFailed, result.Verdict);
        Assert.Equal("INVALID: signature verification failed", result.Message);
        Assert.True(run.DigestAt(folder.Digests[1].Key).IsValid);
        Assert.True(run.DigestAt(folder.Digests[0].Key).IsValid);
        Assert.Equal(4, run.Summary.ValidLogFiles);
        Assert.Equal(1, run.Summary.InvalidDigests);
    }

    [Fact]
    public async Task Validate_SignedByOtherKey_SignatureFailed()
    {
        folder.WriteDigest(TrailFolder.Origin.AddHours(1), 1);
        var forged = folder.WriteDigest(TrailFolder.Origin.AddHours(2), 1, starting: true, key: SigningKey.Secondary);
        var original = folder.Digests[0];

        // The forged digest claims the primary key's fingerprint.
        var json = JsonNode.Parse(forged.Content)!.AsObject();
        json["digestPublicKeyFingerprint"] = SigningKey.Primary.Fingerprint;
        folder.WriteGzip(forged.Key, Encoding.UTF8.GetBytes(json.ToJsonString()));
        var keys = folder.WritePrimaryKey();

        var run = await TrailRun.ValidateAsync(folder, keys);

        Assert.Equal(DigestVerdict.SignatureFailed, run.DigestAt(forged.Key).Verdict);
        Assert.True(run.DigestAt(original.Key).IsValid);
    }

    [Fact]
    public async Task Validate_NewestUnsigned_OlderStillValid()
    {
        folder.WriteChain(3);
        var keys = folder.WritePrimaryKey();
        folder.DeleteSidecar(folder.Digests[2].Key);

        var run = await TrailRun.ValidateAsync(folder, keys);

        var newest = run.DigestAt(folder.Digests[2].Key);
        Assert.Equal(DigestVerdict.SignatureFailed, newest.Verdict);
        Assert.StartsWith("INVALID: signature verification failed (no signature", newest.Message, StringComparison.Ordinal);
        Assert.True(run.DigestAt(folder.Digests[1].Key).IsValid);
        Assert.True(run.DigestAt(folder.Digests[0].Key).IsValid);
    }

    [Fact]
    public async Task Validate_MetadataWithoutSignature_ReasonGiven()
    {
        folder.WriteChain(1);
        var keys = folder.WritePrimaryKey();
        folder.WriteSidecar(folder.Digests[0].Key, """{"Metadata":{"signature-algorithm":"SHA256withRSA"}}""");

        var run = await TrailRun.ValidateAsync(folder, keys);

        Assert.Equal("INVALID: signature verification failed (the signature metadata has no 'signature' entry)", Assert.Single(run.Digests).Message);
    }

    [Fact]
    public async Task Validate_UnknownKey_PublicKeyNotFound()
    {
        folder.WriteChain(2);
        var keys = folder.WritePublicKeys((SigningKey.Secondary, null, null));

        var run = await TrailRun.ValidateAsync(folder, keys);

        Assert.Equal(2, run.Digests.Count);
        Assert.All(run.Digests, result => Assert.Equal(DigestVerdict.PublicKeyNotFound, result.Verdict));
        Assert.Equal($"INVALID: public key not found in region {TrailFolder.Region} for fingerprint {SigningKey.Primary.Fingerprint}", run.Digests[0].Message);
        Assert.Empty(run.LogFiles);
        Assert.Equal(2, run.Summary.InvalidDigests);
    }

    [Fact]
    public async Task Validate_KeyOutsideValidity_PublicKeyNotFound()
    {
        folder.WriteChain(1);
        var keys = folder.WritePublicKeys((SigningKey.Primary, TrailFolder.Origin.AddDays(-60), TrailFolder.Origin.AddDays(-30)));

        var run = await TrailRun.ValidateAsync(folder, keys);

        var result = Assert.Single(run.Digests);
        Assert.Equal(DigestVerdict.PublicKeyNotFound, result.Verdict);
        Assert.StartsWith($"INVALID: public key not found in region {TrailFolder.Region} for fingerprint {SigningKey.Primary.Fingerprint} (a key with this fingerprint is valid from 2026-01-04T00:00:00Z to 2026-02-03T00:00:00Z", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_RotatedKeys_EachDigestUsesItsKey()
    {
        folder.WriteDigest(TrailFolder.Origin.AddHours(1), 1);
        folder.WriteDigest(TrailFolder.Origin.AddHours(2), 1, key: SigningKey.Secondary);
        var rotation = TrailFolder.Origin.AddHours(1).AddMinutes(30);
        var keys = folder.WritePublicKeys((SigningKey.Primary, TrailFolder.Origin, rotation), (SigningKey.Secondary, rotation, null));

        var run = await TrailRun.ValidateAsync(folder, keys);

        Assert.All(run.Digests, result => Assert.Equal(DigestVerdict.Valid, result.Verdict));
        Assert.Equal(2, run.Summary.ValidDigests);
    }

    [Fact]
    public async Task Validate_UnloadableKey_Reported()
    {
        folder.WriteChain(1);
        var json = $$"""{"PublicKeyList":[{"Value":"bm90IGEga2V5","Fingerprint":"{{SigningKey.Primary.Fingerprint}}"}]}""";
        var keys = PublicKeyList.Parse(Encoding.UTF8.GetBytes(json));

        var run = await TrailRun.ValidateAsync(folder, keys);

        var result = Assert.Single(run.Digests);
        Assert.Equal(DigestVerdict.PublicKeyNotLoaded, result.Verdict);
        Assert.Equal($"INVALID: Unable to load PKCS #1 key with fingerprint {SigningKey.Primary.Fingerprint}", result.Message);
    }

    [Fact]
    public async Task Validate_DigestMovedToOtherKey_Moved()
    {
        folder.WriteChain(3);
        var keys = folder.WritePrimaryKey();
        var newest = folder.Digests[2];
        var movedKey = TrailFolder.DigestKeyFor(newest.End.AddHours(1));
        folder.Move(newest.Key, movedKey);

        var run = await TrailRun.ValidateAsync(folder, keys);

        var result = run.DigestAt(movedKey);
        Assert.Equal(DigestVerdict.Moved, result.Verdict);
        Assert.StartsWith("INVALID: has been moved from its original location", result.Message, StringComparison.Ordinal);
        Assert.True(run.DigestAt(folder.Digests[1].Key).IsValid);
        Assert.True(run.DigestAt(folder.Digests[0].Key).IsValid);
        Assert.Equal(1, run.Summary.InvalidDigests);
        Assert.Equal(4, run.Summary.ValidLogFiles);
    }

    [Fact]
    public async Task Validate_OtherBucketName_Moved()
    {
        folder.WriteChain(1);
        var keys = folder.WritePrimaryKey();

        var run = await TrailRun.ValidateAsync(folder, keys, bucket: "another-bucket");

        var result = Assert.Single(run.Digests);
        Assert.Equal(DigestVerdict.Moved, result.Verdict);
        Assert.Equal("another-bucket", result.Bucket);
    }

    [Fact]
    public async Task Validate_MissingMiddleDigest_BreakReported()
    {
        folder.WriteChain(4);
        var keys = folder.WritePrimaryKey();
        var missing = folder.Digests[1];
        folder.Delete(missing.Key);

        var run = await TrailRun.ValidateAsync(folder, keys);

        Assert.Equal([folder.Digests[3].Key, folder.Digests[2].Key, missing.Key, folder.Digests[0].Key], run.Digests.Select(result => result.Key));
        var result = run.DigestAt(missing.Key);
        Assert.Equal(DigestVerdict.NotFound, result.Verdict);
        Assert.Equal("INVALID: not found", result.Message);
        Assert.True(run.DigestAt(folder.Digests[0].Key).IsValid);
        Assert.Equal(new TrailValidationSummary(3, 1, 6, 0, TrailFolder.Origin, TrailFolder.Origin.AddHours(4)), run.Summary);
        Assert.DoesNotContain(run.LogFiles, log => missing.LogKeys.Contains(log.Key));
    }

    [Fact]
    public async Task Validate_MissingMiddleWithoutSidecars_OlderPartUnverified()
    {
        folder.WriteChain(3);
        var keys = folder.WritePrimaryKey();
        folder.Delete(folder.Digests[1].Key);
        folder.DeleteSidecar(folder.Digests[0].Key);

        var run = await TrailRun.ValidateAsync(folder, keys);

        Assert.True(run.DigestAt(folder.Digests[2].Key).IsValid);
        Assert.Equal(DigestVerdict.NotFound, run.DigestAt(folder.Digests[1].Key).Verdict);
        Assert.Equal(DigestVerdict.SignatureFailed, run.DigestAt(folder.Digests[0].Key).Verdict);
    }

    [Fact]
    public async Task Validate_ModifiedMiddleDigest_HashMismatch()
    {
        folder.WriteChain(3);
        var keys = folder.WritePrimaryKey();
        var middle = folder.Digests[1];
        var json = JsonNode.Parse(middle.Content)!.AsObject();
        json["logFiles"]![0]!["hashValue"] = new string('0', 64);
        folder.WriteGzip(middle.Key, Encoding.UTF8.GetBytes(json.ToJsonString()));

        var run = await TrailRun.ValidateAsync(folder, keys);

        var result = run.DigestAt(middle.Key);
        Assert.Equal(DigestVerdict.HashMismatch, result.Verdict);
        Assert.StartsWith("INVALID: hash value doesn't match", result.Message, StringComparison.Ordinal);
        Assert.True(run.DigestAt(folder.Digests[2].Key).IsValid);
        Assert.True(run.DigestAt(folder.Digests[0].Key).IsValid);
        Assert.DoesNotContain(run.LogFiles, log => middle.LogKeys.Contains(log.Key));
    }

    [Fact]
    public async Task Validate_UnreadableDigest_InvalidFormat()
    {
        folder.WriteChain(2);
        var keys = folder.WritePrimaryKey();
        var broken = folder.Digests[1];
        folder.WriteGzip(broken.Key, Encoding.UTF8.GetBytes("{\"digestStartTime\": "));

        var run = await TrailRun.ValidateAsync(folder, keys);

        var result = run.DigestAt(broken.Key);
        Assert.Equal(DigestVerdict.InvalidFormat, result.Verdict);
        Assert.StartsWith("INVALID: invalid format (line 1, byte", result.Message, StringComparison.Ordinal);
        Assert.True(run.DigestAt(folder.Digests[0].Key).IsValid);
    }

    [Fact]
    public async Task Validate_StartingDigest_ValidWithoutPrevious()
    {
        var digest = folder.WriteDigest(TrailFolder.Origin.AddHours(1), 0);
        var keys = folder.WritePrimaryKey();

        var run = await TrailRun.ValidateAsync(folder, keys);

        var result = Assert.Single(run.Digests);
        Assert.True(result.IsValid);
        Assert.False(result.Digest!.HasPrevious);
        Assert.Null(result.Digest.PreviousDigestSignature);
        Assert.Empty(result.Digest.LogFiles);
        Assert.Empty(run.LogFiles);
        Assert.Equal(digest.Key, result.Key);
        Assert.True(run.Summary.Succeeded);
    }

    [Fact]
    public async Task Validate_RestartedChain_GapReported()
    {
        folder.WriteChain(2);
        var restart = folder.WriteDigest(TrailFolder.Origin.AddHours(6), 1, starting: true);
        var keys = folder.WritePrimaryKey();

        var run = await TrailRun.ValidateAsync(folder, keys);

        Assert.All(run.Digests, result => Assert.True(result.IsValid));
        Assert.Equal(3, run.Digests.Count);
        var gap = Assert.Single(run.Gaps);
        Assert.Equal(folder.Digests[1].End, gap.From);
        Assert.Equal(restart.Start, gap.To);
        Assert.True(run.Summary.Succeeded);
    }

    [Fact]
    public async Task Validate_TimeRange_OnlyCoveringDigests()
    {
        folder.WriteChain(5);
        var keys = folder.WritePrimaryKey();
        var start = TrailFolder.Origin.AddHours(2.5);
        var end = TrailFolder.Origin.AddHours(3.5);

        var run = await TrailRun.ValidateAsync(folder, keys, start, end);

        // Digests ending 04:00 and 03:00 cover deliveries from 02:00 to 04:00. The walk stops after the first one starting before 02:30.
        Assert.Equal([folder.Digests[3].Key, folder.Digests[2].Key], run.Digests.Select(result => result.Key));
        Assert.Equal(4, run.LogFiles.Count);
        Assert.Equal(start, run.Summary.FoundStart);
        Assert.Equal(end, run.Summary.FoundEnd);
    }

    [Fact]
    public async Task Validate_RangeWithoutDigests_NothingFound()
    {
        folder.WriteChain(2);
        var keys = folder.WritePrimaryKey();

        var run = await TrailRun.ValidateAsync(folder, keys, TrailFolder.Origin.AddDays(3), TrailFolder.Origin.AddDays(4));

        Assert.Empty(run.Digests);
        Assert.False(run.Summary.Succeeded);
        Assert.Null(run.Summary.FoundStart);
    }

    [Fact]
    public async Task Validate_StartAfterEnd_Throws()
    {
        var keys = folder.WritePrimaryKey();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            TrailRun.ValidateAsync(folder, keys, TrailFolder.Origin.AddHours(2), TrailFolder.Origin.AddHours(1)));
    }

    private static async Task<byte[]> UncompressAsync(string path)
    {
        await using var file = File.OpenRead(path);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var copy = new MemoryStream();
        await gzip.CopyToAsync(copy);
        return copy.ToArray();
    }
}
