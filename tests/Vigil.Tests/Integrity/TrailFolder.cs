using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Vigil.Ingestion.Integrity;

namespace Vigil.Tests.Integrity;

/// <summary>
/// A temporary folder laid out like a CloudTrail bucket: gzip log files, a chain of gzip digest
/// files signed with a test key, each with a metadata sidecar, and a public key file in the
/// <c>list-public-keys</c> layout next to it. The signing string is built here from the AWS
/// documentation, independently of <see cref="DigestSignature"/>.
/// </summary>
internal sealed class TrailFolder : IDisposable
{
    public const string Bucket = "example-trail-bucket";
    public const string Account = "111122223333";
    public const string Region = "us-east-1";

    /// <summary>Contains '_', which also separates the parts of a digest file name.</summary>
    public const string TrailName = "main_trail";

    public static readonly DateTimeOffset Origin = new(2026, 3, 5, 0, 0, 0, TimeSpan.Zero);

    private readonly string workFolder = Path.Combine(Path.GetTempPath(), "vigil-integrity-" + Guid.NewGuid().ToString("N"));
    private int logCounter;

    public TrailFolder()
    {
        Root = Path.Combine(workFolder, "bucket");
        Directory.CreateDirectory(Root);
    }

    /// <summary>The folder standing for the bucket root.</summary>
    public string Root { get; }

    /// <summary>Digests in the order written, oldest first.</summary>
    public List<WrittenDigest> Digests { get; } = [];

    public string PublicKeyPath => Path.Combine(workFolder, "public-keys.json");

    public static string DigestKeyFor(DateTimeOffset end) =>
        $"AWSLogs/{Account}/CloudTrail-Digest/{Region}/{Format(end, "yyyy'/'MM'/'dd")}/{Account}_CloudTrail-Digest_{Region}_{TrailName}_{Region}_{Format(end, "yyyyMMdd'T'HHmmss'Z'")}.json.gz";

    public string PathOf(string key) => Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Writes <paramref name="count"/> hourly digests after the last one (the first a starting digest), each listing <paramref name="logsPerDigest"/> new log files.</summary>
    public void WriteChain(int count, int logsPerDigest = 2)
    {
        for (var index = 0; index < count; index++)
        {
            var end = Digests.Count == 0 ? Origin.AddHours(1) : Digests[^1].End.AddHours(1);
            WriteDigest(end, logsPerDigest);
        }
    }

    /// <summary>
    /// Writes a digest ending at <paramref name="end"/> with new log files delivered inside its hour.
    /// It links to the last digest written, unless <paramref name="starting"/> or there is none.
    /// </summary>
    public WrittenDigest WriteDigest(DateTimeOffset end, int logCount, bool starting = false, SigningKey? key = null, string? eventName = null)
    {
        key ??= SigningKey.Primary;
        var previous = starting || Digests.Count == 0 ? null : Digests[^1];
        var start = previous?.End ?? end.AddHours(-1);
        var digestKey = DigestKeyFor(end);

        var logs = new JsonArray();
        var logKeys = new List<string>();
        for (var index = 0; index < logCount; index++)
        {
            var delivered = start.AddMinutes(5 * (index + 1));
            var (logKey, hash) = WriteLog(delivered, eventName);
            logKeys.Add(logKey);
            logs.Add(new JsonObject
            {
                ["s3Bucket"] = Bucket,
                ["s3Object"] = logKey,
                ["hashValue"] = hash,
                ["hashAlgorithm"] = "SHA-256",
                ["newestEventTime"] = Iso(delivered),
                ["oldestEventTime"] = Iso(delivered.AddMinutes(-1)),
            });
        }

        var json = new JsonObject
        {
            ["awsAccountId"] = Account,
            ["digestStartTime"] = Iso(start),
            ["digestEndTime"] = Iso(end),
            ["digestS3Bucket"] = Bucket,
            ["digestS3Object"] = digestKey,
            ["digestPublicKeyFingerprint"] = key.Fingerprint,
            ["digestSignatureAlgorithm"] = "SHA256withRSA",
            ["newestEventTime"] = logCount == 0 ? null : Iso(start.AddMinutes(5 * logCount)),
            ["oldestEventTime"] = logCount == 0 ? null : Iso(start.AddMinutes(4)),
            ["previousDigestS3Bucket"] = previous is null ? null : Bucket,
            ["previousDigestS3Object"] = previous?.Key,
            ["previousDigestHashValue"] = previous?.ContentSha256,
            ["previousDigestHashAlgorithm"] = previous is null ? null : "SHA-256",
            ["previousDigestSignature"] = previous?.Signature,
            ["logFiles"] = logs,
        };

        var content = Encoding.UTF8.GetBytes(json.ToJsonString());
        var contentHash = Convert.ToHexStringLower(SHA256.HashData(content));
        var signingString = $"{Iso(end)}\n{Bucket}/{digestKey}\n{contentHash}\n{previous?.Signature ?? "null"}";
        var signature = key.SignHex(signingString);

        WriteGzip(digestKey, content);
        WriteSidecar(digestKey, $$$"""{"AcceptRanges":"bytes","ContentType":"application/json","Metadata":{"signature":"{{{signature}}}","signature-algorithm":"SHA256withRSA"}}""");

        var written = new WrittenDigest(digestKey, start, end, signature, contentHash, logKeys, content);
        Digests.Add(written);
        return written;
    }

