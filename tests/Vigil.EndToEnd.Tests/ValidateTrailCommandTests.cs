using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Vigil.EndToEnd.Tests.Infrastructure;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// <c>vigil validate-trail</c> on a folder laid out like a trail's bucket, with log files, a chain
/// of digests signed by a key made here, metadata sidecars, and a <c>list-public-keys</c> file.
/// </summary>
public sealed class ValidateTrailCommandTests : IDisposable
{
    private const string Bucket = "example-trail-bucket";
    private const string Account = "111122223333";
    private const string Region = "eu-west-1";
    private static readonly DateTimeOffset Origin = new(2026, 3, 5, 0, 0, 0, TimeSpan.Zero);

    private readonly string workFolder = Path.Combine(Path.GetTempPath(), "vigil-validate-" + Guid.NewGuid().ToString("N"));
    private readonly RSA key = RSA.Create(2048);
    private readonly List<(string Key, string Signature, string Hash, List<string> Logs)> digests = [];

    public ValidateTrailCommandTests()
    {
        Directory.CreateDirectory(Root);
        var keys = new JsonObject
        {
            ["PublicKeyList"] = new JsonArray(new JsonObject
            {
                ["Value"] = Convert.ToBase64String(key.ExportRSAPublicKey()),
                ["ValidityStartTime"] = Iso(Origin.AddDays(-1)),
                ["ValidityEndTime"] = Iso(Origin.AddDays(1)),
                ["Fingerprint"] = Fingerprint,
            }),
        };
        File.WriteAllText(KeysPath, keys.ToJsonString());
    }

    private string Root => Path.Combine(workFolder, "bucket");

    private string KeysPath => Path.Combine(workFolder, "public-keys.json");

