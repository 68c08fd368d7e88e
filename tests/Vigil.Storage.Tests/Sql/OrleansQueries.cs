using System.Data;
using Npgsql;

namespace Vigil.Storage.Tests.Sql;

/// <summary>
/// Runs the query texts of the <c>orleansquery</c> table the way the Orleans ADO.NET providers do:
/// the text verbatim, parameters by name without a prefix, each with the DbType the provider sets.
/// </summary>
internal sealed class OrleansQueries(NpgsqlDataSource dataSource)
{
    public static NpgsqlParameter Text(string name, string? value) =>
        new(name, DbType.String) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Int(string name, int? value) =>
        new(name, DbType.Int32) { Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Long(string name, long value) => new(name, DbType.Int64) { Value = value };

    public static NpgsqlParameter Time(string name, DateTime utc) => new(name, DbType.DateTime) { Value = utc };

    public static NpgsqlParameter Bytes(string name, byte[]? value) =>
        new(name, DbType.Binary) { Value = (object?)value ?? DBNull.Value };

    /// <summary>Runs the query stored under <paramref name="queryKey"/> and returns its rows, column names in lower case.</summary>
    public async Task<List<Dictionary<string, object?>>> ReadAsync(string queryKey, params NpgsqlParameter[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(await TextAsync(connection, queryKey), connection);
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync();
        return await ReadRowsAsync(reader);
    }

    /// <summary>Runs the query and returns the first column of its only row, as the providers read a flag or version.</summary>
    public async Task<object?> ScalarAsync(string queryKey, params NpgsqlParameter[] parameters)
    {
        var rows = await ReadAsync(queryKey, parameters);
        var row = Assert.Single(rows);
        return row.Values.First();
    }

    /// <summary>Starts the query on <paramref name="connection"/> inside its open transaction, for tests of concurrent writers.</summary>
    public static async Task<List<Dictionary<string, object?>>> ReadAsync(
        NpgsqlConnection connection, string queryKey, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(await TextAsync(connection, queryKey), connection);
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync();
        return await ReadRowsAsync(reader);
    }

    private static async Task<string> TextAsync(NpgsqlConnection connection, string queryKey)
    {
        await using var command = new NpgsqlCommand("SELECT querytext FROM orleansquery WHERE querykey = @key", connection);
        command.Parameters.AddWithValue("key", queryKey);
        return (string?)await command.ExecuteScalarAsync()
            ?? throw new InvalidOperationException($"Query key {queryKey} is missing from orleansquery.");
    }

    private static async Task<List<Dictionary<string, object?>>> ReadRowsAsync(NpgsqlDataReader reader)
    {
        var rows = new List<Dictionary<string, object?>>();
        do
        {
            while (await reader.ReadAsync())
            {
                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }
        }
        while (await reader.NextResultAsync());

        return rows;
    }
}