    public void WriteSidecar(string key, string json) => File.WriteAllText(PathOf(key) + FolderTrailObjectStore.MetadataSuffix, json);

    public void DeleteSidecar(string key) => File.Delete(PathOf(key) + FolderTrailObjectStore.MetadataSuffix);

    /// <summary>Deletes an object and its sidecar.</summary>
    public void Delete(string key)
    {
        File.Delete(PathOf(key));
        DeleteSidecar(key);
    }

    /// <summary>Moves an object and its sidecar to another key, as a copy-and-delete in S3 would.</summary>
    public void Move(string key, string newKey)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(newKey))!);
        File.Move(PathOf(key), PathOf(newKey));
        File.Move(PathOf(key) + FolderTrailObjectStore.MetadataSuffix, PathOf(newKey) + FolderTrailObjectStore.MetadataSuffix);
    }

    /// <summary>Writes <paramref name="content"/> gzip-compressed at <paramref name="key"/>, replacing any object there.</summary>
    public void WriteGzip(string key, byte[] content)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(content);
    }

    /// <summary>Writes a public key file holding the given keys, each with its validity window (open where null).</summary>
    public PublicKeyList WritePublicKeys(params (SigningKey Key, DateTimeOffset? From, DateTimeOffset? To)[] keys)
    {
        var list = new JsonArray();
        foreach (var (key, from, to) in keys)
        {
            list.Add(new JsonObject
            {
                ["Value"] = Convert.ToBase64String(key.Pkcs1Der),
                ["ValidityStartTime"] = from is null ? null : Iso(from.Value),
                ["ValidityEndTime"] = to is null ? null : Iso(to.Value),
                ["Fingerprint"] = key.Fingerprint,
            });
        }

        var json = new JsonObject { ["PublicKeyList"] = list }.ToJsonString();
        File.WriteAllText(PublicKeyPath, json);
        return PublicKeyList.Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Writes the primary key, valid over the whole test period.</summary>
    public PublicKeyList WritePrimaryKey() => WritePublicKeys((SigningKey.Primary, Origin.AddDays(-30), Origin.AddDays(30)));

    public void Dispose()
    {
        if (Directory.Exists(workFolder))
        {
            Directory.Delete(workFolder, recursive: true);
        }
    }

    /// <summary>Writes a log file with one event, by default an S3 ListBuckets call; another <paramref name="eventName"/> is a CloudTrail call.</summary>
    private (string Key, string Hash) WriteLog(DateTimeOffset delivered, string? eventName = null)
    {
        logCounter++;
        var unique = $"Example{logCounter:D9}";
        var key = $"AWSLogs/{Account}/CloudTrail/{Region}/{Format(delivered, "yyyy'/'MM'/'dd")}/{Account}_CloudTrail_{Region}_{Format(delivered, "yyyyMMdd'T'HHmm'Z'")}_{unique}.json.gz";
        var content = Encoding.UTF8.GetBytes(
            $$"""{"Records":[{"eventVersion":"1.11","eventID":"{{Guid.NewGuid()}}","eventTime":"{{Iso(delivered)}}","eventSource":"{{(eventName is null ? "s3.amazonaws.com" : "cloudtrail.amazonaws.com")}}","eventName":"{{eventName ?? "ListBuckets"}}"}]}""");
        WriteGzip(key, content);
        return (key, Convert.ToHexStringLower(SHA256.HashData(content)));
    }

    private static string Iso(DateTimeOffset time) => Format(time, "yyyy-MM-dd'T'HH:mm:ss'Z'");

    private static string Format(DateTimeOffset time, string format) => time.UtcDateTime.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>A digest written by <see cref="TrailFolder"/>: its key, delivery window, hex signature, hash of its uncompressed content, the log files it lists, and that content.</summary>
internal sealed record WrittenDigest(string Key, DateTimeOffset Start, DateTimeOffset End, string Signature, string ContentSha256, IReadOnlyList<string> LogKeys, byte[] Content);
