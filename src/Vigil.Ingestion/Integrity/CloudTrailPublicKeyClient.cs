using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vigil.Ingestion.Integrity;

/// <summary>Raised when CloudTrail's <c>ListPublicKeys</c> call fails or returns something unreadable.</summary>
public sealed class CloudTrailApiException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// Calls CloudTrail's <c>ListPublicKeys</c> action over HTTPS with the AWS JSON 1.1 protocol (a POST
/// of a JSON body with <c>X-Amz-Target: CloudTrail_20131101.ListPublicKeys</c>), signed with
/// Signature Version 4, and follows <c>NextToken</c> through every page. The AWS SDK's CloudTrail
/// client is not used because the package feed this project builds from does not serve it.
/// </summary>
public sealed partial class CloudTrailPublicKeyClient(HttpClient http, Func<CancellationToken, ValueTask<AwsCredentialValues>> credentials, TimeProvider clock, Uri? serviceUrl = null)
{
    public const string Target = "CloudTrail_20131101.ListPublicKeys";

    /// <summary>Most pages read for one call; CloudTrail has a handful of keys per Region.</summary>
    public const int MaxPages = 50;

    /// <summary>Largest response body read, in bytes.</summary>
    public const int MaxResponseBytes = 1024 * 1024;

    /// <summary>
    /// Returns the public keys of <paramref name="region"/> valid at some time between
    /// <paramref name="startTime"/> and <paramref name="endTime"/>. The request goes to the service URL
    /// given at construction, else to CloudTrail's endpoint in that Region.
    /// </summary>
    public async Task<PublicKeyList> ListPublicKeysAsync(string region, DateTimeOffset startTime, DateTimeOffset endTime, CancellationToken cancellationToken)
    {
        if (!RegionName().IsMatch(region))
        {
            throw new ArgumentException($"'{region}' is not an AWS Region name such as us-east-1.", nameof(region));
        }

        var endpoint = serviceUrl ?? new Uri(region.StartsWith("cn-", StringComparison.Ordinal) ? $"https://cloudtrail.{region}.amazonaws.com.cn/" : $"https://cloudtrail.{region}.amazonaws.com/");
        var keys = new List<CloudTrailPublicKey>();
        string? nextToken = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var (pageKeys, token) = await ListPageAsync(endpoint, region, startTime, endTime, nextToken, cancellationToken);
            keys.AddRange(pageKeys);
            if (string.IsNullOrEmpty(token))
            {
                return new PublicKeyList(keys);
            }

            nextToken = token;
        }

        throw new CloudTrailApiException($"ListPublicKeys in {region} returned more than {MaxPages} pages; the keys read so far are not used.");
    }

    private async Task<(IReadOnlyList<CloudTrailPublicKey> Keys, string? NextToken)> ListPageAsync(Uri endpoint, string region, DateTimeOffset startTime, DateTimeOffset endTime, string? nextToken, CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, object>
        {
            ["StartTime"] = startTime.ToUnixTimeSeconds(),
            ["EndTime"] = endTime.ToUnixTimeSeconds(),
        };
        if (nextToken is not null)
        {
            body["NextToken"] = nextToken;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", Target);
        await AwsSignatureV4.SignAsync(request, await credentials(cancellationToken), region, "cloudtrail", clock.GetUtcNow(), cancellationToken);

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var content = await ReadBoundedAsync(response.Content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new CloudTrailApiException($"ListPublicKeys in {region} at {endpoint} failed with HTTP {(int)response.StatusCode}: {DescribeError(content)}");
        }

        PublicKeyList list;
        try
        {
            list = PublicKeyList.Parse(content);
        }
        catch (PublicKeyListFormatException exception)
        {
            throw new CloudTrailApiException($"ListPublicKeys in {region} returned an unreadable response: {exception.Message}", exception);
        }

        return (list.Keys, ReadNextToken(content));
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                throw new CloudTrailApiException($"The ListPublicKeys response is larger than {MaxResponseBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string? ReadNextToken(byte[] content)
    {
        using var document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = PublicKeyList.MaxDepth });
        return document.RootElement.TryGetProperty("NextToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
    }

    /// <summary>Returns the error type and message of a JSON 1.1 error body (<c>__type</c>, <c>message</c>), or its first 200 characters.</summary>
    private static string DescribeError(byte[] content)
    {
        try
        {
            using var document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = PublicKeyList.MaxDepth });
            var root = document.RootElement;
            var type = root.TryGetProperty("__type", out var typeValue) ? typeValue.ToString() : "unknown error";
            var message = root.TryGetProperty("message", out var messageValue) || root.TryGetProperty("Message", out messageValue) ? messageValue.ToString() : "";
            return Bounded($"{type[(type.LastIndexOf('#') + 1)..]} {message}".Trim());
        }
        catch (JsonException)
        {
            return Bounded(Encoding.UTF8.GetString(content));
        }
    }

    private static string Bounded(string text) => text.Length <= 200 ? text : string.Create(CultureInfo.InvariantCulture, $"{text[..200]}…");

    [GeneratedRegex(@"^[a-z]{2}(?:-[a-z]+)+-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionName();
}
