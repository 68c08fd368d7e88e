using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Vigil.Ingestion.Objects;

namespace Vigil.Ingestion.Integrity;

/// <summary>
/// Reads CloudTrail digest files. A digest lists one hour of log files, so it is small enough to
/// hold whole. The content is read up to a size limit, hashed, and parsed as one document with a
/// depth limit.
/// </summary>
public static class DigestFileParser
{
    /// <summary>Deepest JSON nesting accepted. A real digest nests three levels deep (object, <c>logFiles</c>, entry).</summary>
    public const int MaxDepth = 8;

    /// <summary>
    /// Reads the uncompressed content of a delivered digest (gzip or plain, detected by the gzip
    /// magic bytes). Raises <see cref="DigestFormatException"/> for damaged gzip data or content
    /// larger than <paramref name="maxBytes"/>.
    /// </summary>
    public static async Task<byte[]> ReadContentAsync(Stream raw, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            await using var content = await LogObjectStream.OpenAsync(raw, maxBytes, cancellationToken);
            using var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (InvalidDataException exception)
        {
            throw new DigestFormatException($"the gzip data is damaged: {exception.Message}");
        }
        catch (DecompressedSizeExceededException)
        {
            throw new DigestFormatException($"the uncompressed digest is larger than the limit of {maxBytes} bytes");
        }
    }

    /// <summary>Parses uncompressed digest content. Raises <see cref="DigestFormatException"/> naming the line or field at fault.</summary>
    public static DigestFile Parse(ReadOnlyMemory<byte> content)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException exception)
        {
            // The reader counts lines and bytes in the line from zero.
            throw new DigestFormatException(
                $"line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1} of the line: invalid JSON: {JsonErrors.WithoutPosition(exception)}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DigestFormatException($"the digest is a JSON {Describe(root.ValueKind)}, not an object");
            }

            var endTime = RequiredString(root, "digestEndTime", "digestEndTime");
            if (!root.TryGetProperty("previousDigestSignature", out _))
            {
                throw new DigestFormatException("field previousDigestSignature is missing (it is null in the starting digest of a chain, never absent)");
            }

            return new DigestFile
            {
                AwsAccountId = OptionalString(root, "awsAccountId", "awsAccountId"),
                DigestStartTime = ParseTime(RequiredString(root, "digestStartTime", "digestStartTime"), "digestStartTime"),
                DigestEndTime = ParseTime(endTime, "digestEndTime"),
                DigestEndTimeText = endTime,
                DigestS3Bucket = RequiredString(root, "digestS3Bucket", "digestS3Bucket"),
                DigestS3Object = RequiredString(root, "digestS3Object", "digestS3Object"),
                DigestPublicKeyFingerprint = RequiredString(root, "digestPublicKeyFingerprint", "digestPublicKeyFingerprint"),
                DigestSignatureAlgorithm = OptionalString(root, "digestSignatureAlgorithm", "digestSignatureAlgorithm"),
                NewestEventTime = OptionalTime(root, "newestEventTime", "newestEventTime"),
                OldestEventTime = OptionalTime(root, "oldestEventTime", "oldestEventTime"),
                PreviousDigestS3Bucket = OptionalString(root, "previousDigestS3Bucket", "previousDigestS3Bucket"),
                PreviousDigestS3Object = OptionalString(root, "previousDigestS3Object", "previousDigestS3Object"),
                PreviousDigestHashValue = OptionalString(root, "previousDigestHashValue", "previousDigestHashValue"),
                PreviousDigestHashAlgorithm = OptionalString(root, "previousDigestHashAlgorithm", "previousDigestHashAlgorithm"),
                PreviousDigestSignature = OptionalString(root, "previousDigestSignature", "previousDigestSignature"),
                LogFiles = ParseLogFiles(root),
                ContentSha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span)),
            };
        }
    }

    private static List<DigestLogFile> ParseLogFiles(JsonElement root)
    {
        if (!root.TryGetProperty("logFiles", out var array))
        {
            throw new DigestFormatException("field logFiles is missing (it is an empty array when no log files were delivered)");
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new DigestFormatException($"field logFiles is a JSON {Describe(array.ValueKind)}, not an array");
        }

        var logFiles = new List<DigestLogFile>(array.GetArrayLength());
        var index = 0;
        foreach (var entry in array.EnumerateArray())
        {
            var path = $"logFiles[{index}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw new DigestFormatException($"field {path} is a JSON {Describe(entry.ValueKind)}, not an object");
            }

            logFiles.Add(new DigestLogFile
            {
                S3Bucket = RequiredString(entry, "s3Bucket", path + ".s3Bucket"),
                S3Object = RequiredString(entry, "s3Object", path + ".s3Object"),
                HashValue = RequiredString(entry, "hashValue", path + ".hashValue"),
                HashAlgorithm = OptionalString(entry, "hashAlgorithm", path + ".hashAlgorithm"),
                NewestEventTime = OptionalTime(entry, "newestEventTime", path + ".newestEventTime"),
                OldestEventTime = OptionalTime(entry, "oldestEventTime", path + ".oldestEventTime"),
            });
            index++;
        }

        return logFiles;
    }

    private static string RequiredString(JsonElement parent, string name, string path)
    {
        var value = OptionalString(parent, name, path);
        if (string.IsNullOrEmpty(value))
        {
            throw new DigestFormatException($"field {path} is missing or empty");
        }

        return value;
    }

    private static string? OptionalString(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new DigestFormatException($"field {path} is a JSON {Describe(value.ValueKind)}, not a string");
        }

        return value.GetString();
    }

    private static DateTimeOffset? OptionalTime(JsonElement parent, string name, string path)
    {
        var text = OptionalString(parent, name, path);
        return text is null ? null : ParseTime(text, path);
    }

    private static DateTimeOffset ParseTime(string text, string path)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        throw new DigestFormatException($"field {path} is not an ISO-8601 time: '{Shorten(text)}'");
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}

/// <summary>Raised when a digest file cannot be read: damaged gzip data, invalid JSON, or a missing or mistyped field.</summary>
public sealed class DigestFormatException(string message) : Exception(message);
