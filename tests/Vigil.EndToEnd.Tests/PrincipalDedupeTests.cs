using Vigil.Abstractions;
using Vigil.Cli.Replay;
using Vigil.Contracts.Events;
using Vigil.Contracts.Storage;
using Vigil.Grains.Principals;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// Duplicate detection of a principal grain through a real in-process silo. An event delivered again
/// within the window behind the principal's newest event is dropped, and an older one counts again.
/// The remembered hashes survive the grain storage serializer, and states in the older text format still load.
/// </summary>
public sealed class PrincipalDedupeTests : IAsyncLifetime
{
    private const string Tenant = "default";
    private const string Account = "111122223333";
    private const string RootKey = $"{Tenant}/{Account}/arn:aws:iam::{Account}:root";

    /// <summary>State name of the principal grain's <c>PersistentState</c>.</summary>
    private const string StateName = "principal";

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
    public async Task RedeliveredEvent_InsideWindowIsDropped()
    {
        var grain = silo!.Grains.GetGrain<IPrincipalGrain>(RootKey);
        await Apply(grain, "object-a", Event("event-1", Start));
        await Apply(grain, "object-b", Event("event-2", Start + PrincipalGrain.EventIdWindow - TimeSpan.FromMinutes(1)));

        var result = await Apply(grain, "object-c", Event("event-1", Start));

        Assert.Equal(0, result.Applied);
        Assert.Equal(1, result.Duplicates);
    }

    [Fact]
    public async Task RedeliveredEvent_OutsideWindowCountsAgain()
    {
        var grain = silo!.Grains.GetGrain<IPrincipalGrain>(RootKey);
        await Apply(grain, "object-a", Event("event-1", Start));
        await Apply(grain, "object-b", Event("event-2", Start + PrincipalGrain.EventIdWindow + TimeSpan.FromMinutes(1)));

        var result = await Apply(grain, "object-c", Event("event-1", Start));
        var summary = await grain.GetSummaryAsync(Tenant);

        Assert.Equal(1, result.Applied);
        Assert.Equal(0, result.Duplicates);
        Assert.Equal(3, summary.EventsApplied);
    }

    [Fact]
    public async Task RedeliveredChunk_OutsideWindowIsDropped()
    {
        var grain = silo!.Grains.GetGrain<IPrincipalGrain>(RootKey);
        await Apply(grain, "object-a", Event("event-1", Start));
        await Apply(grain, "object-b", Event("event-2", Start + (2 * PrincipalGrain.EventIdWindow)));

        var result = await Apply(grain, "object-a", Event("event-1", Start));

        Assert.Equal(0, result.Applied);
        Assert.Equal(1, result.Duplicates);
    }

    [Fact]
    public async Task StoredState_RoundTripsThroughSerializer()
    {
        var grain = silo!.Grains.GetGrain<IPrincipalGrain>(RootKey);
        var grainId = grain.GetGrainId();
        var storage = silo.GrainStorage;
        var serializer = silo.GrainStorageSerializer;
        await Apply(grain, "object-a", Event("event-1", Start), Event("event-2", Start.AddMinutes(1)));

        // Stopping the silo deactivates the grain, which writes its state.
        await silo.DisposeAsync();
        silo = null;
        var written = await ReadStateAsync(storage, grainId);
        var stored = serializer.Serialize(written);
        var copy = Assert.IsType<PrincipalState>(serializer.Deserialize<PrincipalState>(stored));

        Assert.Empty(written.RecentEventIds);
        Assert.Empty(written.AppliedChunks);
        Assert.Equal(1 + (2 * 16), written.RecentEventIdHashes?.Length);
        Assert.Equal(1 + 8, written.AppliedChunkHashes?.Length);
        Assert.DoesNotContain("event-1", stored.ToString(), StringComparison.Ordinal);
        Assert.Equal(written.RecentEventIdHashes, copy.RecentEventIdHashes);
        Assert.Equal(written.AppliedChunkHashes, copy.AppliedChunkHashes);

        silo = await ReplaySilo.StartAsync(null, CancellationToken.None);
        var restarted = silo.Grains.GetGrain<IPrincipalGrain>(RootKey);
        await silo.GrainStorage.WriteStateAsync(StateName, grainId, new GrainState<PrincipalState>(copy));
        var chunkAgain = await Apply(restarted, "object-a", Event("event-1", Start), Event("event-2", Start.AddMinutes(1)));
        var eventAgain = await Apply(restarted, "object-b", Event("event-2", Start.AddMinutes(1)), Event("event-3", Start.AddMinutes(2)));

        Assert.Equal(0, chunkAgain.Applied);
        Assert.Equal(2, chunkAgain.Duplicates);
        Assert.Equal(1, eventAgain.Applied);
        Assert.Equal(1, eventAgain.Duplicates);
    }

