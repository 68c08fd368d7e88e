using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Ingestion.Integrity;

/// <summary>AWS credentials as the signer uses them; <see cref="SessionToken"/> is set for temporary credentials.</summary>
public sealed record AwsCredentialValues(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    public override string ToString() => $"AwsCredentialValues {{ AccessKeyId = {AccessKeyId} }}";
}

/// <summary>
/// Signs an <see cref="HttpRequestMessage"/> with AWS Signature Version 4 (<c>AWS4-HMAC-SHA256</c> in
/// the <c>Authorization</c> header), as the AWS General Reference describes it: a canonical request
/// of method, path, sorted query, sorted lower-case headers and the payload's SHA-256; a string to
/// sign with the time and the date/Region/service scope; and an HMAC-SHA256 signature under a key
/// derived from the secret key, date, Region and service. The AWS SDK's own signer works only on
/// the SDK's internal request type, so Vigil signs its few direct AWS calls here. Paths are encoded
/// twice, which is right for every service except S3; do not use this for S3.
/// </summary>
public static class AwsSignatureV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>
    /// Adds <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (for temporary credentials), <c>Host</c> and
    /// <c>Authorization</c> to <paramref name="request"/>. Every header already on the request and its
    /// content is signed. The content is read into memory to hash it.
    /// </summary>
    public static async Task SignAsync(HttpRequestMessage request, AwsCredentialValues credentials, string region, string service, DateTimeOffset time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException($"The request URI '{uri}' is not absolute.", nameof(request));
        }

        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var amzDate = time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (!string.IsNullOrEmpty(credentials.SessionToken))
        {
            request.Headers.Remove("X-Amz-Security-Token");
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.SessionToken);
        }

        request.Headers.Host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";

        var headers = new List<KeyValuePair<string, string>>();
        AddHeaders(headers, request.Headers);
        if (request.Content is not null)
        {
            AddHeaders(headers, request.Content.Headers);
        }

        var signedHeaders = SignedHeaders(headers);
        var canonical = CanonicalRequest(request.Method.Method, uri.AbsolutePath, uri.Query, headers, Convert.ToHexStringLower(SHA256.HashData(body)));
        var signature = Signature(credentials.SecretAccessKey, time, region, service, canonical);
        var scope = Scope(time, region, service);
        request.Headers.TryAddWithoutValidation("Authorization", $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>
    /// Returns the canonical request. <paramref name="path"/> is the path as sent (percent-encoded once)
    /// and is encoded again segment by segment; <paramref name="query"/> is the query as sent, with or
    /// without its leading '?'. Every header in <paramref name="headers"/> is signed.
    /// </summary>
    public static string CanonicalRequest(string method, string path, string query, IEnumerable<KeyValuePair<string, string>> headers, string payloadSha256Hex)
    {
        var byName = headers
            .GroupBy(header => header.Key.ToLowerInvariant(), StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .ToList();
        var builder = new StringBuilder();
        builder.Append(method).Append('\n');
        builder.Append(CanonicalPath(path)).Append('\n');
        builder.Append(CanonicalQuery(query)).Append('\n');
        foreach (var group in byName)
        {
            builder.Append(group.Key).Append(':').Append(string.Join(',', group.Select(header => TrimValue(header.Value)))).Append('\n');
        }

        builder.Append('\n');
        builder.Append(string.Join(';', byName.Select(group => group.Key))).Append('\n');
        builder.Append(payloadSha256Hex);
        return builder.ToString();
    }

    /// <summary>Returns the names of <paramref name="headers"/> in lower case, sorted and joined with ';', as the <c>SignedHeaders</c> part lists them.</summary>
    public static string SignedHeaders(IEnumerable<KeyValuePair<string, string>> headers) =>
        string.Join(';', headers.Select(header => header.Key.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    /// <summary>Returns the credential scope <c>yyyyMMdd/region/service/aws4_request</c>.</summary>
    public static string Scope(DateTimeOffset time, string region, string service) =>
        $"{time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{region}/{service}/aws4_request";

    /// <summary>Returns the string to sign for a canonical request.</summary>
    public static string StringToSign(DateTimeOffset time, string region, string service, string canonicalRequest) =>
        $"{Algorithm}\n{time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}\n{Scope(time, region, service)}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    /// <summary>Derives the signing key: HMAC-SHA256 chained over the date, Region, service and <c>aws4_request</c>, starting from "AWS4" + secret key.</summary>
    public static byte[] SigningKey(string secretAccessKey, DateTimeOffset time, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    /// <summary>Returns the lower-case hex signature of a canonical request.</summary>
    public static string Signature(string secretAccessKey, DateTimeOffset time, string region, string service, string canonicalRequest) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(SigningKey(secretAccessKey, time, region, service), Encoding.UTF8.GetBytes(StringToSign(time, region, service, canonicalRequest))));

    private static void AddHeaders(List<KeyValuePair<string, string>> headers, HttpHeaders source)
    {
        foreach (var header in source.NonValidated)
        {
            if (!string.Equals(header.Key, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(new(header.Key, string.Join(',', header.Value)));
            }
        }
    }

    /// <summary>Encodes each segment of an already encoded path once more; an empty path is "/".</summary>
    private static string CanonicalPath(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }

        return string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
    }

    /// <summary>Decodes each name and value, encodes it as RFC 3986 with upper-case hex, and sorts by name, then value.</summary>
    private static string CanonicalQuery(string query)
    {
        var text = query.StartsWith('?') ? query[1..] : query;
        if (text.Length == 0)
        {
            return "";
        }

        var pairs = text.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? pair : pair[..separator];
            var value = separator < 0 ? "" : pair[(separator + 1)..];
            return (Name: Uri.EscapeDataString(Uri.UnescapeDataString(name)), Value: Uri.EscapeDataString(Uri.UnescapeDataString(value)));
        });
        return string.Join('&', pairs.OrderBy(pair => pair.Name, StringComparer.Ordinal).ThenBy(pair => pair.Value, StringComparer.Ordinal).Select(pair => $"{pair.Name}={pair.Value}"));
    }

    /// <summary>Trims a header value and collapses each run of spaces inside it to one.</summary>
    private static string TrimValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        var previousSpace = false;
        foreach (var character in value.Trim())
        {
            var isSpace = character == ' ';
            if (!isSpace || !previousSpace)
            {
                builder.Append(character);
            }

            previousSpace = isSpace;
        }

        return builder.ToString();
    }
}
