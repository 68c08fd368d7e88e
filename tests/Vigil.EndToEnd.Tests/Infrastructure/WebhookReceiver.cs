using System.Net;

namespace Vigil.EndToEnd.Tests.Infrastructure;

/// <summary>
/// An HTTP endpoint on loopback that replies to every request with 204 No Content, in place of the
/// SIEM behind a webhook export destination.
/// </summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;

    public WebhookReceiver()
    {
        Url = new Uri($"http://127.0.0.1:{FreePort.Next()}/vigil-findings/");
        listener.Prefixes.Add(Url.ToString());
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        _ = loop.Exception;
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            await context.Request.InputStream.CopyToAsync(Stream.Null);
            context.Response.StatusCode = (int)HttpStatusCode.NoContent;
            context.Response.Close();
        }
    }
}
