using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Grains.Ingest;
using Vigil.Ingestion.Firehose;

namespace Vigil.Host.Ingest;

/// <summary>
/// The HTTP endpoint that Amazon Data Firehose delivers to (<c>POST /api/ingest/firehose</c>),
/// in Firehose's HTTP endpoint request and response format, version 1.0.
/// </summary>
/// <remarks>
/// Firehose treats any status other than 200 as a failed delivery and retries the same request
/// (same request id) until its retry duration runs out. So the endpoint returns 200 only when the
/// records were applied by their grains and their findings are stored, or when the request was
/// applied before. Records that can never be applied (malformed, or from accounts not registered
/// to the source) are counted and rejected, and do not fail the request.
/// </remarks>
public static partial class FirehoseEndpoint
{
    public const string Path = "/api/ingest/firehose";

    public const string AccessKeyHeader = "X-Amz-Firehose-Access-Key";

    public const string RequestIdHeader = "X-Amz-Firehose-Request-Id";

    /// <summary>Firehose's own limit on the access key, in bytes.</summary>
    public const int MaxAccessKeyLength = 4096;

    private const string UnauthorizedMessage = "The access key is missing or not valid for an enabled Firehose source.";

    private static readonly LogThrottle UnauthorizedLog = new(TimeSpan.FromMinutes(1));

    private static readonly JsonSerializerOptions ResponseJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Maps the endpoint. It takes no cookie and no antiforgery token: the access key authenticates it.</summary>
    public static IEndpointRouteBuilder MapFirehoseIngest(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, HandleAsync).AllowAnonymous().DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext context,
        [FromServices] ISourceStore sources,
        [FromServices] FirehoseIngestor ingestor,
        [FromServices] FirehoseLimits limits,
        [FromServices] ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger(typeof(FirehoseEndpoint));
        var headerRequestId = context.Request.Headers[RequestIdHeader].ToString();
        var requestId = headerRequestId.Length is > 0 and <= FirehoseIngestor.MaxRequestIdLength ? headerRequestId : "";

        SourceDefinition? source;
        try
        {
            source = await AuthenticateAsync(context, sources, context.RequestAborted);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(logger, exception, LogText.Escape(requestId));
            return Respond(requestId, StatusCodes.Status503ServiceUnavailable, "The source store is not available; Firehose retries the request.");
        }

        if (source is null)
        {
            if (UnauthorizedLog.TryStart(DateTimeOffset.UtcNow, out var suppressed))
            {
                LogUnauthorized(logger, LogText.Escape(requestId), context.Connection.RemoteIpAddress?.ToString() ?? "(unknown)", suppressed);
            }

            return Respond(requestId, StatusCodes.Status401Unauthorized, UnauthorizedMessage);
        }

        var body = await ReadBodyAsync(context, limits);
        if (body.Error is not null)
        {
            LogBodyRejected(logger, LogText.Escape(requestId), source.Id, body.Status, body.Error);
            return Respond(requestId, body.Status, body.Error);
        }

        FirehoseIngestResult result;
        try
        {
            result = await ingestor.IngestAsync(source, headerRequestId.Length == 0 ? null : headerRequestId, body.Bytes!, context.RequestAborted);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The grains drop the chunks they applied, so the retry Firehose makes cannot double a count.
            LogFailed(logger, exception, LogText.Escape(requestId));
            return Respond(requestId, StatusCodes.Status500InternalServerError, "Storing the outcome of the request failed; Firehose retries the request.");
        }

