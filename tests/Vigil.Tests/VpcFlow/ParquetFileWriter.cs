using Parquet;
using Parquet.Schema;

namespace Vigil.Tests.VpcFlow;

/// <summary>One column of a Parquet file that a test writes: its name, physical type and values per row.</summary>
internal abstract record TestColumn(string Name)
{
    public abstract DataField Field { get; }

    public abstract Task WriteAsync(ParquetRowGroupWriter rowGroup, Range rows);
}

/// <summary>A nullable INT32 column.</summary>
internal sealed record Int32Column(string Name, params int?[] Values) : TestColumn(Name)
{
    public override DataField Field { get; } = new DataField<int?>(Name);

    public override Task WriteAsync(ParquetRowGroupWriter rowGroup, Range rows) =>
        rowGroup.WriteAsync<int>(Field, Values.AsMemory(rows), null, null, CancellationToken.None);
}

/// <summary>A nullable INT64 column.</summary>
internal sealed record Int64Column(string Name, params long?[] Values) : TestColumn(Name)
{
    public override DataField Field { get; } = new DataField<long?>(Name);

    public override Task WriteAsync(ParquetRowGroupWriter rowGroup, Range rows) =>
        rowGroup.WriteAsync<long>(Field, Values.AsMemory(rows), null, null, CancellationToken.None);
}

/// <summary>A nullable UTF-8 string column.</summary>
internal sealed record TextColumn(string Name, params string?[] Values) : TestColumn(Name)
{
    public override DataField Field { get; } = new DataField<string>(Name, nullable: true);

    public override Task WriteAsync(ParquetRowGroupWriter rowGroup, Range rows) =>
        rowGroup.WriteAsync(Field, Values[rows], null);
}

/// <summary>Writes Parquet files with Parquet.Net for the reader tests.</summary>
internal static class ParquetFileWriter
{
    /// <summary>Writes the columns in row groups of the given sizes, or one row group for every row.</summary>
    public static async Task<MemoryStream> WriteAsync(IReadOnlyList<TestColumn> columns, params int[] rowGroupSizes)
    {
        var schema = new ParquetSchema(columns.Select(column => (Field)column.Field));
        var output = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, output, null, false, CancellationToken.None))
        {
            var start = 0;
            foreach (var size in rowGroupSizes)
            {
                using var rowGroup = writer.CreateRowGroup();
                foreach (var column in columns)
                {
                    await column.WriteAsync(rowGroup, start..(start + size));
                }

                start += size;
            }
        }

        output.Position = 0;
        return output;
    }
}
