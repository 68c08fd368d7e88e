using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Vigil.Ingestion.VpcFlow;

/// <summary>
/// The values of one Parquet column in one row group, whatever the column's physical type. Integer
/// columns of any width and sign are read as numbers, and text, floating-point and decimal columns as
/// text. The values of other types, such as BOOLEAN, are skipped.
/// </summary>
internal abstract class FlowParquetColumn(DataField dataField, FlowField? field)
{
    public DataField DataField { get; } = dataField;

    /// <summary>The mapped field, or null for a column kept as an extra field under its own name.</summary>
    public FlowField? Field { get; } = field;

    /// <summary>Reads the column of one row group with the reader that fits its CLR type.</summary>
    public static async Task<FlowParquetColumn> ReadAsync(ParquetRowGroupReader rowGroup, DataField dataField, FlowField? field, int rows, CancellationToken cancellationToken)
    {
        var type = dataField.ClrType;
        if (type == typeof(ReadOnlyMemory<char>))
        {
            // Parquet.Net's own form of a text column: slices of its decoded text, without a string per value.
            var slices = ArrayPool<ReadOnlyMemory<char>?>.Shared.Rent(rows);
            slices.AsSpan(0, rows).Clear();
            await rowGroup.ReadAsync<ReadOnlyMemory<char>>(dataField, slices.AsMemory(0, rows), null, cancellationToken);
            return new TextSliceColumn(dataField, field, slices);
        }

        if (type == typeof(string))
        {
            var values = new string?[rows];
            await rowGroup.ReadAsync(dataField, values.AsMemory(), null, cancellationToken);
            return new TextColumn(dataField, field, values);
        }

        if (type == typeof(int))
        {
            return await ValueColumn<int>.ReadValuesAsync(rowGroup, dataField, field, rows, cancellationToken);
        }

        if (type == typeof(long))
        {
            return await ValueColumn<long>.ReadValuesAsync(rowGroup, dataField, field, rows, cancellationToken);
        }

        if (type == typeof(short))
        {
            return await ValueColumn<short>.ReadValuesAsync(rowGroup, dataField, field, rows, cancellationToken);
        }

        if (type == typeof(sbyte))
        {
            return await ValueColumn<sbyte>.ReadValuesAsync(rowGroup, dataField, field, rows, cancellationToken);
        }

        if (type == typeof(byte))
        {
            return await ValueColumn<byte>.ReadValuesAsync(rowGroup, dataField, field, rows, cancellationToken);
        }

        if (type == typeof(ushort))
        {
            return await ValueColumn<ushort>.ReadValuesAsync(rowGroup, dataField, field, rows, cancellationToken);
        }

        if (type == typeof(uint))
        {
            return await ValueColumn<uint>.ReadValuesAsync(rowGroup, dataField, field, rows, cancellationToken);
        }

        if (type == typeof(ulong))
        {
            return await ValueColumn<ulong>.ReadValuesAsync(rowGroup, dataField, field, rows, cancellationToken);
        }

        // Other value types are kept as text: an extra column keeps them, and a numeric field rejects them.
        if (type == typeof(double))
        {
            return await ValueColumn<double>.ReadValuesAsync(rowGroup, dataField, field, rows, cancellationToken);
        }

        if (type == typeof(float))
        {
            return await ValueColumn<float>.ReadValuesAsync(rowGroup, dataField, field, rows, cancellationToken);
        }

        if (type == typeof(decimal))
        {
            return await ValueColumn<decimal>.ReadValuesAsync(rowGroup, dataField, field, rows, cancellationToken);
        }

        return new UnsupportedColumn(dataField, field);
    }

    /// <summary>
    /// Stores the value of one row in the builder, with text from <paramref name="cache"/>, and
    /// returns why it is invalid or null when it is valid.
    /// </summary>
    public abstract string? Apply(FlowRecordBuilder builder, Utf8StringCache cache, int row);

    /// <summary>
    /// True when <see cref="FillDefaultFormat"/> can read the column: it maps a version 2 field and has
    /// the usual type for it, text for a text or address field and integers for a numeric field.
    /// </summary>
    public virtual bool CanFillDefaultFormat => false;

