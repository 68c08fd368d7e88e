using System.Buffers;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Vigil.Ingestion.Objects;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// The floor: the least work any reader of these files must do. It decompresses every file and
/// tokenises it, with <see cref="Utf8JsonReader"/> over every token of a CloudTrail file or a
/// Route 53 query log, a split into lines and space-separated fields for a flow log, and a read of
/// every column chunk of a Parquet file into arrays, on all cores, and keeps nothing.
/// </summary>
internal static class FloorBenchmark
{
    private const int BufferSize = 64 * 1024;

    /// <summary>Returns the CloudTrail records counted, one per object in the top-level <c>Records</c> array.</summary>
    public static Task<PhaseMeasurement> RunCloudTrailAsync(IReadOnlyList<LogObject> objects, CancellationToken cancellationToken, CorpusAccess? access = null) =>
        RunAsync(objects, TokeniseCloudTrailAsync, cancellationToken, access: access);

    /// <summary>Returns the flow records counted: every non-blank line after the header line.</summary>
    public static Task<PhaseMeasurement> RunFlowAsync(IReadOnlyList<LogObject> objects, CancellationToken cancellationToken, CorpusAccess? access = null) =>
        RunAsync(objects, SplitFlowLinesAsync, cancellationToken, access: access);

    /// <summary>Returns the Route 53 records counted: every top-level JSON object of the JSON Lines files.</summary>
    public static Task<PhaseMeasurement> RunRoute53Async(IReadOnlyList<LogObject> objects, CancellationToken cancellationToken, CorpusAccess? access = null) =>
        RunAsync(objects, TokeniseJsonLinesAsync, cancellationToken, access: access);

    /// <summary>
    /// Returns the Parquet rows counted. Every column chunk of every row group is read with Parquet.Net
    /// into an array of the column's own type (decompressed and decoded; text as slices of characters,
    /// the cheapest form Parquet.Net gives), and no record is built.
    /// </summary>
    public static Task<PhaseMeasurement> RunParquetAsync(IReadOnlyList<LogObject> objects, CancellationToken cancellationToken, CorpusAccess? access = null) =>
        RunAsync(objects, ReadParquetColumnsAsync, cancellationToken, decompress: false, access);

    /// <summary>
    /// Only decompresses the CloudTrail files, without tokenising them: the part of the floor that no
    /// reader of gzip files can avoid. The files hold <paramref name="records"/> records, counted by the
    /// CloudTrail floor, which this phase reports as its own.
    /// </summary>
    public static async Task<PhaseMeasurement> RunDecompressOnlyAsync(IReadOnlyList<LogObject> objects, long records, CancellationToken cancellationToken) =>
        await RunAsync(objects, DrainAsync, cancellationToken) with { Records = records };

    /// <summary>Opens a corpus file for one sequential read, as every floor and reader phase does.</summary>
    public static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);

    private static async Task<PhaseMeasurement> RunAsync(
        IReadOnlyList<LogObject> objects, Func<Stream, CancellationToken, Task<long>> tokenise, CancellationToken cancellationToken, bool decompress = true, CorpusAccess? access = null)
    {
        access ??= CorpusAccess.Disk;
        var resetPeak = ProcessMemory.ResetOwnPeak();
        long records = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = access.FilesAtATime, CancellationToken = cancellationToken };
        var cpuBefore = ProcessCpu.ReadOwn();
        var gcBefore = GcActivity.Now();
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(objects, options, async (logObject, token) =>
        {
            await using var file = access.Open(logObject);
            await using Stream content = decompress ? new GZipStream(file, CompressionMode.Decompress) : file;
            Interlocked.Add(ref records, await tokenise(content, token));
        });
        stopwatch.Stop();
        return new PhaseMeasurement(records, stopwatch.Elapsed, ProcessMemory.ReadPeak(Environment.ProcessId), resetPeak)
        {
            CpuTime = ProcessCpu.ReadOwn() - cpuBefore,
            Gc = GcActivity.Since(gcBefore),
        };
    }

    private static async Task<long> DrainAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (await content.ReadAsync(buffer, cancellationToken) > 0)
            {
            }

            return 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Task<long> TokeniseCloudTrailAsync(Stream content, CancellationToken cancellationToken) =>
        TokeniseJsonAsync(content, new JsonReaderState(), recordDepth: 2, cancellationToken);

    private static Task<long> TokeniseJsonLinesAsync(Stream content, CancellationToken cancellationToken) =>
        TokeniseJsonAsync(content, new JsonReaderState(new JsonReaderOptions { AllowMultipleValues = true }), recordDepth: 0, cancellationToken);

    /// <summary>Tokenises the JSON of <paramref name="content"/> and counts the objects that start at <paramref name="recordDepth"/>.</summary>
    private static async Task<long> TokeniseJsonAsync(Stream content, JsonReaderState state, int recordDepth, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
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
                var consumed = ReadTokens(buffer.AsSpan(0, length), final, recordDepth, ref state, ref records);
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
    private static int ReadTokens(ReadOnlySpan<byte> data, bool final, int recordDepth, ref JsonReaderState state, ref long records)
    {
        var reader = new Utf8JsonReader(data, final, state);
        while (reader.Read())
        {
            // In CloudTrail, depth 0 is the file's object and depth 1 its Records array, so depth 2 objects
            // are records. In JSON Lines, every object at depth 0 is one.
            if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == recordDepth)
            {
                records++;
            }
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    private static async Task<long> ReadParquetColumnsAsync(Stream file, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(file, null, leaveStreamOpen: true, cancellationToken);
        var fields = reader.Schema.DataFields;
        long rows = 0;
        for (var index = 0; index < reader.RowGroupCount; index++)
        {
            using var rowGroup = reader.OpenRowGroupReader(index);
            var count = (int)rowGroup.RowCount;
            foreach (var field in fields)
            {
                await ReadColumnAsync(rowGroup, field, count, cancellationToken);
            }

            rows += count;
        }

        return rows;
    }

    /// <summary>Reads one column chunk into a new array of its type, which a reader that builds records must do at least.</summary>
    private static async Task ReadColumnAsync(ParquetRowGroupReader rowGroup, DataField field, int count, CancellationToken cancellationToken)
    {
        var type = field.ClrType;
        if (type == typeof(int))
        {
            await rowGroup.ReadAsync<int>(field, new int?[count].AsMemory(), null, cancellationToken);
        }
        else if (type == typeof(long))
        {
            await rowGroup.ReadAsync<long>(field, new long?[count].AsMemory(), null, cancellationToken);
        }
        else if (type == typeof(ReadOnlyMemory<char>))
        {
            // Parquet.Net's own type for a text column: slices of the decoded text, with no string per value.
            await rowGroup.ReadAsync<ReadOnlyMemory<char>>(field, new ReadOnlyMemory<char>?[count].AsMemory(), null, cancellationToken);
        }
        else
        {
            throw new InvalidDataException($"The benchmark corpus has no {type.Name} column; column '{field.Name}' is not one that vigil bench generate writes.");
        }
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
