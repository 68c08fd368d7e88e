using Parquet;
using Parquet.Schema;
using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.Objects;

namespace Vigil.Ingestion.VpcFlow;

/// <summary>
/// Reads the rows of one Parquet flow log object with Parquet.Net, one row group at a time.
/// </summary>
/// <remarks>
/// <para>
/// Columns are matched by name, with <c>_</c> read as <c>-</c> so that both <c>log-status</c> and
/// <c>log_status</c> map. NOTE: the column names in AWS-delivered Parquet files were not checked
/// against a real file, which is why both spellings are accepted.
/// </para>
/// <para>
/// Every numeric field accepts any integer column. AWS documents INT_32 for ports and protocol in
/// VPC flow logs, INT_64 for protocol in Transit Gateway flow logs, and INT_64 for counters and
/// times, and tools that rewrite the files may widen or narrow them. Text columns of digits are
/// accepted too. A null is read like <c>-</c>. A row with an invalid value is rejected, and the rest
/// of the object goes on. Its rejection has the 1-based row number as <see cref="RecordRejection.Line"/>
/// and 0 as <see cref="RecordRejection.ByteOffset"/>, because a Parquet file has no lines.
/// </para>
/// </remarks>
public sealed class VpcFlowParquetReader(VpcFlowReaderOptions options)
{
    private readonly VpcFlowReaderOptions options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();

    public VpcFlowParquetReader()
        : this(VpcFlowReaderOptions.Default)
    {
    }

    /// <summary>
    /// Whether a row group whose columns are all version 2 fields is read column by column (the
    /// default). False reads every row field by field, which gives the same records and rejections;
    /// tests compare the two.
    /// </summary>
    internal bool ReadColumnByColumn { get; init; } = true;

    /// <summary>
    /// Reads every row of <paramref name="parquet"/> and hands the records to <paramref name="onRecords"/>
    /// in the order of the file, at most <see cref="VpcFlowReaderOptions.BatchSize"/> at a time. A
    /// stream that cannot seek is first copied to a temporary file, up to <see cref="VpcFlowReaderOptions.MaxParquetBytes"/>.
    /// The list passed to <paramref name="onRecords"/> is refilled once its task completes, so a caller
    /// that keeps records copies them out of it.
    /// </summary>
    public async Task<VpcFlowParquetSummary> ReadAsync(
        Stream parquet,
        string objectName,
        DateTimeOffset ingestTime,
        Func<IReadOnlyList<FlowRecord>, ValueTask> onRecords,
        Action<RecordRejection> onRejected,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parquet);
        ArgumentNullException.ThrowIfNull(onRecords);
        ArgumentNullException.ThrowIfNull(onRejected);

