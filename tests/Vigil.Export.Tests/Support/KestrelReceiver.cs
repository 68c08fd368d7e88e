using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vigil.Export.Tests.Support;

/// <summary>A Kestrel server on a free loopback port that answers webhook posts with queued status codes (200 when none is queued) and records each request.</summary>
internal sealed class KestrelReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    private KestrelReceiver(WebApplication app, Uri url)
    {
        this.app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<int> Statuses { get; } = new();

    public ConcurrentQueue<ReceivedPost> Requests { get; } = new();

    public static async Task<KestrelReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        KestrelReceiver? receiver = null;
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver!.Requests.Enqueue(new ReceivedPost(
                body,
                context.Request.Headers[WebhookExporter.SignatureHeader].ToString(),
                context.Request.Headers[WebhookExporter.TimestampHeader].ToString()));
            return Results.StatusCode(receiver.Statuses.TryDequeue(out var status) ? status : 200);
        });
        await app.StartAsync();
        receiver = new KestrelReceiver(app, new Uri(new Uri(app.Urls.First()), "/hook"));
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

internal sealed record ReceivedPost(string Body, string Signature, string Timestamp);
