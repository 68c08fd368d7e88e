using System.Buffers;
using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;

namespace Vigil.Ingestion.VpcFlow;

/// <summary>
/// Streams the records of one text flow log object (the decompressed content of a delivered file),
/// one line at a time, holding at most one read buffer of about <see cref="VpcFlowReaderOptions.MaxLineBytes"/>.
/// </summary>
/// <remarks>
/// <para>
/// The first line is a header of field names in any order, and every column is read by its name,
/// never by its position. A file without a header is read in the AWS default format (the 14
/// version 2 fields) only when its first line is a valid record in that format. Any other first
/// line stops the object with <see cref="VpcFlowTextSummary.Error"/> and no records.
/// </para>
/// <para>
/// A later line equal to the header is skipped and counted in <see cref="VpcFlowTextSummary.HeaderLines"/>,
/// and a later header with other names switches the layout for the lines after it. A line with the wrong
/// number of fields, an invalid value, invalid UTF-8 or more than the line limit is rejected with its
/// line number, field and reason, and the rest of the object goes on. Blank lines are skipped.
/// </para>
/// </remarks>
public sealed class VpcFlowTextReader(VpcFlowReaderOptions options)
{
    private const int MinimumBufferSize = 16 * 1024;

    private readonly VpcFlowReaderOptions options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();

    public VpcFlowTextReader()
        : this(VpcFlowReaderOptions.Default)
    {
    }

    /// <summary>
    /// Reads every line of <paramref name="text"/> and hands the records to <paramref name="onRecords"/>
    /// in the order of the file, at most <see cref="VpcFlowReaderOptions.BatchSize"/> at a time. The
    /// list passed to <paramref name="onRecords"/> is refilled once its task completes, so a caller
    /// that keeps records copies them out of it.
    /// </summary>
    public async Task<VpcFlowTextSummary> ReadAsync(
        Stream text,
        string objectName,
        DateTimeOffset ingestTime,
        Func<IReadOnlyList<FlowRecord>, ValueTask> onRecords,
        Action<RecordRejection> onRejected,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(onRecords);
        ArgumentNullException.ThrowIfNull(onRejected);

        var parser = new FlowTextLineParser(objectName, ingestTime, options, onRejected);

        // The buffer has room for the longest allowed line and a carriage return, so a full buffer
        // without a line break always means an over-long line.
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(options.MaxLineBytes + 2, MinimumBufferSize));
        var length = 0;
        long bufferOffset = 0;
        long line = 1;
        var discarding = false;
        try
        {
            while (parser.Error is null)
            {
                var read = await text.ReadAsync(buffer.AsMemory(length), cancellationToken);
                var final = read == 0;
                length += read;

                var start = 0;
                if (discarding)
                {
                    // The rest of an over-long line ends at the first line break.
                    var newline = buffer.AsSpan(0, length).IndexOf((byte)'\n');
                    if (newline >= 0)
                    {
                        discarding = false;
                        line++;
                        start = newline + 1;
                    }
                }

                while (!discarding && parser.Error is null)
                {
                    // Parses up to a full batch synchronously, so the per-line work stays out of this async method.
                    var next = parser.ParseLines(buffer.AsSpan(0, length), start, ref line, bufferOffset);
                    if (parser.Pending.Count >= options.BatchSize)
                    {
                        await onRecords(parser.Pending);
                        parser.Pending.Clear();
                    }

                    if (next == start)
                    {
                        break;
                    }

                    start = next;
                }

                if (final)
                {
                    if (!discarding && start < length)
                    {
                        parser.ParseLine(buffer.AsSpan(start, length - start), line, bufferOffset + start);
                    }

                    break;
                }

                var remaining = length - start;
                if (!discarding && remaining > options.MaxLineBytes + 1)
                {
                    // Report the line now and drop its bytes as they arrive instead of buffering it whole.
                    parser.RejectOverlongLine(line, bufferOffset + start);
                    discarding = true;
                }

                if (discarding)
                {
                    bufferOffset += length;
                    length = 0;
                    continue;
                }

                buffer.AsSpan(start, remaining).CopyTo(buffer);
                bufferOffset += start;
                length = remaining;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        parser.Finish();
        if (parser.Pending.Count > 0)
        {
            await onRecords(parser.Pending);
        }

        return new VpcFlowTextSummary(parser.RecordsRead, parser.RecordsRejected, parser.HeaderLines, parser.UsedDefaultFormat, parser.Error);
    }
}
