using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Vigil.Storage.Orleans;

/// <summary>
/// Grain storage over the <c>orleans_storage</c> table of migration 0003 that writes the states of
/// many grains in one statement. Reads and clears go to Orleans' ADO.NET storage unchanged, and
/// writes keep its contract: the same identity columns and hashes, the version as the ETag, and an
/// <see cref="InconsistentStateException"/> for each write whose ETag no longer matches.
/// </summary>
/// <remarks>
/// Writes queue up while a batch is in flight, so an idle silo writes each state at once and a busy
/// one writes up to <see cref="BatchedGrainStorageOptions.MaxRows"/> states per round trip. A batch
/// never contains two writes of the same state, so each row's version check decides alone. When the
/// server rejects a batch (the statement rolled back as a whole), its writes are tried again one by
/// one, so one bad row fails only its own grain.
/// </remarks>
public sealed partial class BatchedGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    // The update refuses to pass the 32-bit maximum, because Orleans parses the version as an int.
    private const string WriteSql = """
        WITH input AS (
            SELECT * FROM unnest(@slots, @id_hashes, @type_hashes, @service_ids, @type_strings,
                                 @n0s, @n1s, @extensions, @expected, @payloads)
                AS i(slot, grain_id_hash, grain_type_hash, service_id, grain_type_string,
                     grain_id_n0, grain_id_n1, grain_id_extension_string, expected, payload)
        ),
        inserted AS (
            INSERT INTO orleans_storage (
                grain_id_hash, grain_type_hash, service_id, grain_type_string,
                grain_id_n0, grain_id_n1, grain_id_extension_string, payload_binary, version, modified_on)
            SELECT grain_id_hash, grain_type_hash, service_id, grain_type_string,
                   grain_id_n0, grain_id_n1, grain_id_extension_string, payload, 1, now()
            FROM input
            WHERE expected IS NULL
            ORDER BY slot
            ON CONFLICT ON CONSTRAINT orleans_storage_identity DO NOTHING
            RETURNING grain_id_hash, grain_type_hash, service_id, grain_type_string,
                      grain_id_n0, grain_id_n1, grain_id_extension_string, version
        ),
        updated AS (
            UPDATE orleans_storage AS s
            SET payload_binary = i.payload, version = s.version + 1, modified_on = now()
            FROM input AS i
            WHERE i.expected IS NOT NULL
              AND s.grain_id_hash = i.grain_id_hash
              AND s.grain_type_hash = i.grain_type_hash
              AND s.service_id = i.service_id
              AND s.grain_type_string = i.grain_type_string
              AND s.grain_id_n0 = i.grain_id_n0
              AND s.grain_id_n1 = i.grain_id_n1
              AND s.grain_id_extension_string IS NOT DISTINCT FROM i.grain_id_extension_string
              AND s.version = i.expected
              AND s.version < 2147483647
            RETURNING i.slot, s.version
        )
        SELECT i.slot, n.version
        FROM inserted AS n
        JOIN input AS i
          ON i.expected IS NULL
         AND i.grain_id_hash = n.grain_id_hash
         AND i.grain_type_hash = n.grain_type_hash
         AND i.service_id = n.service_id
         AND i.grain_type_string = n.grain_type_string
         AND i.grain_id_n0 = n.grain_id_n0
         AND i.grain_id_n1 = n.grain_id_n1
         AND i.grain_id_extension_string IS NOT DISTINCT FROM n.grain_id_extension_string
        UNION ALL
        SELECT slot, version FROM updated
        """;

    private readonly string name;
    private readonly IGrainStorage inner;
    private readonly NpgsqlDataSource dataSource;
    private readonly IGrainStorageSerializer serializer;
    private readonly IStorageHasherPicker hashPicker;
    private readonly string serviceId;
    private readonly BatchedGrainStorageOptions options;
    private readonly ILogger logger;
    private readonly Channel<PendingWrite> queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock startLock = new();
    private Task? writer;

    /// <param name="name">The provider name, as the grains' <c>[PersistentState]</c> give it.</param>
    /// <param name="inner">Orleans' ADO.NET storage of the same table, for reads, clears and the writes this class does not batch.</param>
    /// <param name="dataSource">Connections to the database that contains <c>orleans_storage</c>.</param>
    /// <param name="serializer">The serializer the inner storage uses, so both read what the other wrote.</param>
    /// <param name="hashPicker">The hash picker the inner storage uses, so both compute the same hashes.</param>
    /// <param name="serviceId">The service id the inner storage uses.</param>
    public BatchedGrainStorage(
        string name,
        IGrainStorage inner,
        NpgsqlDataSource dataSource,
        IGrainStorageSerializer serializer,
        IStorageHasherPicker hashPicker,
        string serviceId,
        BatchedGrainStorageOptions options,
        ILogger<BatchedGrainStorage> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(hashPicker);
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBytes, 1);
        this.name = name;
        this.inner = inner;
        this.dataSource = dataSource;
        this.serializer = serializer;
        this.hashPicker = hashPicker;
        this.serviceId = serviceId;
        this.options = options;
        this.logger = logger;
    }

    /// <summary>Statements that wrote states, for tests and metrics.</summary>
    public long BatchCount => Interlocked.Read(ref batches);

    private long batches;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        ArgumentNullException.ThrowIfNull(grainState);

        // Orleans shortens generic type names in a state name before it stores them. Such a state goes
        // through Orleans' own write, so that both agree on the stored name.
        if (stateName.Contains('`', StringComparison.Ordinal))
        {
            await inner.WriteStateAsync(stateName, grainId, grainState);
            return;
        }

        var key = StateKey.Of(grainId);
        var hasher = hashPicker.PickHasher(serviceId, name, stateName, grainId, grainState, null)
            ?? throw new InvalidOperationException($"The hash picker of grain storage {name} returned no hasher.");
        int? expected = string.IsNullOrWhiteSpace(grainState.ETag) ? null : int.Parse(grainState.ETag, System.Globalization.CultureInfo.InvariantCulture);
        var write = new PendingWrite(
            hasher.Hash(key.HashBytes()),
            hasher.Hash(System.Text.Encoding.UTF8.GetBytes(stateName)),
            stateName,
            key,
            expected,
            serializer.Serialize(grainState.State).ToArray());

        EnsureWriter();
        if (!queue.Writer.TryWrite(write))
        {
            // The silo is stopping and the queue is closed: write this state on its own.
            await WriteBatchAsync([write], CancellationToken.None);
        }

        var version = await write.Completion.Task;
        if (version is null)
        {
            throw new InconsistentStateException(
                $"Version conflict (WriteState): ServiceId={serviceId} ProviderName={name} GrainType={stateName} GrainId={key} ETag={grainState.ETag}.");
        }

        grainState.ETag = version.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        if (inner is ILifecycleParticipant<ISiloLifecycle> participant)
        {
            participant.Participate(lifecycle);
        }

        // Stops after the grains, whose deactivation writes their states, in the stage Orleans'
        // storage providers use.
        lifecycle.Subscribe(
            $"{nameof(BatchedGrainStorage)}-{name}",
            ServiceLifecycleStage.ApplicationServices,
            _ => Task.CompletedTask,
            async _ =>
            {
                queue.Writer.TryComplete();
                if (writer is { } running)
                {
                    await running;
                }
            });
    }

    private void EnsureWriter()
    {
        if (writer is not null)
        {
            return;
        }

        lock (startLock)
        {
            writer ??= Task.Run(WriteLoopAsync);
        }
    }

    private async Task WriteLoopAsync()
    {
        var deferred = new List<PendingWrite>();
        while (deferred.Count > 0 || await queue.Reader.WaitToReadAsync())
        {
            var batch = new List<PendingWrite>();
            var identities = new HashSet<(string, StateKey)>();
            long bytes = 0;

            // Writes deferred because their state was already in the previous batch go first, in order.
            var carried = deferred;
            deferred = [];
            foreach (var write in carried)
            {
                Add(write);
            }

            while (batch.Count < options.MaxRows && bytes < options.MaxBytes && queue.Reader.TryRead(out var write))
            {
                Add(write);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await WriteBatchAsync(batch, CancellationToken.None);
            }
            catch (Exception exception)
            {
                // WriteBatchAsync completes every write it is given, so this only guards the loop.
                LogBatchFailed(logger, exception, batch.Count);
                foreach (var write in batch)
                {
                    write.Completion.TrySetException(exception);
                }
            }

            void Add(PendingWrite write)
            {
                if (identities.Add((write.StateName, write.Key)))
                {
                    batch.Add(write);
                    bytes += write.Payload.Length;
                }
                else
                {
                    deferred.Add(write);
                }
            }
        }
    }

    private async Task WriteBatchAsync(IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken)
    {
        try
        {
            var versions = await ExecuteAsync(batch, cancellationToken);
            for (var slot = 0; slot < batch.Count; slot++)
            {
                batch[slot].Completion.TrySetResult(versions[slot]);
            }
        }
        catch (PostgresException exception) when (batch.Count > 1)
        {
            // The server rejected the statement, so none of it took effect. Each write is tried on
            // its own, and one that fails again reports its own error.
            LogBatchRetriedOneByOne(logger, exception, batch.Count, exception.SqlState);
            foreach (var write in batch)
            {
                await WriteBatchAsync([write], cancellationToken);
            }
        }
        catch (Exception exception)
        {
            foreach (var write in batch)
            {
                write.Completion.TrySetException(exception);
            }
        }
    }

    private async Task<int?[]> ExecuteAsync(IReadOnlyList<PendingWrite> batch, CancellationToken cancellationToken)
    {
        var count = batch.Count;
        var slots = new int[count];
        var idHashes = new int[count];
        var typeHashes = new int[count];
        var serviceIds = new string[count];
        var typeStrings = new string[count];
        var n0s = new long[count];
        var n1s = new long[count];
        var extensions = new string?[count];
        var expected = new int?[count];
        var payloads = new byte[count][];
        for (var slot = 0; slot < count; slot++)
        {
            var write = batch[slot];
            slots[slot] = slot;
            idHashes[slot] = write.GrainIdHash;
            typeHashes[slot] = write.GrainTypeHash;
            serviceIds[slot] = serviceId;
            typeStrings[slot] = write.StateName;
            n0s[slot] = write.Key.N0;
            n1s[slot] = write.Key.N1;
            extensions[slot] = write.Key.Extension;
            expected[slot] = write.ExpectedVersion;
            payloads[slot] = write.Payload;
        }

        await using var command = dataSource.CreateCommand(WriteSql);
        command.Parameters.Add(new NpgsqlParameter<int[]>("slots", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = slots });
        command.Parameters.Add(new NpgsqlParameter<int[]>("id_hashes", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = idHashes });
        command.Parameters.Add(new NpgsqlParameter<int[]>("type_hashes", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = typeHashes });
        command.Parameters.Add(new NpgsqlParameter<string[]>("service_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = serviceIds });
        command.Parameters.Add(new NpgsqlParameter<string[]>("type_strings", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = typeStrings });
        command.Parameters.Add(new NpgsqlParameter<long[]>("n0s", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = n0s });
        command.Parameters.Add(new NpgsqlParameter<long[]>("n1s", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = n1s });
        command.Parameters.Add(new NpgsqlParameter<string?[]>("extensions", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = extensions });
        command.Parameters.Add(new NpgsqlParameter<int?[]>("expected", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = expected });
        command.Parameters.Add(new NpgsqlParameter<byte[][]>("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = payloads });

        var versions = new int?[count];
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var slot = reader.GetInt32(0);
                if (versions[slot] is not null)
                {
                    throw new InvalidOperationException($"The state write returned two versions for one state (slot {slot}).");
                }

                versions[slot] = reader.GetInt32(1);
            }
        }

        Interlocked.Increment(ref batches);
        return versions;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} grain state writes was rejected ({SqlState}); writing them one by one")]
    private static partial void LogBatchRetriedOneByOne(ILogger logger, Exception exception, int count, string sqlState);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} grain state writes failed")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    private sealed class PendingWrite(int grainIdHash, int grainTypeHash, string stateName, StateKey key, int? expectedVersion, byte[] payload)
    {
        public int GrainIdHash { get; } = grainIdHash;

        public int GrainTypeHash { get; } = grainTypeHash;

        public string StateName { get; } = stateName;

        public StateKey Key { get; } = key;

        public int? ExpectedVersion { get; } = expectedVersion;

        public byte[] Payload { get; } = payload;

        /// <summary>The new version, or null for a version conflict.</summary>
        public TaskCompletionSource<int?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>Bounds of one batched write statement.</summary>
public sealed record BatchedGrainStorageOptions
{
    /// <summary>States written by one statement at most.</summary>
    public int MaxRows { get; init; } = 256;

    /// <summary>
    /// Serialized bytes one statement carries at most; the last state added may pass it. Keeps a
    /// statement of large states from holding a connection and server memory for long.
    /// </summary>
    public long MaxBytes { get; init; } = 8 * 1024 * 1024;
}