    /// <summary>
    /// Stores the value of every row in <paramref name="rows"/>, or marks the row for the field-by-field
    /// path when the value is not in the usual form. Text values come from <paramref name="cache"/>.
    /// </summary>
    public virtual void FillDefaultFormat(DefaultFormatRows rows, Utf8StringCache cache) =>
        throw new InvalidOperationException($"The column '{DataField.Name}' cannot be read column by column; check {nameof(CanFillDefaultFormat)} first.");

    /// <summary>Returns true when <paramref name="field"/> is one of the 14 fields of the version 2 format.</summary>
    private protected static bool IsDefaultFormat(FlowField? field) =>
        field is not null && (FlowFields.DefaultFormatSlots & (1UL << field.Slot)) != 0;

    /// <summary>Returns the column's pooled array, if it has one; the column is not used after this.</summary>
    public virtual void Release()
    {
    }

    private sealed class TextColumn(DataField dataField, FlowField? field, string?[] values) : FlowParquetColumn(dataField, field)
    {
        public override string? Apply(FlowRecordBuilder builder, Utf8StringCache cache, int row)
        {
            var value = values[row];
            if (Field is null)
            {
                if (value is not null)
                {
                    builder.AddExtraField(DataField.Name, value);
                }

                return null;
            }

            return value is null ? null : builder.SetText(Field, value);
        }
    }

    /// <summary>A text column read as slices; a value becomes a string from the thread's cache, and only when it is kept.</summary>
    private sealed class TextSliceColumn(DataField dataField, FlowField? field, ReadOnlyMemory<char>?[] values) : FlowParquetColumn(dataField, field)
    {
        public override string? Apply(FlowRecordBuilder builder, Utf8StringCache cache, int row)
        {
            if (values[row] is not { } value)
            {
                return null;
            }

            if (Field is null)
            {
                builder.AddExtraField(DataField.Name, cache.Get(value.Span));
                return null;
            }

            return builder.SetChars(Field, value.Span, cache);
        }

        public override bool CanFillDefaultFormat =>
            IsDefaultFormat(Field) && Field!.Kind is FlowFieldKind.Text or FlowFieldKind.Address;

        /// <summary>
        /// Reads text and IPv4 addresses in their one canonical spelling, as <see cref="FlowRecordBuilder.SetChars"/>
        /// does. A row that repeats the text of the row before gets the same string without a cache lookup.
        /// Any other address (IPv6, leading zeros, invalid) marks the row.
        /// </summary>
        public override void FillDefaultFormat(DefaultFormatRows rows, Utf8StringCache cache)
        {
            var field = Field!;
            var bit = 1UL << field.Slot;
            var isAddress = field.Kind == FlowFieldKind.Address;
            var texts = rows.TextsOf(field);
            var filled = rows.Filled;
            var marked = rows.NeedsFieldByField;
            string? previous = null;
            var previousText = ReadOnlySpan<char>.Empty;
            for (var row = 0; row < rows.Rows; row++)
            {
                if (marked[row] || values[row] is not { } value)
                {
                    continue;
                }

                var text = value.Span;
                if (text is "-")
                {
                    continue;
                }

                string stored;
                if (previous is not null && text.SequenceEqual(previousText))
                {
                    stored = previous;
                }
                else if (!isAddress)
                {
                    stored = FlowRecordBuilder.KnownText(text) ?? cache.Get(text);
                }
                else if (FlowRecordBuilder.TryParseCanonicalIpv4(text, out var address))
                {
                    stored = cache.GetIpv4(address, text);
                }
                else
                {
                    marked[row] = true;
                    continue;
                }

                texts[row] = stored;
                filled[row] |= bit;
                previous = stored;
                previousText = text;
            }
        }

        // Cleared, so the pool does not keep the row group's text alive.
        public override void Release() => ArrayPool<ReadOnlyMemory<char>?>.Shared.Return(values, clearArray: true);
    }

