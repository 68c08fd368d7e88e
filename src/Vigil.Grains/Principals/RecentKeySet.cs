using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Text;

namespace Vigil.Grains.Principals;

/// <summary>
/// The keys (event ids or chunk keys) a principal grain applied recently, kept as 64-bit XxHash3
/// hashes of their UTF-8 bytes with an event time each, so that a redelivered event or chunk is
/// dropped. A key stays remembered while its event time is within <see cref="Window"/> of the
/// newest event time added, unless the set already contains <see cref="Capacity"/> keys added after
/// it. Keys leave in the order they were added, so a key can stay longer than the window while a
/// key added before it is still inside the window.
/// </summary>
/// <remarks>
/// Each key costs 36 bytes in memory (a hash set entry and a queue entry, before the free room of
/// their arrays) and 16 bytes in the persisted state (8 without a window). The text of a CloudTrail
/// event id costs about 120 bytes, and a chunk key more. Two different keys share a hash with a
/// probability of 2^-64 per pair, so a full set of 20,000 keys drops a new key by mistake with a
/// probability of about 10^-15.
/// </remarks>
internal sealed class RecentKeySet
{
    /// <summary>First byte of the persisted form of a set with a window: each key is its hash and its event time in Unix milliseconds, both little-endian.</summary>
    private const byte HashAndTimeFormat = 1;

    /// <summary>First byte of the persisted form of a set without a window, which needs no event times: each key is its hash alone, little-endian.</summary>
    private const byte HashOnlyFormat = 2;

    /// <summary>Longest UTF-8 form hashed from a stack buffer; longer keys use a pooled array.</summary>
    private const int StackBytes = 512;

    private readonly HashSet<ulong> members = [];
    private readonly Queue<(ulong Hash, long EventTimeMs)> order = new();
    private readonly long windowMs;
    private long newestEventTimeMs = long.MinValue;

    /// <summary>Creates an empty set; <see cref="Timeout.InfiniteTimeSpan"/> as the window bounds it by <paramref name="capacity"/> alone.</summary>
    public RecentKeySet(int capacity, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        if (window < TimeSpan.Zero && window != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be zero or positive, or Timeout.InfiniteTimeSpan.");
        }

        Capacity = capacity;
        Window = window;
        windowMs = window == Timeout.InfiniteTimeSpan ? long.MaxValue : (long)window.TotalMilliseconds;
    }

    public int Capacity { get; }

    public TimeSpan Window { get; }

    public int Count => members.Count;

    public bool Contains(string key) => members.Contains(Hash(key));

    /// <summary>True when a key whose <see cref="Hash"/> is <paramref name="hash"/> is in the set.</summary>
    public bool Contains(ulong hash) => members.Contains(hash);

    /// <summary>Adds a key by its <see cref="Hash"/>, as <see cref="Add(string, DateTimeOffset)"/> does.</summary>
    public bool Add(ulong hash, DateTimeOffset eventTime) => Add(hash, eventTime.ToUnixTimeMilliseconds());

    /// <summary>Adds the key with its event time, then removes keys past the window or the capacity. Returns false when the key was already present.</summary>
    public bool Add(string key, DateTimeOffset eventTime) => Add(Hash(key), eventTime.ToUnixTimeMilliseconds());

