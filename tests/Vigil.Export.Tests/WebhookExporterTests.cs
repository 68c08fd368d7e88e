using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Contracts.Findings;

namespace Vigil.Export.Tests;

/// <summary>Webhook delivery to a real HTTP receiver on loopback: signature, retries and the dead-letter record.</summary>
public sealed class WebhookExporterTests : IDisposable
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("test-secret-0123456789");

    private readonly Receiver receiver = new();

    public void Dispose() => receiver.Dispose();

    private WebhookDestination Destination(FindingExportFormat format = FindingExportFormat.EventBridge, int attempts = 3) => new()
    {
        Url = receiver.Url,
        Secret = Secret,
        Format = format,
        MaxAttempts = attempts,
        FirstRetryDelay = TimeSpan.FromMilliseconds(10),
    };

    [Fact]
    public async Task Send_PostsSignedEventBridgeEvent()
    {
        receiver.Statuses.Enqueue(200);
        var letters = new List<DeadLetter>();
        using var http = new HttpClient();
        var exporter = new WebhookExporter(http, TimeProvider.System, (letter, _) => { letters.Add(letter); return Task.CompletedTask; }, NullLogger<WebhookExporter>.Instance);

        var delivered = await exporter.SendAsync("tenant-a", TestFinding.Create(), Destination(), CancellationToken.None);

        Assert.True(delivered);
        Assert.Empty(letters);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(WebhookExporter.Sign(Secret, request.Timestamp, request.Body), request.Signature);
        using var document = JsonDocument.Parse(request.Body);
        Assert.Equal("GuardDuty Finding", document.RootElement.GetProperty("detail-type").GetString());
        Assert.Equal("aws.guardduty", document.RootElement.GetProperty("source").GetString());
        Assert.Equal(TestFinding.Create().Id, document.RootElement.GetProperty("detail").GetProperty("id").GetString());
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
    }

    [Fact]
    public async Task Send_RetriesServerErrorsThenDelivers()
    {
        receiver.Statuses.Enqueue(503);
        receiver.Statuses.Enqueue(500);
        receiver.Statuses.Enqueue(202);
        using var http = new HttpClient();
        var exporter = new WebhookExporter(http, TimeProvider.System, (_, _) => Task.CompletedTask, NullLogger<WebhookExporter>.Instance);

        var delivered = await exporter.SendAsync("tenant-a", TestFinding.Create(), Destination(attempts: 3), CancellationToken.None);

        Assert.True(delivered);
        Assert.Equal(3, receiver.Requests.Count);
        Assert.Single(receiver.Requests.Select(request => request.Body).Distinct());
    }

    [Fact]
    public async Task Send_AfterLastTry_WritesDeadLetter()
    {
        for (var i = 0; i < 3; i++)
        {
            receiver.Statuses.Enqueue(500);
        }

        var letters = new List<DeadLetter>();
        using var http = new HttpClient();
        var exporter = new WebhookExporter(http, TimeProvider.System, (letter, _) => { letters.Add(letter); return Task.CompletedTask; }, NullLogger<WebhookExporter>.Instance);

        var delivered = await exporter.SendAsync("tenant-a", TestFinding.Create(), Destination(attempts: 3), CancellationToken.None);

        Assert.False(delivered);
        var letter = Assert.Single(letters);
        Assert.Equal(3, letter.Attempts);
        Assert.Equal("tenant-a", letter.TenantId);
        Assert.Contains("500", letter.LastError, StringComparison.Ordinal);
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task Send_ClientError_IsNotRetried()
    {
        receiver.Statuses.Enqueue(401);
        var letters = new List<DeadLetter>();
        using var http = new HttpClient();
        var exporter = new WebhookExporter(http, TimeProvider.System, (letter, _) => { letters.Add(letter); return Task.CompletedTask; }, NullLogger<WebhookExporter>.Instance);

        var delivered = await exporter.SendAsync("tenant-a", TestFinding.Create(), Destination(attempts: 5), CancellationToken.None);

        Assert.False(delivered);
        Assert.Single(receiver.Requests);
        Assert.Equal(1, Assert.Single(letters).Attempts);
    }

    [Fact]
    public async Task Send_Ocsf_PostsDetectionFinding()
    {
        receiver.Statuses.Enqueue(200);
        using var http = new HttpClient();
        var exporter = new WebhookExporter(http, TimeProvider.System, (_, _) => Task.CompletedTask, NullLogger<WebhookExporter>.Instance);

        await exporter.SendAsync("tenant-a", TestFinding.Create(), Destination(FindingExportFormat.Ocsf), CancellationToken.None);

        using var document = JsonDocument.Parse(Assert.Single(receiver.Requests).Body);
        Assert.Equal(2004, document.RootElement.GetProperty("class_uid").GetInt32());
        Assert.Equal(200401, document.RootElement.GetProperty("type_uid").GetInt32());
        Assert.Equal(4, document.RootElement.GetProperty("severity_id").GetInt32());
        Assert.Equal(TestFinding.Create().Arn, document.RootElement.GetProperty("finding_info").GetProperty("uid").GetString());
    }

    /// <summary>An HTTP server on a free loopback port that answers with queued status codes and records each request.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Task loop;

        public Receiver()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = new Uri($"http://127.0.0.1:{port}/hook/");
            listener.Prefixes.Add(Url.ToString());
            listener.Start();
            loop = Task.Run(ServeAsync);
        }

        public Uri Url { get; }

        public ConcurrentQueue<int> Statuses { get; } = new();

        public List<ReceivedRequest> Requests { get; } = [];

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
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                lock (Requests)
                {
                    Requests.Add(new ReceivedRequest(body, context.Request.Headers[WebhookExporter.SignatureHeader] ?? "", context.Request.Headers[WebhookExporter.TimestampHeader] ?? "", context.Request.ContentType ?? ""));
                }

                context.Response.StatusCode = Statuses.TryDequeue(out var status) ? status : 500;
                context.Response.Close();
            }
        }
    }

    private sealed record ReceivedRequest(string Body, string Signature, string Timestamp, string ContentType);
}

/// <summary>A finding in GuardDuty's shape for the export tests.</summary>
internal static class TestFinding
{
    public static Finding Create()
    {
        var time = new DateTimeOffset(2026, 3, 5, 10, 0, 0, TimeSpan.Zero);
        return new Finding
        {
            AccountId = "111122223333",
            Region = "us-east-1",
            Id = "0123456789abcdef0123456789abcdef",
            Arn = "arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/0123456789abcdef0123456789abcdef",
            Type = "Persistence:IAMUser/SigmaRule.Custom",
            Severity = 8,
            CreatedAt = time,
            UpdatedAt = time,
            Title = "AWS IAM SAML Provider Metadata Updated",
            Description = "Detects an update of the metadata document of an IAM SAML identity provider.",
            Resource = new FindingResource { ResourceType = "AccessKey" },
            Service = new FindingService
            {
                DetectorId = "d",
                Action = new FindingAction { ActionType = "AWS_API_CALL" },
                Count = 1,
                EventFirstSeen = time,
                EventLastSeen = time,
                ResourceRole = "ACTOR",
            },
        };
    }
}