    /// <summary>A column of numbers. Integers are stored as numbers, and values of other types are handled as text.</summary>
    private sealed class ValueColumn<T>(DataField dataField, FlowField? field, T?[] values) : FlowParquetColumn(dataField, field)
        where T : struct, IFormattable
    {
        public static async Task<FlowParquetColumn> ReadValuesAsync(ParquetRowGroupReader rowGroup, DataField dataField, FlowField? field, int rows, CancellationToken cancellationToken)
        {
            var values = ArrayPool<T?>.Shared.Rent(rows);
            values.AsSpan(0, rows).Clear();
            await rowGroup.ReadAsync<T>(dataField, values.AsMemory(0, rows), null, cancellationToken);
            return new ValueColumn<T>(dataField, field, values);
        }

        public override string? Apply(FlowRecordBuilder builder, Utf8StringCache cache, int row)
        {
            if (values[row] is not T value)
            {
                return null;
            }

            if (Field is null)
            {
                builder.AddExtraField(DataField.Name, value.ToString(null, CultureInfo.InvariantCulture));
                return null;
            }

            // The text of the value is made only when it is kept as text or named in a rejection.
            return ToInt64(value) is long number ? builder.SetInteger(Field, number) : builder.SetText(Field, value.ToString(null, CultureInfo.InvariantCulture));
        }

        public override bool CanFillDefaultFormat =>
            IsDefaultFormat(Field) && Field!.Kind is not (FlowFieldKind.Text or FlowFieldKind.Address) && IsInteger;

        /// <summary>Stores integers from 0 to the field's maximum, as <see cref="FlowRecordBuilder.SetInteger"/> does, and marks the rows of any other value.</summary>
        public override void FillDefaultFormat(DefaultFormatRows rows, Utf8StringCache cache)
        {
            var field = Field!;
            var bit = 1UL << field.Slot;
            var maximum = field.Maximum;
            var numbers = rows.NumbersOf(field);
            var filled = rows.Filled;
            var marked = rows.NeedsFieldByField;
            for (var row = 0; row < rows.Rows; row++)
            {
                if (values[row] is not T value)
                {
                    continue;
                }

                if (ToInt64(value) is not long number || number < 0 || number > maximum)
                {
                    marked[row] = true;
                    continue;
                }

                numbers[row] = number;
                filled[row] |= bit;
            }
        }

        private static bool IsInteger =>
            typeof(T) == typeof(int) || typeof(T) == typeof(long) || typeof(T) == typeof(short) || typeof(T) == typeof(sbyte)
            || typeof(T) == typeof(byte) || typeof(T) == typeof(ushort) || typeof(T) == typeof(uint) || typeof(T) == typeof(ulong);

        /// <summary>
        /// Returns an integer value as a long, or null for a value to handle as text: a floating-point or
        /// decimal value, or an unsigned value above <see cref="long.MaxValue"/>, which the field check
        /// then rejects with its digits. The JIT compiles only the branch of <typeparamref name="T"/>.
        /// </summary>
        private static long? ToInt64(T value)
        {
            if (typeof(T) == typeof(int))
            {
                return Unsafe.As<T, int>(ref value);
            }

            if (typeof(T) == typeof(long))
            {
                return Unsafe.As<T, long>(ref value);
            }

            if (typeof(T) == typeof(short))
            {
                return Unsafe.As<T, short>(ref value);
            }

            if (typeof(T) == typeof(sbyte))
            {
                return Unsafe.As<T, sbyte>(ref value);
            }

            if (typeof(T) == typeof(byte))
            {
                return Unsafe.As<T, byte>(ref value);
            }

            if (typeof(T) == typeof(ushort))
            {
                return Unsafe.As<T, ushort>(ref value);
            }

            if (typeof(T) == typeof(uint))
            {
                return Unsafe.As<T, uint>(ref value);
            }

            if (typeof(T) == typeof(ulong))
            {
                var unsigned = Unsafe.As<T, ulong>(ref value);
                return unsigned <= long.MaxValue ? (long)unsigned : null;
            }

            return null;
        }

        public override void Release() => ArrayPool<T?>.Shared.Return(values);
    }

    /// <summary>A column of a type such as BOOLEAN or a timestamp. Its values are not read, so an unmapped one is skipped.</summary>
    private sealed class UnsupportedColumn(DataField dataField, FlowField? field) : FlowParquetColumn(dataField, field)
    {
        public override string? Apply(FlowRecordBuilder builder, Utf8StringCache cache, int row) =>
            Field is null ? null : $"the column has the type {DataField.ClrType.Name}, which no flow log field uses";
    }
}
