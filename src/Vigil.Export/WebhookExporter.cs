using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Text;

namespace Vigil.Export;

/// <summary>Where and how one tenant's findings are posted: the URL, the HMAC secret, the format and the retry policy.</summary>
public sealed record WebhookDestination
{
    public required Uri Url { get; init; }

    /// <summary>Key of the HMAC-SHA256 signature; the receiver keeps the same secret.</summary>
    public required byte[] Secret { get; init; }

    public FindingExportFormat Format { get; init; } = FindingExportFormat.EventBridge;

    /// <summary>Deliveries tried before the dead-letter record (default 5).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Wait before the second try; it doubles before each further try (default 2 seconds).</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between tries (default 5 minutes).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>A delivery that failed on its last try: the finding, the destination, the tries and the last error.</summary>
public sealed record DeadLetter(string TenantId, string FindingId, Uri Url, int Attempts, string LastError, string Body, DateTimeOffset FailedAt);

/// <summary>
/// Posts findings as JSON to a tenant's webhook. Each request carries <c>X-Vigil-Timestamp</c>
/// (Unix seconds) and <c>X-Vigil-Signature: sha256=HEX</c>, the HMAC-SHA256 of
/// <c>timestamp + "." + body</c> under the destination's secret, so the receiver can check origin
/// and freshness. Server errors, 408, 429 and network failures are retried with doubling delays;
/// other client errors are not, because a retry would get the same answer. After the last try the
/// delivery goes to the dead-letter callback.
/// </summary>
public sealed partial class WebhookExporter(HttpClient http, TimeProvider clock, Func<DeadLetter, CancellationToken, Task> deadLetters, ILogger<WebhookExporter> logger)
{
    public const string SignatureHeader = "X-Vigil-Signature";

    public const string TimestampHeader = "X-Vigil-Timestamp";

    /// <summary>Posts one finding; returns true when the receiver accepted it (2xx), false after the dead-letter record.</summary>
    public async Task<bool> SendAsync(string tenantId, Finding finding, WebhookDestination destination, CancellationToken cancellationToken)
    {
        var body = FindingExportFormats.Serialize(FindingExportFormats.Format(finding, destination.Format));
        var delay = destination.FirstRetryDelay;
        var lastError = "no attempt made";
        for (var attempt = 1; attempt <= destination.MaxAttempts; attempt++)
        {
            var (delivered, retryable, error) = await PostAsync(body, destination, cancellationToken);
            if (delivered)
            {
                return true;
            }

            lastError = error;
            LogAttemptFailed(logger, tenantId, finding.Id, attempt, destination.MaxAttempts, LogText.Escape(error));
            if (!retryable || attempt == destination.MaxAttempts)
            {
                await deadLetters(new DeadLetter(tenantId, finding.Id, destination.Url, attempt, error, body, clock.GetUtcNow()), cancellationToken);
                return false;
            }

            await Task.Delay(delay, clock, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, destination.MaxRetryDelay.Ticks));
        }

        await deadLetters(new DeadLetter(tenantId, finding.Id, destination.Url, 0, lastError, body, clock.GetUtcNow()), cancellationToken);
        return false;
    }

    /// <summary>Returns the signature header value for a timestamp and body.</summary>
    public static string Sign(byte[] secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(timestamp + "." + body)));

    private Task<(bool Delivered, bool Retryable, string Error)> PostAsync(string body, WebhookDestination destination, CancellationToken cancellationToken) =>
        PostOnceAsync(body, destination.Url, destination.Secret, cancellationToken);

    /// <summary>
    /// Posts one signed body once. Returns whether the receiver accepted it (2xx), whether a failure
    /// is worth another try (5xx, 408, 429 and network failures), and the error text.
    /// </summary>
    public async Task<(bool Delivered, bool Retryable, string Error)> PostOnceAsync(string body, Uri url, byte[] secret, CancellationToken cancellationToken)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, Sign(secret, timestamp, body));
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return (true, false, string.Empty);
            }

            var status = (int)response.StatusCode;
            var retryable = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            return (false, retryable, $"the receiver answered {status} {response.ReasonPhrase}");
        }
        catch (HttpRequestException exception)
        {
            return (false, true, $"the request failed: {exception.Message}");
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, true, $"the request timed out: {exception.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Posting finding {FindingId} of tenant {TenantId} failed on try {Attempt} of {MaxAttempts}: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string tenantId, string findingId, int attempt, int maxAttempts, string error);
}
