using System.Text;

namespace Vigil.Ingestion.ThreatLists;

/// <summary>
/// Reads the content of a platform list from its source: an http or https URL, a file URL or an
/// absolute file path. Content larger than <see cref="MaxBytes"/> is rejected without being held
/// whole in memory. Text is decoded as UTF-8 unless a byte-order mark names another encoding.
/// </summary>
public sealed class ListSourceReader(HttpClient http)
{
    /// <summary>Largest content read: 256 MiB, above the 1,000,000-entry lists Vigil is measured with.</summary>
    public long MaxBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Time allowed for one fetch, including the whole download.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>True when the source names something this reader can read.</summary>
    public static bool IsSupported(string source, out string reason)
    {
        if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || uri.IsFile))
        {
            reason = "";
            return true;
        }

        reason = $"source '{source}' is neither an http or https URL nor an absolute file path";
        return false;
    }

    /// <summary>Reads the source; throws <see cref="ListSourceException"/> with the reason when it cannot.</summary>
    public async Task<string> ReadAsync(string source, CancellationToken cancellationToken)
    {
        if (!IsSupported(source, out var reason))
        {
            throw new ListSourceException(reason);
        }

        var uri = new Uri(source, UriKind.Absolute);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            if (uri.IsFile)
            {
                await using var file = new FileStream(uri.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
                return await ReadBoundedAsync(file, source, timeout.Token);
            }

            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new ListSourceException($"GET {source} returned HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Content.Headers.ContentLength is { } length && length > MaxBytes)
            {
                throw new ListSourceException($"{source} is {length} bytes, more than the limit of {MaxBytes} bytes");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            return await ReadBoundedAsync(body, source, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ListSourceException($"reading {source} timed out after {Timeout.TotalSeconds:0} s");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            throw new ListSourceException($"reading {source} failed: {exception.Message}", exception);
        }
    }

    private async Task<string> ReadBoundedAsync(Stream stream, string source, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw new ListSourceException($"{source} is larger than the limit of {MaxBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        using var reader = new StreamReader(buffer, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return await reader.ReadToEndAsync(cancellationToken);
    }
}

/// <summary>A list source could not be read; the message names the source and the reason.</summary>
public sealed class ListSourceException : Exception
{
    public ListSourceException(string message)
        : base(message)
    {
    }

    public ListSourceException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