    /// <summary>
    /// Builds the set from its persisted form (<paramref name="packed"/>, null in states written
    /// before it) and from keys in the older text form, which count as added before every packed key.
    /// Text keys and keys of the hash-only form carry no event time, so they get
    /// <paramref name="legacyEventTime"/> (the principal's newest event time) and stay for one window after it.
    /// </summary>
    /// <exception cref="InvalidDataException"><paramref name="packed"/> is not the form <see cref="Serialize"/> writes.</exception>
    public static RecentKeySet Load(byte[]? packed, IReadOnlyList<string> legacyKeys, DateTimeOffset? legacyEventTime, int capacity, TimeSpan window)
    {
        var set = new RecentKeySet(capacity, window);
        var legacyTimeMs = (legacyEventTime ?? DateTimeOffset.UnixEpoch).ToUnixTimeMilliseconds();
        foreach (var key in legacyKeys)
        {
            set.Add(Hash(key), legacyTimeMs);
        }

        if (packed is null || packed.Length == 0)
        {
            return set;
        }

        var entryBytes = EntryBytes(packed[0]);
        if (entryBytes == 0 || (packed.Length - 1) % entryBytes != 0)
        {
            throw new InvalidDataException($"Remembered keys have format {packed[0]} and {packed.Length} bytes; expected format {HashAndTimeFormat} with 1 + a multiple of 16 bytes or format {HashOnlyFormat} with 1 + a multiple of 8 bytes.");
        }

        for (var offset = 1; offset < packed.Length; offset += entryBytes)
        {
            var hash = BinaryPrimitives.ReadUInt64LittleEndian(packed.AsSpan(offset, 8));
            var eventTimeMs = entryBytes == 16 ? BinaryPrimitives.ReadInt64LittleEndian(packed.AsSpan(offset + 8, 8)) : legacyTimeMs;
            set.Add(hash, eventTimeMs);
        }

        return set;
    }

    /// <summary>
    /// Returns the persisted form: a format byte, then the hash of each key, oldest added first,
    /// each followed by its event time unless the set has no window.
    /// </summary>
    public byte[] Serialize()
    {
        var format = windowMs == long.MaxValue ? HashOnlyFormat : HashAndTimeFormat;
        var entryBytes = EntryBytes(format);
        var packed = new byte[1 + (order.Count * entryBytes)];
        packed[0] = format;
        var offset = 1;
        foreach (var (hash, eventTimeMs) in order)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(packed.AsSpan(offset, 8), hash);
            if (format == HashAndTimeFormat)
            {
                BinaryPrimitives.WriteInt64LittleEndian(packed.AsSpan(offset + 8, 8), eventTimeMs);
            }

            offset += entryBytes;
        }

        return packed;
    }

    /// <summary>Returns the 64-bit XxHash3 (seed 0) of the key's UTF-8 bytes. Persisted states hold these values, so the function must not change.</summary>
    internal static ulong Hash(string key)
    {
        // Keys come from the logs, so their length is not trusted: long ones go to a pooled array.
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        // The stack buffer has the key's own size, because the runtime zeroes all of it on every call.
        Span<byte> buffer = length <= StackBytes ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(key, buffer);
            return XxHash3.HashToUInt64(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Returns the bytes per key of a persisted format, or 0 for an unknown format.</summary>
    private static int EntryBytes(byte format) => format switch
    {
        HashAndTimeFormat => 16,
        HashOnlyFormat => 8,
        _ => 0,
    };

    private bool Add(ulong hash, long eventTimeMs)
    {
        if (!members.Add(hash))
        {
            return false;
        }

        order.Enqueue((hash, eventTimeMs));
        newestEventTimeMs = Math.Max(newestEventTimeMs, eventTimeMs);

        // Saturates instead of overflowing for an infinite window or times near the minimum.
        var oldestKeptMs = newestEventTimeMs < long.MinValue + windowMs ? long.MinValue : newestEventTimeMs - windowMs;
        while (order.Count > Capacity || (order.Count > 0 && order.Peek().EventTimeMs < oldestKeptMs))
        {
            members.Remove(order.Dequeue().Hash);
        }

        return true;
    }
}

/// <summary>Loads a principal's remembered keys, starting an empty set when the stored form cannot be read.</summary>
internal static partial class RecentKeyStore
{
    public static RecentKeySet Load(byte[]? packed, IReadOnlyList<string> legacyKeys, DateTimeOffset? legacyEventTime, int capacity, TimeSpan window, ILogger logger, string grainKey)
    {
        try
        {
            return RecentKeySet.Load(packed, legacyKeys, legacyEventTime, capacity, window);
        }
        catch (InvalidDataException exception)
        {
            // Only duplicate detection is lost: an event delivered again may count twice.
            KeysLoadFailed(logger, exception, LogText.Escape(grainKey));
            return new RecentKeySet(capacity, window);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the remembered event ids or chunk keys of principal grain {GrainKey} failed, so the set starts empty and a redelivered event may count twice")]
    private static partial void KeysLoadFailed(ILogger logger, Exception exception, string grainKey);
}
