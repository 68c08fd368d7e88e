using System.Net;
using System.Net.Sockets;
using System.Text;
using Vigil.Contracts.Storage;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

/// <summary>Platform lists: definition, claims, fetches from a loopback HTTP server and a file, failures and loading.</summary>
public sealed class PlatformListTests(PostgresFixture database) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly PostgresPlatformListStore store = new(database.DataSource);
    private readonly string name = "platform-" + Guid.NewGuid().ToString("N")[..12];
    private readonly LoopbackHttpServer server = new();
    private readonly HttpClient http = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
        await store.DeleteAsync(name, "test", default);
    }

    [Fact]
    public async Task Define_IsDueOnce()
    {
        await store.DefineAsync(Definition(server.Url), active: true, "cli:test", default);

        var first = await store.ClaimDueAsync(DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromMinutes(10), default);
        var second = await store.ClaimDueAsync(DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromMinutes(10), default);

        Assert.Contains(first, list => list.Definition.Name == name);
        Assert.DoesNotContain(second, list => list.Definition.Name == name);
    }

    [Fact]
    public async Task Fetch_FromHttp_StoresVersion()
    {
        server.Respond(HttpStatusCode.OK, "# tor exits\n192.0.2.44\n198.51.100.0/24\nnot-an-address\n");
        await store.DefineAsync(Definition(server.Url), active: true, "cli:test", default);

        var result = await Refresher().FetchAsync(Definition(server.Url), "system:fetcher", default);

        Assert.Null(result.FailureReason);
        Assert.Equal(1, result.Saved?.Version);
        Assert.Equal(1, result.Parsed?.RejectedCount);
        var stored = await FindAsync();
        Assert.Equal(2, stored.EntryCount);
        Assert.Equal(ListStatus.Activating, stored.Status);
        Assert.True(stored.NextFetchAt > DateTimeOffset.UtcNow.AddMinutes(50));
        Assert.Equal("/tor-exits.txt", server.LastPath);
    }

    [Fact]
    public async Task Fetch_SameContent_KeepsVersion()
    {
        server.Respond(HttpStatusCode.OK, "192.0.2.44\n");
        await store.DefineAsync(Definition(server.Url), active: true, "cli:test", default);

        await Refresher().FetchAsync(Definition(server.Url), "system:fetcher", default);
        var again = await Refresher().FetchAsync(Definition(server.Url), "system:fetcher", default);

        Assert.False(again.Saved?.ContentChanged);
        Assert.Equal(1, again.Saved?.Version);
    }

    [Fact]
    public async Task Fetch_ServerError_KeepsEarlierContent()
    {
        server.Respond(HttpStatusCode.OK, "192.0.2.44\n");
        await store.DefineAsync(Definition(server.Url), active: true, "cli:test", default);
        await Refresher().FetchAsync(Definition(server.Url), "system:fetcher", default);
        server.Respond(HttpStatusCode.InternalServerError, "down");

        var failed = await Refresher().FetchAsync(Definition(server.Url), "system:fetcher", default);

        Assert.Contains("HTTP 500", failed.FailureReason, StringComparison.Ordinal);
        var stored = await FindAsync();
        Assert.Equal(ListStatus.Error, stored.Status);
        Assert.Contains("HTTP 500", stored.StatusReason, StringComparison.Ordinal);
        Assert.Equal("192.0.2.44\n", stored.Content);
        var registry = new ThreatIntelRegistry();
        await new ListLoader(new PostgresThreatListStore(database.DataSource), registry).LoadAsync([], [stored], default);
        Assert.True(registry.For("any-tenant").TryMatch("192.0.2.44", ThreatPurpose.Tor, out _));
    }

    [Fact]
    public async Task Fetch_FromFile_Works()
    {
        var path = Path.Combine(Path.GetTempPath(), name + ".txt");
        await File.WriteAllTextAsync(path, "\uFEFFbad.example.net\r\n");
        try
        {
            var definition = Definition(new Uri(path).AbsoluteUri) with { Purpose = "phishing" };
            await store.DefineAsync(definition, active: true, "cli:test", default);

            var result = await Refresher().FetchAsync(definition, "system:fetcher", default);

            Assert.Null(result.FailureReason);
            Assert.Equal("bad.example.net", Assert.Single(result.Parsed!.Domains).Domain);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Fetch_MissingFile_ReportsError()
    {
        var definition = Definition(new Uri(Path.Combine(Path.GetTempPath(), name + "-missing.txt")).AbsoluteUri);
        await store.DefineAsync(definition, active: true, "cli:test", default);

        var result = await Refresher().FetchAsync(definition, "system:fetcher", default);

        Assert.NotNull(result.FailureReason);
        Assert.Equal(ListStatus.Error, (await FindAsync()).Status);
        Assert.Contains(await new PostgresThreatListStore(database.DataSource).LoadAuditAsync(ListScope.Platform, "", name, 10, default), entry => entry.Action == "fetch-failed");
    }

    [Fact]
    public async Task Loader_LoadsByPurpose_AndActivates()
    {
        server.Respond(HttpStatusCode.OK, "192.0.2.44\n");
        await store.DefineAsync(Definition(server.Url), active: true, "cli:test", default);
        await Refresher().FetchAsync(Definition(server.Url), "system:fetcher", default);
        var registry = new ThreatIntelRegistry();
        var lists = new PostgresThreatListStore(database.DataSource);

        var summary = await new ListLoader(lists, registry).LoadAsync([], [await FindAsync()], default);

        Assert.True(summary.PlatformReplaced);
        Assert.True(registry.For("any-tenant").TryMatch("192.0.2.44", ThreatPurpose.Tor, out var match));
        Assert.Equal(name, match.List.Name);
        Assert.False(registry.For("any-tenant").TryMatch("192.0.2.44", ThreatPurpose.Scanner, out _));
        Assert.Equal(ListStatus.Active, (await FindAsync()).Status);
        Assert.Single(await lists.LoadVersionsAsync(ListScope.Platform, "", name, default));
    }

    [Fact]
    public async Task InactiveList_IsNotClaimed()
    {
        await store.DefineAsync(Definition(server.Url), active: false, "cli:test", default);

        var claimed = await store.ClaimDueAsync(DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromMinutes(10), default);

        Assert.DoesNotContain(claimed, list => list.Definition.Name == name);
    }

    private PlatformListDefinition Definition(string source) => new()
    {
        Name = name,
        Purpose = "tor",
        Format = "txt",
        Source = source,
        RefreshInterval = TimeSpan.FromHours(1),
    };

    private PlatformListRefresher Refresher() => new(store, new ListSourceReader(http), TimeProvider.System);

    private async Task<StoredPlatformList> FindAsync() => Assert.Single(await store.LoadAllAsync(default), list => list.Definition.Name == name);

    /// <summary>A one-route HTTP/1.1 server on a free loopback port that replies to every request with the response set last.</summary>
    private sealed class LoopbackHttpServer : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;
        private (HttpStatusCode Status, string Body) response = (HttpStatusCode.NotFound, "");

        public LoopbackHttpServer()
        {
            listener.Start();
            loop = Task.Run(ServeAsync);
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/tor-exits.txt";

        public string? LastPath { get; private set; }

        public void Respond(HttpStatusCode status, string body) => response = (status, body);

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            listener.Stop();
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }

            stop.Dispose();
        }

        private async Task ServeAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var requestLine = await reader.ReadLineAsync(stop.Token);
                LastPath = requestLine?.Split(' ')[1];
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(stop.Token)))
                {
                }

                var (status, body) = response;
                var bytes = Encoding.UTF8.GetBytes(body);
                var head = $"HTTP/1.1 {(int)status} {status}\r\nContent-Type: text/plain\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stop.Token);
                await stream.WriteAsync(bytes, stop.Token);
            }
        }
    }
}
