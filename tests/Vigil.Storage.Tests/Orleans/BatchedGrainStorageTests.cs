using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using Vigil.Storage.Orleans;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Orleans;

/// <summary>
/// <see cref="BatchedGrainStorage"/> against the migrated schema, next to Orleans' own ADO.NET
/// storage on the same table: what one writes the other reads, and every write whose ETag no
/// longer matches fails alone while the rest of its batch is stored.
/// </summary>
public sealed class BatchedGrainStorageTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private const string Batched = "batched";
    private const string Plain = "plain";
    private const string StateName = "note";

    private readonly string serviceId = "batched-" + Guid.NewGuid().ToString("N");

    private static readonly string[] Forms = ["string", "integer", "integer+ext", "guid", "guid+ext"];

    public static TheoryData<string> KeyForms => new(Forms);

    [Theory]
    [MemberData(nameof(KeyForms))]
    public async Task Write_ThenPlainRead_SamePayloadAndETag(string form)
    {
        await using var silo = await StorageSilo.StartAsync(database, serviceId);
        var grainId = GrainIdOf(form, 1);
        var written = new GrainState<NoteState>(NoteState.Of("first", 1, 2, 3));

        await silo.Batched.WriteStateAsync(StateName, grainId, written);
        var plainRead = new GrainState<NoteState>(new NoteState());
        await silo.Plain.ReadStateAsync(StateName, grainId, plainRead);

        Assert.Equal("1", written.ETag);
        Assert.True(written.RecordExists);
        Assert.Equal(written.ETag, plainRead.ETag);
        Assert.True(plainRead.RecordExists);
        Assert.Equal(written.State, plainRead.State);

        // The plain storage's next write accepts the batched storage's ETag, and the other way round.
        plainRead.State = NoteState.Of("second", 4);
        await silo.Plain.WriteStateAsync(StateName, grainId, plainRead);
        written.State = NoteState.Of("third", 5);
        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Batched.WriteStateAsync(StateName, grainId, written));
        var batchedRead = new GrainState<NoteState>(new NoteState());
        await silo.Batched.ReadStateAsync(StateName, grainId, batchedRead);
        Assert.Equal(plainRead.State, batchedRead.State);
        batchedRead.State = NoteState.Of("fourth", 6);
        await silo.Batched.WriteStateAsync(StateName, grainId, batchedRead);
        Assert.Equal("3", batchedRead.ETag);
        Assert.Equal(1L, await RowCountAsync(grainId));
    }

    [Fact]
    public async Task ConcurrentWrites_ShareStatements_ReadBack()
    {
        await using var silo = await StorageSilo.StartAsync(database, serviceId);
        const int grains = 200;
        var states = Enumerable.Range(0, grains)
            .Select(index => (Id: GrainIdOf(Forms[index % Forms.Length], index), State: new GrainState<NoteState>(NoteState.Of($"grain {index}", index, -index))))
            .ToList();

        await Task.WhenAll(states.Select(item => silo.Batched.WriteStateAsync(StateName, item.Id, item.State)));
        var firstRound = silo.BatchedStorage.BatchCount;
        foreach (var item in states)
        {
            var before = item.State.State!;
            item.State.State = NoteState.Of($"{before.Text} again", before.Numbers.Sum() + 1);
        }

        await Task.WhenAll(states.Select(item => silo.Batched.WriteStateAsync(StateName, item.Id, item.State)));

        Assert.True(firstRound < grains / 2, $"{grains} concurrent writes took {firstRound} statements");
        foreach (var item in states)
        {
            var read = new GrainState<NoteState>(new NoteState());
            await silo.Plain.ReadStateAsync(StateName, item.Id, read);
            Assert.Equal("2", item.State.ETag);
            Assert.Equal(item.State.ETag, read.ETag);
            Assert.Equal(item.State.State, read.State);
        }
    }

    [Fact]
    public async Task StaleETagInBatch_FailsAlone()
    {
        await using var silo = await StorageSilo.StartAsync(database, serviceId);
        var stale = GrainIdOf("string", 1000);
        var current = new GrainState<NoteState>(NoteState.Of("v1", 1));
        await silo.Batched.WriteStateAsync(StateName, stale, current);
        var staleCopy = new GrainState<NoteState>(NoteState.Of("stale", 99)) { ETag = current.ETag, RecordExists = true };
        current.State = NoteState.Of("v2", 2);
        await silo.Batched.WriteStateAsync(StateName, stale, current);

        var others = Enumerable.Range(0, 50).Select(index => (Id: GrainIdOf("string", 2000 + index), State: new GrainState<NoteState>(NoteState.Of("other", index)))).ToList();
        var staleWrite = silo.Batched.WriteStateAsync(StateName, stale, staleCopy);
        var otherWrites = others.Select(item => silo.Batched.WriteStateAsync(StateName, item.Id, item.State)).ToList();

        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        await Task.WhenAll(otherWrites);
        Assert.Equal("1", staleCopy.ETag);
        var read = new GrainState<NoteState>(new NoteState());
        await silo.Plain.ReadStateAsync(StateName, stale, read);
        Assert.Equal(NoteState.Of("v2", 2), read.State);
        Assert.Equal("2", read.ETag);
        Assert.All(others, item => Assert.Equal("1", item.State.ETag));
    }

    [Fact]
    public async Task SameETagTwice_OneConflicts()
    {
        await using var silo = await StorageSilo.StartAsync(database, serviceId);
        var grainId = GrainIdOf("string", 3000);
        var first = new GrainState<NoteState>(NoteState.Of("first", 1));
        var second = new GrainState<NoteState>(NoteState.Of("second", 2));

        // Two first writes (no ETag), then two updates from the same ETag, each pair queued together.
        var outcomes = await OutcomesAsync(silo.Batched.WriteStateAsync(StateName, grainId, first), silo.Batched.WriteStateAsync(StateName, grainId, second));
        Assert.Equal([true, false], outcomes);
        var third = new GrainState<NoteState>(NoteState.Of("third", 3)) { ETag = first.ETag };
        var fourth = new GrainState<NoteState>(NoteState.Of("fourth", 4)) { ETag = first.ETag };
        outcomes = await OutcomesAsync(silo.Batched.WriteStateAsync(StateName, grainId, third), silo.Batched.WriteStateAsync(StateName, grainId, fourth));

        Assert.Equal([true, false], outcomes);
        var read = new GrainState<NoteState>(new NoteState());
        await silo.Plain.ReadStateAsync(StateName, grainId, read);
        Assert.Equal(NoteState.Of("third", 3), read.State);
        Assert.Equal("2", read.ETag);
        Assert.Equal(1L, await RowCountAsync(grainId));
    }

    [Fact]
    public async Task TwoSilosRace_OneWinnerPerState()
    {
        await using var one = await StorageSilo.StartAsync(database, serviceId);
        await using var other = await StorageSilo.StartAsync(database, serviceId);
        const int grains = 100;
        var ids = Enumerable.Range(0, grains).Select(index => GrainIdOf("string", 4000 + index)).ToList();
        var seeded = ids.Select(_ => new GrainState<NoteState>(NoteState.Of("seed", 0))).ToList();
        await Task.WhenAll(ids.Select((id, index) => one.Batched.WriteStateAsync(StateName, id, seeded[index])));

        // Both silos update every state from the same ETag, in opposite orders, at the same time.
        var fromOne = ids.Select((_, index) => new GrainState<NoteState>(NoteState.Of("one", index)) { ETag = seeded[index].ETag }).ToList();
        var fromOther = ids.Select((_, index) => new GrainState<NoteState>(NoteState.Of("other", index)) { ETag = seeded[index].ETag }).ToList();
        var oneWrites = ids.Select((id, index) => Outcome(one.Batched.WriteStateAsync(StateName, id, fromOne[index]))).ToList();
        var otherWrites = Enumerable.Range(0, grains).Reverse().Select(index => (Index: index, Write: Outcome(other.Batched.WriteStateAsync(StateName, ids[index], fromOther[index])))).ToList();
        var oneWon = await Task.WhenAll(oneWrites);
        var otherWon = (await Task.WhenAll(otherWrites.Select(async item => (item.Index, Won: await item.Write)))).OrderBy(item => item.Index).Select(item => item.Won).ToList();

        for (var index = 0; index < grains; index++)
        {
            Assert.True(oneWon[index] ^ otherWon[index], $"state {index}: one silo wins exactly");
            var read = new GrainState<NoteState>(new NoteState());
            await one.Plain.ReadStateAsync(StateName, ids[index], read);
            Assert.Equal("2", read.ETag);
            Assert.Equal(oneWon[index] ? fromOne[index].State : fromOther[index].State, read.State);
        }
    }

    [Fact]
    public async Task RejectedRow_FailsAlone()
    {
        await using var silo = await StorageSilo.StartAsync(database, serviceId);

        // A key of random text is too long for the identity index, so the server rejects its row.
        var tooLong = GrainId.Create("note", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6000)) + "!");
        var others = Enumerable.Range(0, 30).Select(index => (Id: GrainIdOf("string", 5000 + index), State: new GrainState<NoteState>(NoteState.Of("fine", index)))).ToList();
        var rejected = silo.Batched.WriteStateAsync(StateName, tooLong, new GrainState<NoteState>(NoteState.Of("too long", 1)));
        var stored = others.Select(item => silo.Batched.WriteStateAsync(StateName, item.Id, item.State)).ToList();

        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => rejected);
        await Task.WhenAll(stored);
        foreach (var item in others)
        {
            var read = new GrainState<NoteState>(new NoteState());
            await silo.Plain.ReadStateAsync(StateName, item.Id, read);
            Assert.Equal(item.State.State, read.State);
        }
    }

    private static async Task<bool> Outcome(Task write)
    {
        try
        {
            await write;
            return true;
        }
        catch (InconsistentStateException)
        {
            return false;
        }
    }

    private static async Task<bool[]> OutcomesAsync(params Task[] writes) => await Task.WhenAll(writes.Select(Outcome));

    private static GrainId GrainIdOf(string form, int index)
    {
        var type = GrainType.Create("note");
        var guid = new Guid(index, (short)(index >> 16), 7, 1, 2, 3, 4, 5, 6, 7, 8);
        return form switch
        {
            "string" => GrainId.Create(type, IdSpan.Create($"tenant-{index}/principal-{index}")),
            "integer" => GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(index + 1)),
            "integer+ext" => GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(index + 1, $"ext-{index}")),
            "guid" => GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(guid)),
            "guid+ext" => GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(guid, $"ext-{index}")),
            _ => throw new ArgumentOutOfRangeException(nameof(form)),
        };
    }

    private async Task<long> RowCountAsync(GrainId grainId)
    {
        var key = StateKey.Of(grainId);
        await using var command = database.DataSource.CreateCommand("""
            SELECT count(*) FROM orleans_storage
            WHERE service_id = $1 AND grain_type_string = $2 AND grain_id_n0 = $3 AND grain_id_n1 = $4
              AND grain_id_extension_string IS NOT DISTINCT FROM $5
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = serviceId });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = StateName });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = key.N0 });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = key.N1 });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)key.Extension ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A silo of its own cluster that has the batched storage and Orleans' plain one on the same table and service id.</summary>
    private sealed class StorageSilo : IAsyncDisposable
    {
        private readonly IHost host;

        private StorageSilo(IHost host) => this.host = host;

        public IGrainStorage Batched => host.Services.GetRequiredKeyedService<IGrainStorage>(BatchedGrainStorageTests.Batched);

        public BatchedGrainStorage BatchedStorage => (BatchedGrainStorage)Batched;

        public IGrainStorage Plain => host.Services.GetRequiredKeyedService<IGrainStorage>(BatchedGrainStorageTests.Plain);

        public static async Task<StorageSilo> StartAsync(PostgresFixture database, string serviceId)
        {
            var siloPort = FreeLoopbackPort();
            var gatewayPort = FreeLoopbackPort();
            var host = Host.CreateDefaultBuilder()
                .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
                .UseOrleans(silo =>
                {
                    silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: serviceId, clusterId: "c-" + Guid.NewGuid().ToString("N"));
                    silo.AddVigilBatchedGrainStorage(
                        BatchedGrainStorageTests.Batched,
                        options => options.Configure(storage =>
                        {
                            storage.Invariant = TestSilo.Invariant;
                            storage.ConnectionString = database.ConnectionString;
                        }),
                        _ => database.DataSource);
                    silo.AddAdoNetGrainStorage(BatchedGrainStorageTests.Plain, options =>
                    {
                        options.Invariant = TestSilo.Invariant;
                        options.ConnectionString = database.ConnectionString;
                    });
                })
                .Build();
            await host.StartAsync();
            return new StorageSilo(host);
        }

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }

        private static int FreeLoopbackPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}

/// <summary>A state with a text and a list, compared by value.</summary>
[GenerateSerializer]
public sealed class NoteState : IEquatable<NoteState>
{
    [Id(0)]
    public string Text { get; set; } = string.Empty;

    [Id(1)]
    public List<int> Numbers { get; set; } = [];

    public static NoteState Of(string text, params int[] numbers) => new() { Text = text, Numbers = [.. numbers] };

    public bool Equals(NoteState? other) => other is not null && Text == other.Text && Numbers.SequenceEqual(other.Numbers);

    public override bool Equals(object? obj) => Equals(obj as NoteState);

    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => $"{Text} [{string.Join(", ", Numbers)}]";
}
