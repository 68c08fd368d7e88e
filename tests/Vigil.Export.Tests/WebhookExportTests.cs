using System.Net.Http;
using System.Text;
using System.Text.Json;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;
using Vigil.Storage;
using Vigil.Export.Tests.Support;
using Vigil.Testing;

namespace Vigil.Export.Tests;

/// <summary>
/// Findings leaving through the outbox to a webhook on loopback (Kestrel): new findings at once,
/// updates at the publishing frequency, retries, dead letters, suppressed and archived findings and
/// a silo restart.
/// </summary>
public sealed class WebhookExportTests(PostgresFixture database) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const string Secret = "webhook-secret-0123456789";
    private const string FindingA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string FindingB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private readonly HttpClient http = new();
    private readonly PostgresSuppressionRuleStore rules = new(database.DataSource, TimeProvider.System);
    private KestrelReceiver receiver = default!;
    private ExportHarness harness = default!;

    public async Task InitializeAsync()
    {
        receiver = await KestrelReceiver.StartAsync();
        harness = new ExportHarness(database.DataSource, new WebhookSender(http, TimeProvider.System));
    }

    public async Task DisposeAsync()
    {
        harness.Dispose();
        http.Dispose();
        await receiver.DisposeAsync();
    }

    [Fact]
    public async Task NewFinding_SentAtOnceAndSigned()
    {
        await AddWebhookAsync();

        await harness.WriteAsync(FindingA);
        await harness.RunAsync();

        var post = Assert.Single(receiver.Requests);
        Assert.Equal(WebhookExporter.Sign(Encoding.UTF8.GetBytes(Secret), post.Timestamp, post.Body), post.Signature);
        using var document = JsonDocument.Parse(post.Body);
        Assert.Equal("GuardDuty Finding", document.RootElement.GetProperty("detail-type").GetString());
        Assert.Equal(FindingA, document.RootElement.GetProperty("detail").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Updates_WaitForPublishingInterval()
    {
        await AddWebhookAsync();
        await harness.WriteAsync(FindingA);
        await harness.RunAsync();

        await harness.WriteAsync(FindingA);
        await harness.WriteAsync(FindingA);
        await harness.RunAsync();
        var beforeInterval = receiver.Requests.Count;
        harness.Clock.Advance(TimeSpan.FromMinutes(14));
        await harness.RunAsync();
        var justBeforeInterval = receiver.Requests.Count;
        harness.Clock.Advance(TimeSpan.FromMinutes(2));
        await harness.RunAsync();
        await harness.RunAsync();

        Assert.Equal(1, beforeInterval);
        Assert.Equal(1, justBeforeInterval);
        Assert.Equal(2, receiver.Requests.Count);
        using var update = JsonDocument.Parse(receiver.Requests.Last().Body);
        Assert.Equal(3, update.RootElement.GetProperty("detail").GetProperty("service").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task SuppressedFinding_NeverLeaves()
    {
        await AddWebhookAsync();
        await SuppressAsync(FindingA);
        await harness.WriteAsync(FindingA);
        await harness.WriteAsync(FindingB);

        await harness.RunAsync();
        harness.Clock.Advance(TimeSpan.FromMinutes(16));
        await harness.RunAsync();
        var suppressed = await harness.Findings.GetAsync(harness.TenantId, FindingA, CancellationToken.None);

        Assert.True(suppressed!.Service.Archived);
        var post = Assert.Single(receiver.Requests);
        Assert.Contains(FindingB, post.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(receiver.Requests, request => request.Body.Contains(FindingA, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SuppressionRuleDisabled_FindingSentAsUpdate()
    {
        await AddWebhookAsync();
        var rule = await SuppressAsync(FindingA);
        await harness.WriteAsync(FindingA);
        await harness.RunAsync();

        await rules.UpdateAsync(harness.TenantId, rule.Id, RuleFor(FindingA) with { Enabled = false }, "admin1", CancellationToken.None);
        harness.Clock.Advance(TimeSpan.FromMinutes(16));
        await harness.RunAsync();
        await harness.RunAsync();

        var post = Assert.Single(receiver.Requests);
        using var document = JsonDocument.Parse(post.Body);
        Assert.Equal(FindingA, document.RootElement.GetProperty("detail").GetProperty("id").GetString());
        Assert.False(document.RootElement.GetProperty("detail").GetProperty("service").GetProperty("archived").GetBoolean());
    }

    [Fact]
    public async Task ArchivedByHand_SentWithArchivedState()
    {
        await AddWebhookAsync();
        await harness.WriteAsync(FindingA);
        await harness.Findings.SetArchivedAsync(harness.TenantId, FindingA, archived: true, CancellationToken.None);

        await harness.RunAsync();

        var post = Assert.Single(receiver.Requests);
        using var document = JsonDocument.Parse(post.Body);
        Assert.Equal(FindingA, document.RootElement.GetProperty("detail").GetProperty("id").GetString());
        Assert.True(document.RootElement.GetProperty("detail").GetProperty("service").GetProperty("archived").GetBoolean());
    }

    [Fact]
    public async Task ReceiverDown_RetriesAfterBackOff()
    {
        var destination = await AddWebhookAsync();
        receiver.Statuses.Enqueue(503);
        await harness.WriteAsync(FindingA);

        await harness.RunAsync();
        var failed = await harness.Store.GetAsync(harness.TenantId, destination.Id, CancellationToken.None);
        await harness.RunAsync();
        var duringBackOff = receiver.Requests.Count;
        harness.Clock.Advance(TimeSpan.FromSeconds(31));
        await harness.RunAsync();
        var recovered = await harness.Store.GetAsync(harness.TenantId, destination.Id, CancellationToken.None);

        Assert.Equal(1, failed!.State.Attempts);
        Assert.Contains("503", failed.State.LastError, StringComparison.Ordinal);
        Assert.Equal(1, duringBackOff);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal(receiver.Requests.First().Body, receiver.Requests.Last().Body);
        Assert.Equal(0, recovered!.State.Attempts);
        Assert.NotNull(recovered.State.LastDeliveryAt);
    }

    [Fact]
    public async Task LastTryFails_WritesDeadLetter()
    {
        await AddWebhookAsync();
        for (var i = 0; i < 3; i++)
        {
            receiver.Statuses.Enqueue(500);
        }

        await harness.WriteAsync(FindingA);
        await harness.RunAsync();
        harness.Clock.Advance(TimeSpan.FromSeconds(31));
        await harness.RunAsync();
        harness.Clock.Advance(TimeSpan.FromSeconds(61));
        await harness.RunAsync();
        await harness.WriteAsync(FindingB);
        await harness.RunAsync();

        var letter = Assert.Single(await harness.Store.ListDeadLettersAsync(harness.TenantId, 10, CancellationToken.None));
        Assert.Equal(FindingA, letter.FindingId);
        Assert.Equal(3, letter.Attempts);
        Assert.Contains("500", letter.LastError, StringComparison.Ordinal);
        Assert.Contains(FindingA, letter.Body, StringComparison.Ordinal);
        Assert.Equal(4, receiver.Requests.Count);
        Assert.Contains(FindingB, receiver.Requests.Last().Body, StringComparison.Ordinal);
        Assert.Contains(harness.Metrics.GetMeasurementSnapshot(), measurement => measurement.Tags["outcome"] as string == "dead_letter");
    }

    [Fact]
    public async Task ClientError_DeadLetterAtOnce()
    {
        await AddWebhookAsync();
        receiver.Statuses.Enqueue(400);

        await harness.WriteAsync(FindingA);
        await harness.RunAsync();

        var letter = Assert.Single(await harness.Store.ListDeadLettersAsync(harness.TenantId, 10, CancellationToken.None));
        Assert.Equal(1, letter.Attempts);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task SiloRestart_ResumesWithoutLossOrRepeat()
    {
        await AddWebhookAsync();
        await harness.WriteAsync(FindingA);
        await harness.RunAsync();
        await harness.WriteAsync(FindingB);

        // A second silo finds the destination leased by the first, which stopped without sending B.
        var successor = harness.NewDispatcher("silo-b");
        await harness.RunAsync(successor);
        var whileLeased = receiver.Requests.Count;
        harness.Clock.Advance(TimeSpan.FromMinutes(3));
        await harness.RunAsync(successor);
        await harness.RunAsync(successor);

        Assert.Equal(1, whileLeased);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Contains(FindingB, receiver.Requests.Last().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_CountsSentFindings()
    {
        var destination = await AddWebhookAsync();

        await harness.WriteAsync(FindingA);
        await harness.RunAsync();

        var measurement = Assert.Single(harness.Metrics.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal(destination.Id.ToString(), measurement.Tags["destination"]);
        Assert.Equal("Webhook", measurement.Tags["kind"]);
        Assert.Equal("new", measurement.Tags["change"]);
        Assert.Equal("sent", measurement.Tags["outcome"]);
        Assert.Equal(TestFinding.Create().Type, measurement.Tags["finding_type"]);
    }

    [Fact]
    public async Task FindingsBeforeDestination_NotSent()
    {
        await harness.WriteAsync(FindingA);
        await AddWebhookAsync();

        await harness.RunAsync();

        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Prune_DeletesPassedRows()
    {
        await AddWebhookAsync();
        await harness.WriteAsync(FindingA);
        await harness.RunAsync();

        await harness.Store.PruneAsync(CancellationToken.None);

        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM export_outbox WHERE tenant_id = @tenant_id");
        command.Parameters.AddWithValue("tenant_id", harness.TenantId);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    /// <summary>Saves an enabled suppression rule of the harness's tenant that matches one finding id.</summary>
    private async Task<SuppressionRule> SuppressAsync(string findingId)
    {
        var change = await rules.CreateAsync(harness.TenantId, RuleFor(findingId), "admin1", CancellationToken.None);
        return change.After!;
    }

    private static SuppressionRuleInput RuleFor(string findingId) => new(
        "ignore " + findingId[..4],
        "known scanner",
        FindingCriteria.Empty.With(new FindingCriterion("id", CriterionOperator.Equals, [findingId])),
        Enabled: true,
        ExpiresAt: null);

    private Task<ExportDestination> AddWebhookAsync() => harness.AddDestinationAsync(
        new ExportDestination
        {
            Id = Guid.NewGuid(),
            TenantId = "",
            Name = "soc hook",
            Kind = ExportDestinationKind.Webhook,
            Url = receiver.Url.ToString(),
            UpdatedAt = default,
            UpdatedBy = "",
        },
        Secret);
}
