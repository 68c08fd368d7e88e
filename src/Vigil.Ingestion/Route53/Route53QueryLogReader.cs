using System.Buffers;
using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;

namespace Vigil.Ingestion.Route53;

/// <summary>
/// Streams the records of one Route 53 Resolver query log object (the decompressed content of a
/// delivered file): JSON Lines, one object a line, though a pretty-printed record spread over
/// several lines is read too. Memory is bounded by <see cref="Route53QueryLogReaderOptions.MaxLineBytes"/>.
/// A bad line is rejected with its line number and the rest of the object goes on; blank lines are skipped.
/// </summary>
public sealed class Route53QueryLogReader(Route53QueryLogReaderOptions options)
{
    private const int InitialBufferSize = 64 * 1024;

    /// <summary>Largest accepted <see cref="Route53QueryLogReaderOptions.MaxLineBytes"/>, so the buffer size stays a valid array length.</summary>
    private const int MaxLineBytesLimit = 1024 * 1024 * 1024;

    public Route53QueryLogReader()
        : this(Route53QueryLogReaderOptions.Default)
    {
    }

    /// <summary>
    /// Reads every record of <paramref name="utf8JsonLines"/> and hands them to <paramref name="onRecords"/>
    /// in the order of the file, a buffer's worth at a time. Rejected lines go to <paramref name="onRejected"/>.
    /// Read errors of the stream, such as <c>DecompressedSizeExceededException</c>, are not caught.
    /// </summary>
    public async Task<Route53QueryLogSummary> ReadAsync(
        Stream utf8JsonLines,
        string objectName,
        DateTimeOffset ingestTime,
        Func<IReadOnlyList<DnsQueryRecord>, ValueTask> onRecords,
        Action<RecordRejection> onRejected,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxLineBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxLineBytes, MaxLineBytesLimit);
        var scanner = new JsonLineScanner(objectName, ingestTime, options, onRejected);

        // Room for the longest line and its CR LF, so that a line within the limit always fits whole.
        var maxCapacity = options.MaxLineBytes + 2;
        var capacity = Math.Min(InitialBufferSize, maxCapacity);
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        var length = 0;
        var final = false;
        var records = new List<DnsQueryRecord>();
        try
        {
            while (!final)
            {
                while (length < capacity)
                {
                    var read = await utf8JsonLines.ReadAsync(buffer.AsMemory(length, capacity - length), cancellationToken);
                    if (read == 0)
                    {
                        final = true;
                        break;
                    }

                    length += read;
                }

                var consumed = scanner.Scan(buffer.AsSpan(0, length), final, length == maxCapacity, records);
                if (records.Count > 0)
                {
                    await onRecords(records);

                    // The callback may keep the list. The next one starts with room for as many records, so it rarely grows.
                    records = new List<DnsQueryRecord>(records.Count);
                }

                buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
                length -= consumed;
                if (length == capacity && !final)
                {
                    // The buffer contains one unfinished line or multi-line record below the limit, so it grows.
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxCapacity, capacity * 2L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                    capacity = (int)Math.Min(maxCapacity, capacity * 2L);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return scanner.Summary();
    }
}

/// <summary>How many lines of one object were read, and how many records were accepted and rejected.</summary>
public sealed record Route53QueryLogSummary(long Lines, long RecordsRead, long RecordsRejected);