        var seekable = parquet.CanSeek ? parquet : await CopyToTemporaryFileAsync(parquet, cancellationToken);
        try
        {
            var scan = new RowScan(objectName, ingestTime, options, ReadColumnByColumn, onRecords, onRejected);
            await scan.ReadAsync(seekable, cancellationToken);
            return scan.Summary();
        }
        finally
        {
            if (!ReferenceEquals(seekable, parquet))
            {
                await seekable.DisposeAsync();
            }
        }
    }

    private async Task<Stream> CopyToTemporaryFileAsync(Stream source, CancellationToken cancellationToken)
    {
        var file = new FileStream(
            Path.GetTempFileName(),
            FileMode.Create,
            FileAccess.ReadWrite,
            FileShare.None,
            bufferSize: 64 * 1024,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            await new BoundedReadStream(source, options.MaxParquetBytes).CopyToAsync(file, cancellationToken);
            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>Counters and the pending batch of one object read.</summary>
    private sealed class RowScan(
        string objectName,
        DateTimeOffset ingestTime,
        VpcFlowReaderOptions options,
        bool readColumnByColumn,
        Func<IReadOnlyList<FlowRecord>, ValueTask> onRecords,
        Action<RecordRejection> onRejected)
    {
        private readonly FlowRecordBuilder builder = new();
        private readonly List<FlowRecord> pending = [];
        private long rowIndex;
        private long recordsRead;
        private long recordsRejected;
        private int rowGroups;
        private string? error;

        public async Task ReadAsync(Stream seekable, CancellationToken cancellationToken)
        {
            ParquetReader reader;
            try
            {
                reader = await ParquetReader.CreateAsync(seekable, null, leaveStreamOpen: true, cancellationToken);
            }
            catch (Exception exception) when (IsInvalidParquet(exception))
            {
                error = $"{objectName}: the object is not a readable Parquet file: {exception.Message}";
                return;
            }

            await using (reader)
            {
                var mapped = MapColumns(reader.Schema);
                rowGroups = reader.RowGroupCount;
                for (var index = 0; index < reader.RowGroupCount; index++)
                {
                    await ReadRowGroupAsync(reader.OpenRowGroupReader(index), index, mapped, cancellationToken);
                }
            }

            if (pending.Count > 0)
            {
                await onRecords(pending);
                pending.Clear();
            }
        }

        public VpcFlowParquetSummary Summary() => new(recordsRead, recordsRejected, rowGroups, error);

        /// <summary>Pairs each flat column with its field. A field named by two columns maps only the first.</summary>
        private static List<(DataField Column, FlowField? Field)> MapColumns(ParquetSchema schema)
        {
            var mapped = new List<(DataField, FlowField?)>();
            var mappedFields = new HashSet<FlowField>();
            foreach (var column in schema.DataFields)
            {
                if (column.IsArray || column.Path.Length > 1)
                {
                    // Flow logs are flat, and a nested or repeated column has no single value per row.
                    continue;
                }

                var field = FlowFields.Find(column.Name.Replace('_', '-'));
                if (field is not null && !mappedFields.Add(field))
                {
                    field = null;
                }

                mapped.Add((column, field));
            }

            return mapped;
        }

        private async Task ReadRowGroupAsync(ParquetRowGroupReader rowGroup, int index, List<(DataField Column, FlowField? Field)> mapped, CancellationToken cancellationToken)
        {
            var rows = rowGroup.RowCount;
            if (rows > options.MaxRowGroupRows)
            {
                RejectRowGroup(rows, null, $"row group {index} has {rows} rows, more than the limit of {options.MaxRowGroupRows}; its rows were skipped");
                return;
            }

            var columns = new List<FlowParquetColumn>(mapped.Count);
            try
            {
                foreach (var (column, field) in mapped)
                {
                    try
                    {
                        columns.Add(await FlowParquetColumn.ReadAsync(rowGroup, column, field, (int)rows, cancellationToken));
                    }
                    catch (Exception exception) when (IsInvalidParquet(exception))
                    {
                        RejectRowGroup(rows, field?.Name ?? column.Name, $"row group {index} could not be read: {exception.Message}");
                        return;
                    }
                }

                if (readColumnByColumn && columns.TrueForAll(column => column.CanFillDefaultFormat))
                {
                    await ReadDefaultFormatRowsAsync(columns, (int)rows);
                    return;
                }

                for (var row = 0; row < rows; row++)
                {
                    ReadRow(columns, row);
                    await HandOverFullBatchAsync();
                }
            }
            finally
            {
                // The columns' arrays are pooled, so a large row group does not allocate a new set each time.
                foreach (var column in columns)
                {
                    column.Release();
                }
            }
        }

        /// <summary>
        /// Reads a row group whose columns are all version 2 fields of their usual types: each column is
        /// checked and converted in one pass over its rows, and then each record is built from the
        /// converted columns. A row that a column marked is read by <see cref="ReadRow"/> instead.
        /// </summary>
        private async Task ReadDefaultFormatRowsAsync(List<FlowParquetColumn> columns, int rows)
        {
            using var values = new DefaultFormatRows(rows);
            var cache = Utf8StringCache.ForCurrentThread;
            foreach (var column in columns)
            {
                column.FillDefaultFormat(values, cache);
            }

            for (var row = 0; row < rows; row++)
            {
                if (values.NeedsFieldByField[row])
                {
                    ReadRow(columns, row);
                }
                else
                {
                    rowIndex++;
                    recordsRead++;
                    pending.Add(values.Build(row, ingestTime));
                }

                await HandOverFullBatchAsync();
            }
        }

        /// <summary>Hands over the pending batch once it is full, then empties it for the next one.</summary>
        private async ValueTask HandOverFullBatchAsync()
        {
            if (pending.Count < options.BatchSize)
            {
                return;
            }

            await onRecords(pending);
            pending.Clear();
        }

        private void ReadRow(List<FlowParquetColumn> columns, int row)
        {
            builder.Clear();
            rowIndex++;

            // Taken per row, because the caller awaits between rows and may resume on another thread.
            var cache = Utf8StringCache.ForCurrentThread;
            foreach (var column in columns)
            {
                var reason = column.Apply(builder, cache, row);
                if (reason is not null)
                {
                    recordsRejected++;
                    onRejected(new RecordRejection(objectName, rowIndex - 1, rowIndex, 0, column.Field?.Name ?? column.DataField.Name, reason));
                    return;
                }
            }

            recordsRead++;
            pending.Add(builder.Build(ingestTime));
        }

        private void RejectRowGroup(long rows, string? field, string reason)
        {
            onRejected(new RecordRejection(objectName, rowIndex, rowIndex + 1, 0, field, reason));
            rowIndex += rows;
            recordsRejected += rows;
        }

        /// <summary>
        /// Parquet.Net raises several exception types for malformed input (its own, I/O, format,
        /// argument and range errors), so everything except cancellation and exhaustion counts as invalid data.
        /// </summary>
        private static bool IsInvalidParquet(Exception exception) =>
            exception is not (OperationCanceledException or OutOfMemoryException or DecompressedSizeExceededException);
    }
}