    [Fact]
    public async Task OldTextState_LoadsAndIsRewritten()
    {
        var grain = silo!.Grains.GetGrain<IPrincipalGrain>(RootKey);
        var grainId = grain.GetGrainId();
        var storage = silo.GrainStorage;
        var oldState = new PrincipalState
        {
            RecentEventIds = ["event-1", "event-2"],
            AppliedChunks = [RecordChunk.KeyFor("object-a", "cloudtrail", 0)],
            EventsApplied = 2,
            LastEventTime = Start.AddMinutes(1),
        };
        var stored = silo.GrainStorageSerializer.Serialize(oldState);
        await storage.WriteStateAsync(StateName, grainId, new GrainState<PrincipalState>(Assert.IsType<PrincipalState>(silo.GrainStorageSerializer.Deserialize<PrincipalState>(stored))));

        var chunkAgain = await Apply(grain, "object-a", Event("event-1", Start));
        var eventsAgain = await Apply(grain, "object-b", Event("event-1", Start), Event("event-2", Start.AddMinutes(1)), Event("event-3", Start.AddMinutes(2)));
        await silo.DisposeAsync();
        silo = null;
        var rewritten = await ReadStateAsync(storage, grainId);

        Assert.Equal(0, chunkAgain.Applied);
        Assert.Equal(1, chunkAgain.Duplicates);
        Assert.Equal(1, eventsAgain.Applied);
        Assert.Equal(2, eventsAgain.Duplicates);
        Assert.Equal(3, rewritten.EventsApplied);
        Assert.Empty(rewritten.RecentEventIds);
        Assert.Empty(rewritten.AppliedChunks);
        Assert.Equal(1 + (3 * 16), rewritten.RecentEventIdHashes?.Length);
        Assert.Equal(1 + (2 * 8), rewritten.AppliedChunkHashes?.Length);
    }

    [Fact]
    public async Task UnreadableHashes_StartEmptySet()
    {
        var grain = silo!.Grains.GetGrain<IPrincipalGrain>(RootKey);
        var unreadable = new PrincipalState { RecentEventIdHashes = [9, 1, 2, 3], AppliedChunkHashes = [1, 5], EventsApplied = 4 };
        await silo.GrainStorage.WriteStateAsync(StateName, grain.GetGrainId(), new GrainState<PrincipalState>(unreadable));

        var result = await Apply(grain, "object-a", Event("event-1", Start));
        var summary = await grain.GetSummaryAsync(Tenant);

        Assert.Equal(1, result.Applied);
        Assert.Equal(5, summary.EventsApplied);
    }

    private static async Task<BatchResult> Apply(IPrincipalGrain grain, string objectKey, params CloudTrailEvent[] events)
    {
        var chunk = new RecordChunk<CloudTrailEvent>(RecordChunk.KeyFor(objectKey, "cloudtrail", 0), events);
        var results = await grain.ApplyCloudTrailAsync(new CloudTrailChunks(Tenant, [chunk]));
        return Assert.Single(results);
    }

    private static async Task<PrincipalState> ReadStateAsync(Orleans.Storage.IGrainStorage storage, GrainId grainId)
    {
        var state = new GrainState<PrincipalState>(new PrincipalState());
        await storage.ReadStateAsync(StateName, grainId, state);
        Assert.True(state.RecordExists);
        return Assert.IsType<PrincipalState>(state.State);
    }

    /// <summary>A root-credential call with the given id and time.</summary>
    private static CloudTrailEvent Event(string eventId, DateTimeOffset eventTime) => new()
    {
        EventId = eventId,
        EventTime = eventTime,
        IngestTime = Start,
        EventName = "ListBuckets",
        EventSource = "s3.amazonaws.com",
        AwsRegion = "us-east-1",
        SourceIpAddress = "198.51.100.10",
        RecipientAccountId = Account,
        UserIdentity = new UserIdentity { Type = "Root", AccountId = Account, Arn = $"arn:aws:iam::{Account}:root" },
        RawJson = "{}",
    };
}
