using Vigil.Abstractions;
using Vigil.Cli.Replay;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Detection.Profiles;
using Vigil.Enrichment;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// Grain calls that carry the chunks of several objects, through a real in-process silo: each chunk
/// is applied once, whether it comes again in a later call or twice in one call, and each result
/// belongs to its own chunk.
/// </summary>
public sealed class GrainChunkTests : IAsyncLifetime
{
    private const string Tenant = "default";
    private const string Account = "111122223333";
    private const string RootKey = $"{Tenant}/{Account}/arn:aws:iam::{Account}:root";

    private static readonly DateTimeOffset Start = new(2024, 3, 5, 10, 0, 0, TimeSpan.Zero);

    private ReplaySilo? silo;

    public async Task InitializeAsync() => silo = await ReplaySilo.StartAsync(null, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            await silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task PrincipalCall_ReturnsOneResultPerChunk()
    {
        var grain = silo!.Grains.GetGrain<IPrincipalGrain>(RootKey);
        var chunks = new[] { Chunk("object-a", 0, 2), Chunk("object-b", 0, 3), Chunk("object-c", 0, 1) };

        var results = await grain.ApplyCloudTrailAsync(new CloudTrailChunks(Tenant, chunks));

        Assert.Equal([2, 3, 1], results.Select(result => result.Applied));
        Assert.Equal([2, 3, 1], results.Select(result => result.FindingsRaised));
        var finding = Assert.Single(silo.Findings.Snapshot(Tenant));
        Assert.Equal(6, finding.Service.Count);
    }

    [Fact]
    public async Task PrincipalCall_DropsChunkOfEarlierCall()
    {
        var grain = silo!.Grains.GetGrain<IPrincipalGrain>(RootKey);
        await grain.ApplyCloudTrailAsync(new CloudTrailChunks(Tenant, [Chunk("object-a", 0, 2), Chunk("object-b", 0, 3)]));

        var results = await grain.ApplyCloudTrailAsync(new CloudTrailChunks(Tenant, [Chunk("object-b", 0, 3), Chunk("object-c", 0, 1)]));

        Assert.Equal(0, results[0].Applied);
        Assert.Equal(3, results[0].Duplicates);
        Assert.Equal(0, results[0].FindingsRaised);
        Assert.Equal(1, results[1].Applied);
        Assert.Equal(1, results[1].FindingsRaised);
        Assert.Equal(6, Assert.Single(silo.Findings.Snapshot(Tenant)).Service.Count);
    }

    [Fact]
    public async Task PrincipalCall_DropsRepeatedChunkInOneCall()
    {
        var grain = silo!.Grains.GetGrain<IPrincipalGrain>(RootKey);
        var chunk = Chunk("object-a", 0, 2);

        var results = await grain.ApplyCloudTrailAsync(new CloudTrailChunks(Tenant, [chunk, chunk]));

        Assert.Equal(2, results[0].Applied);
        Assert.Equal(0, results[1].Applied);
        Assert.Equal(2, results[1].Duplicates);
        Assert.Equal(2, Assert.Single(silo.Findings.Snapshot(Tenant)).Service.Count);
    }

    [Fact]
    public async Task PrincipalCall_DropsEventRepeatedAcrossChunks()
    {
        var grain = silo!.Grains.GetGrain<IPrincipalGrain>(RootKey);
        var first = Chunk("object-a", 0, 2);
        var redelivered = new RecordChunk<CloudTrailEvent>(RecordChunk.KeyFor("object-b", "cloudtrail", 0), first.Records);

        var results = await grain.ApplyCloudTrailAsync(new CloudTrailChunks(Tenant, [first, redelivered]));

        Assert.Equal(2, results[0].Applied);
        Assert.Equal(0, results[1].Applied);
        Assert.Equal(2, results[1].Duplicates);
        Assert.Equal(2, Assert.Single(silo.Findings.Snapshot(Tenant)).Service.Count);
    }

    [Fact]
    public async Task PrincipalCall_RejectsOtherTenant()
    {
        var grain = silo!.Grains.GetGrain<IPrincipalGrain>(RootKey);

        await Assert.ThrowsAsync<ArgumentException>(() => grain.ApplyCloudTrailAsync(new CloudTrailChunks("other", [Chunk("object-a", 0, 1)])));

        Assert.Empty(silo.Findings.Snapshot(Tenant));
    }

    [Fact]
    public async Task EndpointCall_DropsChunkOfEarlierCall()
    {
        var grain = silo!.Grains.GetGrain<IEndpointGrain>($"{Tenant}/{Account}/eni:eni-0a1b2c3d");
        await grain.ApplyFlowsAsync(new FlowChunks(Tenant, [FlowChunk("object-a", 3), FlowChunk("object-b", 2)]));

        var results = await grain.ApplyFlowsAsync(new FlowChunks(Tenant, [FlowChunk("object-b", 2), FlowChunk("object-c", 4)]));

        Assert.Equal(0, results[0].Applied);
        Assert.Equal(2, results[0].Duplicates);
        Assert.Equal(4, results[1].Applied);
        Assert.Equal(0, results[1].Duplicates);
    }

    [Fact]
    public async Task PrincipalCall_FailedWriteRetriesWholeCall()
    {
        FailingSink? failing = null;
        await using var faulty = await ReplaySilo.StartAsync(null, IpEnricher.None, ProfileOptions.Default, null, inner => failing = new FailingSink(inner, failOnWrite: 2), CancellationToken.None);
        var grain = faulty.Grains.GetGrain<IPrincipalGrain>(RootKey);
        var call = new CloudTrailChunks(Tenant, [Chunk("object-a", 0, 2), Chunk("object-b", 0, 3)]);

        await Assert.ThrowsAsync<IOException>(() => grain.ApplyCloudTrailAsync(call));
        var results = await grain.ApplyCloudTrailAsync(call);
        var summary = await grain.GetSummaryAsync(Tenant);

        Assert.Equal(4, failing!.Writes);
        Assert.Equal([2, 3], results.Select(result => result.Applied));
        Assert.Equal([2, 3], results.Select(result => result.FindingsRaised));
        Assert.Equal(5, Assert.Single(faulty.Findings.Snapshot(Tenant)).Service.Count);
        Assert.Equal(5, summary.EventsApplied);
        Assert.Equal(5, summary.Profile.EventCount);
    }

    [Fact]
    public async Task EndpointCall_FailedWriteKeepsProfile()
    {
        FailingSink? failing = null;
        await using var faulty = await ReplaySilo.StartAsync(null, IpEnricher.None, ProfileOptions.Default, null, inner => failing = new FailingSink(inner, failOnWrite: 1), CancellationToken.None);
        var grain = faulty.Grains.GetGrain<IEndpointGrain>($"{Tenant}/{Account}/eni:eni-0a1b2c3d");
        for (var day = 0; day < 20; day++)
        {
            await grain.ApplyFlowsAsync(new FlowChunks(Tenant, [DayChunk($"https-{day}", day, "198.51.100.20", 443, 6)]));
        }

        var before = System.Text.Json.JsonSerializer.Serialize(await grain.GetSummaryAsync(Tenant));

        // One more day of HTTPS, then DNS to a resolver the endpoint has not used, whose finding fails to store.
        var call = new FlowChunks(Tenant, [DayChunk("https-20", 20, "198.51.100.20", 443, 6), DayChunk("resolver", 20, "203.0.113.53", 53, 17)]);
        await Assert.ThrowsAsync<IOException>(() => grain.ApplyFlowsAsync(call));
        var afterFailure = System.Text.Json.JsonSerializer.Serialize(await grain.GetSummaryAsync(Tenant));
        var results = await grain.ApplyFlowsAsync(call);

        Assert.Equal(before, afterFailure);
        Assert.Equal(2, failing!.Writes);
        Assert.Equal(0, results[0].FindingsRaised);
        Assert.True(results[1].FindingsRaised > 0, "the retried call raises the resolver finding again");
        Assert.NotEmpty(faulty.Findings.Snapshot(Tenant));
    }

    [Fact]
    public async Task PrincipalCall_DisabledTypeStoresNothing()
    {
        silo!.DetectorSettings.Apply(new StoredDetectorSettings(
            Tenant, new DetectorSettings { DisabledFindingTypes = ["Policy:IAMUser/RootCredentialUsage"] }, 1, Start, "test"));
        var grain = silo.Grains.GetGrain<IPrincipalGrain>(RootKey);

        var results = await grain.ApplyCloudTrailAsync(new CloudTrailChunks(Tenant, [Chunk("object-a", 0, 2), Chunk("object-b", 0, 3)]));

        Assert.Equal([2, 3], results.Select(result => result.Applied));
        Assert.Equal([0, 0], results.Select(result => result.FindingsRaised));
        Assert.Empty(silo.Findings.Snapshot(Tenant));
    }

    [Fact]
    public async Task EndpointCall_SummaryCountsEveryChunk()
    {
        var grain = silo!.Grains.GetGrain<IEndpointGrain>($"{Tenant}/{Account}/eni:eni-0a1b2c3d");
        await grain.ApplyFlowsAsync(new FlowChunks(Tenant, [FlowChunk("object-a", 3), FlowChunk("object-b", 2)]));

        var summary = await grain.GetSummaryAsync(Tenant);

        Assert.Equal(5, summary.FlowsApplied);
        Assert.Equal(Start.AddMinutes(3), summary.LastEventTime);
    }

    /// <summary>A chunk of root-credential calls, each with an event id of its own, so every event raises one occurrence.</summary>
    private static RecordChunk<CloudTrailEvent> Chunk(string objectKey, int chunkIndex, int events) => new(
        RecordChunk.KeyFor(objectKey, "cloudtrail", chunkIndex),
        [.. Enumerable.Range(0, events).Select(index => new CloudTrailEvent
        {
            EventId = $"{objectKey}-{chunkIndex}-{index}",
            EventTime = Start.AddMinutes(index),
            IngestTime = Start,
            EventName = "ListBuckets",
            EventSource = "s3.amazonaws.com",
            AwsRegion = "us-east-1",
            SourceIpAddress = "198.51.100.10",
            RecipientAccountId = Account,
            UserIdentity = new UserIdentity { Type = "Root", AccountId = Account, Arn = $"arn:aws:iam::{Account}:root" },
            RawJson = "{}",
        })]);

    private static RecordChunk<FlowRecord> FlowChunk(string objectKey, int records) => new(
        RecordChunk.KeyFor(objectKey, "flow", 0),
        [.. Enumerable.Range(0, records).Select(index => new FlowRecord
        {
            IngestTime = Start,
            Version = 2,
            AccountId = Account,
            InterfaceId = "eni-0a1b2c3d",
            SourceAddress = "10.0.0.5",
            DestinationAddress = "198.51.100.20",
            SourcePort = 40000 + index,
            DestinationPort = 443,
            Protocol = 6,
            Packets = 10,
            Bytes = 1000,
            Start = Start.AddMinutes(index),
            End = Start.AddMinutes(index + 1),
            Action = "ACCEPT",
            LogStatus = "OK",
        })]);

    /// <summary>Three outbound flows of one day from the endpoint to <paramref name="remote"/>.</summary>
    private static RecordChunk<FlowRecord> DayChunk(string objectKey, int day, string remote, int port, int protocol) => new(
        RecordChunk.KeyFor(objectKey, "flow", 0),
        [.. Enumerable.Range(0, 3).Select(index => new FlowRecord
        {
            IngestTime = Start,
            Version = 2,
            AccountId = Account,
            InterfaceId = "eni-0a1b2c3d",
            SourceAddress = "10.0.0.5",
            DestinationAddress = remote,
            SourcePort = 40000 + index,
            DestinationPort = port,
            Protocol = protocol,
            Packets = 10,
            Bytes = 1000,
            Start = Start.AddDays(day).AddMinutes(index),
            End = Start.AddDays(day).AddMinutes(index + 1),
            Action = "ACCEPT",
            LogStatus = "OK",
        })]);

    /// <summary>Passes writes on to the store, except write number <c>failOnWrite</c> (from 1), which fails as a lost database connection would.</summary>
    private sealed class FailingSink(IFindingSink inner, int failOnWrite) : IFindingSink
    {
        private int writes;

        public int Writes => Volatile.Read(ref writes);

        public Task WriteAsync(string tenantId, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken) =>
            inner.WriteAsync(tenantId, occurrences, cancellationToken);

        public Task WriteOnceAsync(string tenantId, string writeKey, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref writes) == failOnWrite
                ? Task.FromException(new IOException("Simulated failure of a finding write."))
                : inner.WriteOnceAsync(tenantId, writeKey, occurrences, cancellationToken);
    }
}
