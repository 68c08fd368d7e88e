using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Contracts.Storage;

namespace Vigil.Host.Tests;

/// <summary>
/// The Firehose endpoint over real HTTP against the in-process host, with real grains and
/// findings in PostgreSQL. Each test uses its own tenant, so the tests share one host.
/// </summary>
public sealed class FirehoseEndpointTests(FirehoseTestHost host) : IClassFixture<FirehoseTestHost>
{
    private const string RootUsage = "Policy:IAMUser/RootCredentialUsage";

    [Fact]
    public async Task GzipBody_AppliesRecordsAndStoresFinding()
    {
        var tenant = NewTenant();
        var (source, key) = await host.AddSourceAsync(tenant, FirehoseRequests.AccountId);
        var requestId = Guid.NewGuid().ToString();
        var body = FirehoseRequests.Body(requestId, 1764583300000, FirehoseRequests.Subscription(
            FirehoseRequests.AccountId,
            FirehoseRequests.RootEvent(Guid.NewGuid().ToString()),
            FirehoseRequests.RootEvent(Guid.NewGuid().ToString(), "GetAccountSummary"),
            FirehoseRequests.FlowLine(),
            FirehoseRequests.ResolverQuery()));

        var response = await PostAsync(key, requestId, body, gzip: true);

        Assert.Equal(200, response.Status);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal(requestId, response.RequestId);
        Assert.Null(response.ErrorMessage);
        Assert.InRange(response.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds());
        var status = await host.StatusAsync(source);
        Assert.NotNull(status);
        Assert.Equal(1, status.ObjectsRead);
        Assert.Equal(4, status.RecordsRead);
        Assert.Equal(0, status.RecordsRejected);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 5, TimeSpan.Zero), status.NewestEventTime);
        Assert.Null(status.LastError);
        Assert.Equal(2, await FindingCountAsync(tenant, RootUsage));
    }

    [Fact]
    public async Task PlainBody_AppliesRecords()
    {
        var tenant = NewTenant();
        var (source, key) = await host.AddSourceAsync(tenant, FirehoseRequests.AccountId);
        var requestId = Guid.NewGuid().ToString();
        var body = FirehoseRequests.Body(requestId, 1764583300000, FirehoseRequests.Subscription(FirehoseRequests.AccountId, FirehoseRequests.RootEvent(Guid.NewGuid().ToString())));

        var response = await PostAsync(key, requestId, body, gzip: false);

        Assert.Equal(200, response.Status);
        Assert.Equal(requestId, response.RequestId);
        Assert.Equal(1, (await host.StatusAsync(source))!.RecordsRead);
        Assert.Equal(1, await FindingCountAsync(tenant, RootUsage));
    }

    [Fact]
    public async Task WrongOrMissingKey_Returns401WithoutProgress()
    {
        var tenant = NewTenant();
        var (source, key) = await host.AddSourceAsync(tenant, FirehoseRequests.AccountId);
        var requestId = Guid.NewGuid().ToString();
        var body = FirehoseRequests.Body(requestId, 1764583300000, FirehoseRequests.Subscription(FirehoseRequests.AccountId, FirehoseRequests.RootEvent(Guid.NewGuid().ToString())));

        var wrong = await PostAsync(key + "x", requestId, body, gzip: false);
        var missing = await PostAsync(null, requestId, body, gzip: false);

        Assert.Equal(401, wrong.Status);
        Assert.Equal(401, missing.Status);
        Assert.Equal(requestId, wrong.RequestId);
        Assert.False(string.IsNullOrEmpty(wrong.ErrorMessage));
        Assert.Equal(wrong.ErrorMessage, missing.ErrorMessage);
        Assert.Null(await host.StatusAsync(source));
        Assert.Equal(0, await FindingCountAsync(tenant, RootUsage));
    }

    [Fact]
    public async Task DisabledSource_Returns401()
    {
        var tenant = NewTenant();
        var (source, key) = await host.AddSourceAsync(tenant, FirehoseRequests.AccountId);
        await host.Sources.SaveAsync(source with { Enabled = false }, CancellationToken.None);
        var requestId = Guid.NewGuid().ToString();
        var body = FirehoseRequests.Body(requestId, 1764583300000, FirehoseRequests.Subscription(FirehoseRequests.AccountId, FirehoseRequests.RootEvent(Guid.NewGuid().ToString())));

        var response = await PostAsync(key, requestId, body, gzip: false);

        Assert.Equal(401, response.Status);
    }

    [Fact]
    public async Task OversizedBody_Returns413()
    {
        var tenant = NewTenant();
        var (source, key) = await host.AddSourceAsync(tenant, FirehoseRequests.AccountId);
        var requestId = Guid.NewGuid().ToString();
        var filler = Encoding.UTF8.GetBytes(new string('a', (int)FirehoseTestHost.MaxRequestBytes));
        var body = FirehoseRequests.Body(requestId, 1764583300000, filler);

        var plain = await PostAsync(key, requestId, body, gzip: false);
        var compressed = await PostAsync(key, requestId, body, gzip: true);

        Assert.Equal(413, plain.Status);
        Assert.Contains("limit", plain.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(413, compressed.Status);
        Assert.Contains("after decompression", compressed.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(await host.StatusAsync(source));
    }

    [Fact]
    public async Task TooManyRecords_Returns413()
    {
        var tenant = NewTenant();
        var (source, key) = await host.AddSourceAsync(tenant, FirehoseRequests.AccountId);
        var requestId = Guid.NewGuid().ToString();
        var records = Enumerable.Range(0, FirehoseTestHost.MaxRecords + 1).Select(_ => FirehoseRequests.ControlMessage()).ToArray();

        var response = await PostAsync(key, requestId, FirehoseRequests.Body(requestId, 1764583300000, records), gzip: false);

        Assert.Equal(413, response.Status);
        Assert.Contains($"more than {FirehoseTestHost.MaxRecords} records", response.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(1, (await host.StatusAsync(source))!.ObjectsFailed);
    }

    [Fact]
    public async Task InvalidJson_Returns400()
    {
        var tenant = NewTenant();
        var (source, key) = await host.AddSourceAsync(tenant, FirehoseRequests.AccountId);
        var requestId = Guid.NewGuid().ToString();

        var response = await PostAsync(key, requestId, Encoding.UTF8.GetBytes("{\"requestId\": \"" + requestId + "\", \"records\": [ {\"data\": "), gzip: false);

        Assert.Equal(400, response.Status);
        Assert.Equal(requestId, response.RequestId);
        Assert.Contains("not valid JSON", response.ErrorMessage, StringComparison.Ordinal);
        var status = await host.StatusAsync(source);
        Assert.Equal(1, status!.ObjectsFailed);
        Assert.Contains("not valid JSON", status.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedRecords_RejectedWithIndexRestApplied()
    {
        var tenant = NewTenant();
        var (source, key) = await host.AddSourceAsync(tenant, FirehoseRequests.AccountId);
        var requestId = Guid.NewGuid().ToString();
        var notGzip = new byte[] { 0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02 };
        var body = Encoding.UTF8.GetBytes(
            "{\"requestId\":\"" + requestId + "\",\"timestamp\":1764583300000,\"records\":[" +
            "{\"data\":\"" + Convert.ToBase64String(FirehoseRequests.Subscription(FirehoseRequests.AccountId, FirehoseRequests.RootEvent(Guid.NewGuid().ToString()), FirehoseRequests.FlowLine(sourceAddress: "10.0.0.999"))) + "\"}," +
            "{\"data\":\"not base64!\"}," +
            "{\"data\":\"" + Convert.ToBase64String(notGzip) + "\"}]}");

        var response = await PostAsync(key, requestId, body, gzip: false);

        Assert.Equal(200, response.Status);
        var status = await host.StatusAsync(source);
        Assert.Equal(1, status!.RecordsRead);
        Assert.True(status.RecordsRejected == 3, $"{status.RecordsRejected} rejected; last error: {status.LastError}");
        Assert.Equal(0, status.RecordsFromUnregisteredAccounts);
        Assert.Contains("3 records rejected", status.LastError, StringComparison.Ordinal);
        Assert.Contains("record 0, log event 1, field srcaddr", status.LastError, StringComparison.Ordinal);
        Assert.Equal(1, await FindingCountAsync(tenant, RootUsage));
    }

    [Fact]
    public async Task RetriedRequest_NotDoubled()
    {
        var tenant = NewTenant();
        var (source, key) = await host.AddSourceAsync(tenant, FirehoseRequests.AccountId);
        var requestId = Guid.NewGuid().ToString();
        var payload = FirehoseRequests.Subscription(FirehoseRequests.AccountId, FirehoseRequests.RootEvent(Guid.NewGuid().ToString()), FirehoseRequests.FlowLine(), FirehoseRequests.ResolverQuery());

        var first = await PostAsync(key, requestId, FirehoseRequests.Body(requestId, 1764583300000, payload), gzip: true);
        var same = await PostAsync(key, requestId, FirehoseRequests.Body(requestId, 1764583300000, payload), gzip: true);
        // A retry whose body differs only in its timestamp is not the ledger's "same object", so the
        // grains' memory of applied chunks is what keeps it from counting again.
        var retimed = await PostAsync(key, requestId, FirehoseRequests.Body(requestId, 1764583399999, payload), gzip: false);

        Assert.Equal(200, first.Status);
        Assert.Equal(200, same.Status);
        Assert.Equal(200, retimed.Status);
        var status = await host.StatusAsync(source);
        Assert.Equal(3, status!.RecordsRead);
        Assert.Equal(2, status.ObjectsRead);
        Assert.Equal(1, await FindingCountAsync(tenant, RootUsage));
    }

    [Fact]
    public async Task UnregisteredAccount_CountedAndRejected()
    {
        var tenant = NewTenant();
        var (source, key) = await host.AddSourceAsync(tenant, FirehoseRequests.AccountId);
        var requestId = Guid.NewGuid().ToString();
        var body = FirehoseRequests.Body(
            requestId,
            1764583300000,
            FirehoseRequests.Subscription(FirehoseRequests.OtherAccountId, FirehoseRequests.RootEvent(Guid.NewGuid().ToString(), accountId: FirehoseRequests.OtherAccountId), FirehoseRequests.FlowLine(FirehoseRequests.OtherAccountId)),
            FirehoseRequests.Subscription(FirehoseRequests.AccountId, FirehoseRequests.RootEvent(Guid.NewGuid().ToString(), accountId: FirehoseRequests.OtherAccountId)));

        var response = await PostAsync(key, requestId, body, gzip: true);

        Assert.Equal(200, response.Status);
        var status = await host.StatusAsync(source);
        Assert.Equal(0, status!.RecordsRead);
        Assert.Equal(3, status.RecordsRejected);
        Assert.Equal(3, status.RecordsFromUnregisteredAccounts);
        Assert.Contains("444455556666 is not registered", status.LastError, StringComparison.Ordinal);
        Assert.Equal(0, await FindingCountAsync(tenant, RootUsage));
    }

    [Fact]
    public async Task ControlMessage_Ignored()
    {
        var tenant = NewTenant();
        var (source, key) = await host.AddSourceAsync(tenant, FirehoseRequests.AccountId);
        var requestId = Guid.NewGuid().ToString();

        var response = await PostAsync(key, requestId, FirehoseRequests.Body(requestId, 1764583300000, FirehoseRequests.ControlMessage()), gzip: true);

        Assert.Equal(200, response.Status);
        var status = await host.StatusAsync(source);
        Assert.Equal(1, status!.ObjectsRead);
        Assert.Equal(0, status.RecordsRead);
        Assert.Equal(0, status.RecordsRejected);
        Assert.Null(status.LastError);
    }

    [Fact]
    public async Task RequestIdMismatch_Returns400()
    {
        var tenant = NewTenant();
        var (_, key) = await host.AddSourceAsync(tenant, FirehoseRequests.AccountId);
        var body = FirehoseRequests.Body("body-id", 1764583300000, FirehoseRequests.ControlMessage());

        var response = await PostAsync(key, "header-id", body, gzip: false);

        Assert.Equal(400, response.Status);
        Assert.Contains("X-Amz-Firehose-Request-Id", response.ErrorMessage, StringComparison.Ordinal);
    }

    private static string NewTenant() => "fh-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<FirehoseResponse> PostAsync(string? key, string requestId, byte[] body, bool gzip)
    {
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        return await FirehoseRequests.PostAsync(client, key, requestId, body, gzip);
    }

    private async Task<long> FindingCountAsync(string tenantId, string type)
    {
        var queries = host.Services.GetRequiredService<IFindingQueries>();
        var page = await queries.ListAsync(tenantId, new FindingListQuery { Limit = 100, IncludeArchived = true }, CancellationToken.None);
        return page.Items.Where(finding => finding.Type == type).Sum(finding => finding.Count);
    }
}
