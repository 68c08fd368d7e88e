using System.Text;
using System.Text.Json;

namespace Vigil.Ingestion.Objects;

/// <summary>
/// Reads the S3 event notification messages that an SQS queue receives from a bucket, sent by S3
/// directly or wrapped in an SNS notification (<c>Type</c> <c>Notification</c> with the S3 document
/// in <c>Message</c>). Messages are attacker-controlled text: size, nesting and record count are
/// bounded, and every problem is reported with the record index and field.
/// </summary>
public static class S3EventNotification
{
    /// <summary>Largest message body read; SQS itself allows 1 MiB.</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    /// <summary>Most records read from one message; S3 sends one per message.</summary>
    public const int MaxRecords = 100;

    private const int MaxDepth = 32;
    private const int MaxKeyLength = 1024;
    private const int MaxBucketLength = 255;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    /// <summary>Parses one message body.</summary>
    public static S3NotificationMessage Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Encoding.UTF8.GetByteCount(body) > MaxMessageBytes)
        {
            return S3NotificationMessage.Invalid($"the message is larger than {MaxMessageBytes} bytes");
        }

        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            return ParseDocument(document.RootElement, wrapped: false);
        }
        catch (JsonException exception)
        {
            return S3NotificationMessage.Invalid($"the message is not valid JSON: {exception.Message}");
        }
    }

    private static S3NotificationMessage ParseDocument(JsonElement root, bool wrapped)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return S3NotificationMessage.Invalid("the message is not a JSON object");
        }

        if (!wrapped && root.TryGetProperty("Type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Notification")
        {
            // An SNS notification: the S3 document is the string in Message.
            if (!root.TryGetProperty("Message", out var inner) || inner.ValueKind != JsonValueKind.String)
            {
                return S3NotificationMessage.Invalid("the SNS notification has no Message string");
            }

            using var document = JsonDocument.Parse(inner.GetString()!, DocumentOptions);
            return ParseDocument(document.RootElement, wrapped: true);
        }

        if (root.TryGetProperty("Event", out var testEvent) && testEvent.ValueKind == JsonValueKind.String && testEvent.GetString() == "s3:TestEvent")
        {
            return S3NotificationMessage.Ignored("an s3:TestEvent sent when the notification was configured");
        }

        if (!root.TryGetProperty("Records", out var records) || records.ValueKind != JsonValueKind.Array)
        {
            return S3NotificationMessage.Invalid("the message has no Records array");
        }

        var count = records.GetArrayLength();
        if (count > MaxRecords)
        {
            return S3NotificationMessage.Invalid($"the message has {count} records; at most {MaxRecords} are read");
        }

        var objects = new List<S3ObjectCreated>();
        var problems = new List<string>();
        var index = 0;
        foreach (var record in records.EnumerateArray())
        {
            var problem = ParseRecord(record, index, objects);
            if (problem is not null)
            {
                problems.Add(problem);
            }

            index++;
        }

        return new S3NotificationMessage(objects, problems, objects.Count == 0 && problems.Count == 0 ? "no ObjectCreated records" : null);
    }

    private static string? ParseRecord(JsonElement record, int index, List<S3ObjectCreated> objects)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            return $"Records[{index}]: not a JSON object";
        }

        var eventName = String(record, "eventName");
        if (eventName is null)
        {
            return $"Records[{index}].eventName: missing or not a string";
        }

        if (!eventName.StartsWith("ObjectCreated:", StringComparison.Ordinal))
        {
            // Removals, restores and the like say nothing about logs to read.
            return null;
        }

        if (!record.TryGetProperty("s3", out var s3) || s3.ValueKind != JsonValueKind.Object)
        {
            return $"Records[{index}].s3: missing or not an object";
        }

        var bucket = s3.TryGetProperty("bucket", out var bucketElement) && bucketElement.ValueKind == JsonValueKind.Object ? String(bucketElement, "name") : null;
        if (string.IsNullOrEmpty(bucket) || bucket.Length > MaxBucketLength)
        {
            return $"Records[{index}].s3.bucket.name: missing, empty or longer than {MaxBucketLength} characters";
        }

        if (!s3.TryGetProperty("object", out var objectElement) || objectElement.ValueKind != JsonValueKind.Object)
        {
            return $"Records[{index}].s3.object: missing or not an object";
        }

        var encodedKey = String(objectElement, "key");
        if (string.IsNullOrEmpty(encodedKey) || encodedKey.Length > MaxKeyLength * 3)
        {
            return $"Records[{index}].s3.object.key: missing, empty or too long";
        }

        var key = DecodeKey(encodedKey);
        if (key is null || key.Length > MaxKeyLength)
        {
            return $"Records[{index}].s3.object.key: not a valid URL-encoded key of at most {MaxKeyLength} characters";
        }

        if (!objectElement.TryGetProperty("size", out var sizeElement) || !sizeElement.TryGetInt64(out var size) || size < 0)
        {
            return $"Records[{index}].s3.object.size: missing or not a non-negative integer";
        }

        var eTag = String(objectElement, "eTag");
        if (string.IsNullOrEmpty(eTag) || eTag.Length > 128)
        {
            return $"Records[{index}].s3.object.eTag: missing, empty or longer than 128 characters";
        }

        objects.Add(new S3ObjectCreated(bucket, key, size, eTag.Trim('"'), eventName));
        return null;
    }

    /// <summary>Decodes a key as S3 writes it in notifications: URL-encoded, with '+' for a space.</summary>
    public static string? DecodeKey(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        try
        {
            var decoded = Uri.UnescapeDataString(encoded.Replace('+', ' '));
            return decoded.Contains('\uFFFD', StringComparison.Ordinal) ? null : decoded;
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>
/// What one notification message announces: the objects created, the problems of records that
/// could not be read (each naming its record index and field), and why the message contains nothing to
/// read when it is a test event, announces no object or is malformed as a whole.
/// </summary>
public sealed record S3NotificationMessage(IReadOnlyList<S3ObjectCreated> Objects, IReadOnlyList<string> Problems, string? NothingToRead)
{
    /// <summary>True when the message as a whole could not be read.</summary>
    public bool IsInvalid { get; private init; }

    public static S3NotificationMessage Invalid(string reason) => new([], [reason], null) { IsInvalid = true };

    public static S3NotificationMessage Ignored(string reason) => new([], [], reason);
}

/// <summary>An object announced by an <c>ObjectCreated:*</c> record: its bucket, decoded key, size and ETag.</summary>
public sealed record S3ObjectCreated(string Bucket, string Key, long Size, string ETag, string EventName);