        var status = result.Status switch
        {
            FirehoseIngestStatus.Applied or FirehoseIngestStatus.AlreadyApplied => StatusCodes.Status200OK,
            FirehoseIngestStatus.InvalidRequest => StatusCodes.Status400BadRequest,
            FirehoseIngestStatus.RequestTooLarge => StatusCodes.Status413PayloadTooLarge,
            _ => StatusCodes.Status500InternalServerError,
        };
        return Respond(result.RequestId.Length > 0 ? result.RequestId : requestId, status, result.Error);
    }

    /// <summary>
    /// Finds the enabled Firehose source of the access key, or returns null. A missing key, an
    /// unknown key and a key of a disabled source all get the same response, so it does
    /// not tell whether a tenant or source exists.
    /// </summary>
    private static async Task<SourceDefinition?> AuthenticateAsync(HttpContext context, ISourceStore sources, CancellationToken cancellationToken)
    {
        var accessKey = context.Request.Headers[AccessKeyHeader].ToString();
        if (accessKey.Length is 0 or > MaxAccessKeyLength)
        {
            return null;
        }

        var hash = SourceAccessKey.Hash(accessKey);
        var source = await sources.FindByAccessKeyHashAsync(hash, cancellationToken);
        if (source is not { Kind: SourceKind.Firehose, Enabled: true } || source.AccessKeySha256 is null || source.AccessKeySha256.Length != hash.Length)
        {
            return null;
        }

        // The store looked the source up by the hash. Comparing again in constant time keeps a store
        // that matches loosely (case, collation) from letting another key in.
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hash), Encoding.ASCII.GetBytes(source.AccessKeySha256)) ? source : null;
    }

    /// <summary>Reads the body, undoing <c>Content-Encoding: gzip</c>, within <see cref="FirehoseLimits.MaxRequestBytes"/>.</summary>
    private static async Task<RequestBody> ReadBodyAsync(HttpContext context, FirehoseLimits limits)
    {
        var maxBytes = limits.MaxRequestBytes;
        if (context.Request.ContentLength > maxBytes)
        {
            return RequestBody.Failed(StatusCodes.Status413PayloadTooLarge, $"The request body is {context.Request.ContentLength} bytes, more than the limit of {maxBytes}.");
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }

        var encoding = context.Request.Headers.ContentEncoding.ToString();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (encoding.Length > 0 && !gzip)
        {
            return RequestBody.Failed(StatusCodes.Status415UnsupportedMediaType, $"Content-Encoding '{Truncate(encoding)}' is not supported; send gzip or no encoding.");
        }

        try
        {
            await using var input = gzip ? new GZipStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true) : context.Request.Body;
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await input.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                if (output.Length + read > maxBytes)
                {
                    return RequestBody.Failed(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than the limit of {maxBytes} bytes{(gzip ? " after decompression" : "")}.");
                }

                output.Write(buffer, 0, read);
            }

            return new RequestBody(output.ToArray(), StatusCodes.Status200OK, null);
        }
        catch (InvalidDataException exception)
        {
            return RequestBody.Failed(StatusCodes.Status400BadRequest, $"The request body is not valid gzip: {exception.Message}");
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return RequestBody.Failed(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than the limit of {maxBytes} bytes.");
        }
    }

    private static IResult Respond(string requestId, int statusCode, string? errorMessage) =>
        Results.Json(new FirehoseResponse(requestId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), errorMessage), ResponseJson, statusCode: statusCode);

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Firehose request {RequestId} from {RemoteAddress} rejected: the access key is missing or not valid ({Suppressed} such rejections since the last such line were not logged)")]
    private static partial void LogUnauthorized(ILogger logger, string requestId, string remoteAddress, long suppressed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Firehose request {RequestId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Firehose request {RequestId} of source {SourceId} rejected with status {Status}: {Error}")]
    private static partial void LogBodyRejected(ILogger logger, string requestId, Guid sourceId, int status, string error);

    /// <summary>The response body Firehose expects: the request id, the time in Unix milliseconds, and a message on failure.</summary>
    private sealed record FirehoseResponse(string RequestId, long Timestamp, string? ErrorMessage);

    /// <summary>Lets one log line through per period and counts the ones it holds back, so a flood of bad keys cannot flood the log.</summary>
    private sealed class LogThrottle(TimeSpan period)
    {
        private readonly Lock gate = new();
        private DateTimeOffset nextAt = DateTimeOffset.MinValue;
        private long held;

        public bool TryStart(DateTimeOffset now, out long suppressed)
        {
            lock (gate)
            {
                if (now < nextAt)
                {
                    held++;
                    suppressed = 0;
                    return false;
                }

                suppressed = held;
                held = 0;
                nextAt = now + period;
                return true;
            }
        }
    }

    private sealed record RequestBody(byte[]? Bytes, int Status, string? Error)
    {
        public static RequestBody Failed(int status, string error) => new(null, status, error);
    }
}