    private string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(key.ExportRSAPublicKey())[..16]);

    public void Dispose()
    {
        key.Dispose();
        if (Directory.Exists(workFolder))
        {
            Directory.Delete(workFolder, recursive: true);
        }
    }

    [Fact]
    public async Task ValidTrail_Verbose_ExitsZero()
    {
        WriteChain(2);

        var result = await CliProcess.RunAsync(null, "validate-trail", Root, "--public-keys", KeysPath, "--verbose");

        var lines = Lines(result.Output);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Validating log files in {Root} (bucket {Bucket}, named by the newest digest file) up to ", result.Output, StringComparison.Ordinal);
        Assert.Contains($"Digest file\ts3://{Bucket}/{digests[1].Key}\tvalid", lines);
        Assert.Contains($"Digest file\ts3://{Bucket}/{digests[0].Key}\tvalid", lines);
        Assert.Contains($"Log file\ts3://{Bucket}/{digests[0].Logs[0]}\tvalid", lines);
        Assert.Contains("Results found for 2026-03-05T00:00:00Z to 2026-03-05T02:00:00Z:", lines);
        Assert.Contains("2/2 digest files valid", lines);
        Assert.Contains("4/4 log files valid", lines);
    }

    [Fact]
    public async Task ModifiedLog_ExitsOne()
    {
        WriteChain(2);
        var modified = digests[0].Logs[1];
        WriteGzip(modified, Encoding.UTF8.GetBytes("""{"Records":[]}"""));

        var result = await CliProcess.RunAsync(null, "validate-trail", Root, "--public-keys", KeysPath, "--bucket", Bucket);

        var lines = Lines(result.Output);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"Log file\ts3://{Bucket}/{modified}\tINVALID: hash value doesn't match", lines);
        Assert.DoesNotContain(lines, line => line.StartsWith("Log file", StringComparison.Ordinal) && line.EndsWith("\tvalid", StringComparison.Ordinal));
        Assert.Contains("2/2 digest files valid", lines);
        Assert.Contains("3/4 log files valid, 1/4 log files INVALID", lines);
    }

    [Fact]
    public async Task MissingMiddleDigest_ExitsOne()
    {
        WriteChain(3);
        File.Delete(PathOf(digests[1].Key));

        var result = await CliProcess.RunAsync(null, "validate-trail", Root, "--public-keys", KeysPath);

        var lines = Lines(result.Output);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"Digest file\ts3://{Bucket}/{digests[1].Key}\tINVALID: not found", lines);
        Assert.Contains($"Digest file\ts3://{Bucket}/{digests[0].Key}\tvalid", lines);
        Assert.Contains("2/3 digest files valid, 1/3 digest files INVALID", lines);
        Assert.Contains("4/4 log files valid", lines);
    }

    [Fact]
    public async Task TimeRange_ValidatesCoveringDigests()
    {
        WriteChain(4);

        var result = await CliProcess.RunAsync(null, "validate-trail", Root, "--public-keys", KeysPath, "--start-time", "2026-03-05T02:30:00Z", "--end-time", "20260305T03:30:00Z");

        var lines = Lines(result.Output);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Results requested for 2026-03-05T02:30:00Z to 2026-03-05T03:30:00Z", lines);
        Assert.Contains($"Digest file\ts3://{Bucket}/{digests[3].Key}\tvalid", lines);
        Assert.Contains($"Digest file\ts3://{Bucket}/{digests[2].Key}\tvalid", lines);
        Assert.DoesNotContain(lines, line => line.Contains(digests[1].Key, StringComparison.Ordinal));
        Assert.Contains("2/2 digest files valid", lines);
    }

    [Fact]
    public async Task InvalidPublicKeyFile_ExitsTwo()
    {
        WriteChain(1);
        File.WriteAllText(KeysPath, "{\"PublicKeyList\": [");

        var result = await CliProcess.RunAsync(null, "validate-trail", Root, "--public-keys", KeysPath);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith($"error: invalid public key file '{KeysPath}': line 1", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingFolder_ExitsTwo()
    {
        var missing = Path.Combine(workFolder, "missing");

        var result = await CliProcess.RunAsync(null, "validate-trail", missing, "--public-keys", KeysPath);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal($"error: trail folder '{missing}' not found.", result.Error.Trim());
    }

    private static List<string> Lines(string output) => [.. output.Split('\n').Select(line => line.TrimEnd('\r'))];

    /// <summary>Writes hourly digests from <see cref="Origin"/>, the first a starting digest, each listing two new gzip log files.</summary>
    private void WriteChain(int count)
    {
        for (var index = 0; index < count; index++)
        {
            var start = Origin.AddHours(index);
            var end = start.AddHours(1);
            var previous = index == 0 ? default : digests[^1];
            var logs = new JsonArray();
            var logKeys = new List<string>();
            for (var log = 0; log < 2; log++)
            {
                var delivered = start.AddMinutes(10 * (log + 1));
                var logKey = $"AWSLogs/{Account}/CloudTrail/{Region}/{Format(delivered, "yyyy'/'MM'/'dd")}/{Account}_CloudTrail_{Region}_{Format(delivered, "yyyyMMdd'T'HHmm'Z'")}_Example{index}{log}.json.gz";
                var content = Encoding.UTF8.GetBytes($$"""{"Records":[{"eventVersion":"1.11","eventID":"{{Guid.NewGuid()}}","eventTime":"{{Iso(delivered)}}"}]}""");
                WriteGzip(logKey, content);
                logKeys.Add(logKey);
                logs.Add(new JsonObject { ["s3Bucket"] = Bucket, ["s3Object"] = logKey, ["hashValue"] = Sha256Hex(content), ["hashAlgorithm"] = "SHA-256" });
            }

            var digestKey = $"AWSLogs/{Account}/CloudTrail-Digest/{Region}/{Format(end, "yyyy'/'MM'/'dd")}/{Account}_CloudTrail-Digest_{Region}_trail_{Region}_{Format(end, "yyyyMMdd'T'HHmmss'Z'")}.json.gz";
            var digest = new JsonObject
            {
                ["awsAccountId"] = Account,
                ["digestStartTime"] = Iso(start),
                ["digestEndTime"] = Iso(end),
                ["digestS3Bucket"] = Bucket,
                ["digestS3Object"] = digestKey,
                ["digestPublicKeyFingerprint"] = Fingerprint,
                ["digestSignatureAlgorithm"] = "SHA256withRSA",
                ["previousDigestS3Bucket"] = index == 0 ? null : Bucket,
                ["previousDigestS3Object"] = previous.Key,
                ["previousDigestHashValue"] = previous.Hash,
                ["previousDigestHashAlgorithm"] = index == 0 ? null : "SHA-256",
                ["previousDigestSignature"] = previous.Signature,
                ["logFiles"] = logs,
            };

            var bytes = Encoding.UTF8.GetBytes(digest.ToJsonString());
            var hash = Sha256Hex(bytes);
            var signingString = $"{Iso(end)}\n{Bucket}/{digestKey}\n{hash}\n{previous.Signature ?? "null"}";
            var signature = Convert.ToHexStringLower(key.SignData(Encoding.UTF8.GetBytes(signingString), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            WriteGzip(digestKey, bytes);
            File.WriteAllText(PathOf(digestKey) + ".metadata.json", $$$"""{"Metadata":{"signature":"{{{signature}}}","signature-algorithm":"SHA256withRSA"}}""");
            digests.Add((digestKey, signature, hash, logKeys));
        }
    }

    private void WriteGzip(string objectKey, byte[] content)
    {
        var path = PathOf(objectKey);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(content);
    }

    private string PathOf(string objectKey) => Path.Combine(Root, objectKey.Replace('/', Path.DirectorySeparatorChar));

    private static string Sha256Hex(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static string Iso(DateTimeOffset time) => Format(time, "yyyy-MM-dd'T'HH:mm:ss'Z'");

    private static string Format(DateTimeOffset time, string format) => time.UtcDateTime.ToString(format, CultureInfo.InvariantCulture);
}
