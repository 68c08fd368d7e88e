using System.Buffers;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Vigil.Ingestion.Objects;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// The floor: the least work any reader of these files must do. It decompresses every file and
/// tokenises it, with <see cref="Utf8JsonReader"/> over every token of a CloudTrail file and a
/// split into lines and space-separated fields for a flow log, on all cores, and keeps nothing.
/// </summary>
internal static class FloorBenchmark
{
    private const int BufferSize = 64 * 1024;

    /// <summary>Returns the CloudTrail records counted, one per object in the top-level <c>Records</c> array.</summary>
    public static Task<PhaseMeasurement> RunCloudTrailAsync(IReadOnlyList<LogObject> objects, CancellationToken cancellationToken) =>
        RunAsync(objects, TokeniseCloudTrailAsync, cancellationToken);

    /// <summary>Returns the flow records counted: every non-blank line after the header line.</summary>
    public static Task<PhaseMeasurement> RunFlowAsync(IReadOnlyList<LogObject> objects, CancellationToken cancellationToken) =>
        RunAsync(objects, SplitFlowLinesAsync, cancellationToken);

    private static async Task<PhaseMeasurement> RunAsync(IReadOnlyList<LogObject> objects, Func<Stream, CancellationToken, Task<long>> tokenise, CancellationToken cancellationToken)
    {
        var resetPeak = ProcessMemory.ResetOwnPeak();
        long records = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        var cpuBefore = ProcessCpu.ReadOwn();
        var gcBefore = GcActivity.Now();
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(objects, options, async (logObject, token) =>
        {
            await using var file = new FileStream(logObject.Path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            Interlocked.Add(ref records, await tokenise(gzip, token));
        });
        stopwatch.Stop();
        return new PhaseMeasurement(records, stopwatch.Elapsed, ProcessMemory.ReadPeak(Environment.ProcessId), resetPeak)
        {
            CpuTime = ProcessCpu.ReadOwn() - cpuBefore,
            Gc = GcActivity.Since(gcBefore),
        };
    }

    private static async Task<long> TokeniseCloudTrailAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var state = new JsonReaderState();
        var length = 0;
        long records = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    // One token is longer than the buffer: grow it and read on.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await content.ReadAsync(buffer.AsMemory(length), cancellationToken);
                length += read;
                var final = read == 0;
                var consumed = ReadTokens(buffer.AsSpan(0, length), final, ref state, ref records);
                if (final)
                {
                    if (consumed != length)
                    {
                        throw new InvalidDataException("The JSON ends inside a token.");
                    }

                    return records;
                }

                buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
                length -= consumed;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads every complete token of <paramref name="data"/> and returns the bytes consumed.</summary>
    private static int ReadTokens(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, ref long records)
    {
        var reader = new Utf8JsonReader(data, final, state);
        while (reader.Read())
        {
            // Depth 0 is the file's object and depth 1 its Records array, so depth 2 objects are records.
            if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 2)
            {
                records++;
            }
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    private static async Task<long> SplitFlowLinesAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var length = 0;
        var lines = new LineCounter();
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    throw new InvalidDataException($"A flow log line is longer than {buffer.Length} bytes.");
                }

                var read = await content.ReadAsync(buffer.AsMemory(length), cancellationToken);
                length += read;
                var final = read == 0;
                var consumed = lines.Split(buffer.AsSpan(0, length), final);
                if (final)
                {
                    return lines.Records;
                }

                buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
                length -= consumed;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Splits flow log text into lines and each line into its space-separated fields.</summary>
    private sealed class LineCounter
    {
        private bool headerSeen;

        public long Records { get; private set; }

        /// <summary>Fields of all lines, the header included.</summary>
        public long Fields { get; private set; }

        /// <summary>Splits the whole lines of <paramref name="data"/> (and the rest when <paramref name="final"/>) and returns the bytes consumed.</summary>
        public int Split(ReadOnlySpan<byte> data, bool final)
        {
            var start = 0;
            while (start < data.Length)
            {
                var newline = data[start..].IndexOf((byte)'\n');
                if (newline < 0 && !final)
                {
                    break;
                }

                var end = newline < 0 ? data.Length : start + newline;
                SplitLine(data[start..end]);
                start = newline < 0 ? data.Length : end + 1;
            }

            return start;
        }

        private void SplitLine(ReadOnlySpan<byte> line)
        {
            if (line.TrimEnd((byte)'\r').IsEmpty)
            {
                return;
            }

            var fields = 0;
            var rest = line;
            while (true)
            {
                fields++;
                var space = rest.IndexOf((byte)' ');
                if (space < 0)
                {
                    break;
                }

                rest = rest[(space + 1)..];
            }

            Fields += fields;
            if (!headerSeen)
            {
                headerSeen = true;
                return;
            }

            Records++;
        }
    }
}
