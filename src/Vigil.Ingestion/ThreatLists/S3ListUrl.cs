using System.Diagnostics.CodeAnalysis;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>An <c>s3://bucket/key</c> URL of a list object, checked against S3's bucket naming rules.</summary>
public sealed record S3ListUrl(string Bucket, string Key)
{
    /// <summary>Longest object key S3 accepts, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 1024;

    public override string ToString() => $"s3://{Bucket}/{Key}";

    /// <summary>Reads an <c>s3://bucket/key</c> URL; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out S3ListUrl? url, out string error)
    {
        url = null;
        const string scheme = "s3://";
        if (string.IsNullOrWhiteSpace(text) || !text.StartsWith(scheme, StringComparison.Ordinal))
        {
            error = "Give the list's address as s3://bucket/key.";
            return false;
        }

        var rest = text[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == rest.Length - 1)
        {
            error = "The address needs a bucket and an object key: s3://bucket/key.";
            return false;
        }

        var bucket = rest[..slash];
        var key = rest[(slash + 1)..];
        if (!IsBucketName(bucket))
        {
            error = $"'{bucket}' is not an S3 bucket name: use 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit.";
            return false;
        }

        if (System.Text.Encoding.UTF8.GetByteCount(key) > MaxKeyBytes || key.Any(char.IsControl))
        {
            error = $"The object key must be at most {MaxKeyBytes} bytes without control characters.";
            return false;
        }

        url = new S3ListUrl(bucket, key);
        error = "";
        return true;
    }

    private static bool IsBucketName(string name)
    {
        if (name.Length is < 3 or > 63 || !char.IsAsciiLetterLower(name[0]) && !char.IsAsciiDigit(name[0])
            || !char.IsAsciiLetterLower(name[^1]) && !char.IsAsciiDigit(name[^1]) || name.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        return name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-');
    }
}
