using System.Globalization;
using Npgsql;

namespace Vigil.Faults.Tests.Infrastructure;

/// <summary>What a run left in the database: its findings and its processed objects, as sorted text lines.</summary>
public sealed record RunOutcome(IReadOnlyList<string> Findings, IReadOnlyList<string> Objects, long OccurrenceTotal)
{
    /// <summary>
    /// Reads one line per finding (id, type, count, first and last event time) and one per ledger row
    /// (key, fingerprint, kind, records read and rejected, error). Duplicates dropped and the
    /// timings are left out, because a re-read after a fault drops chunks a grain already applied.
    /// </summary>
    public static async Task<RunOutcome> ReadAsync(string connectionString, string tenantId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        var findings = new List<string>();
        long total = 0;
        await using (var command = new NpgsqlCommand(
            "SELECT id, type, count, event_first_seen, event_last_seen FROM findings WHERE tenant_id = $1 ORDER BY id", connection))
        {
            command.Parameters.AddWithValue(tenantId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                total += reader.GetInt64(2);
                findings.Add(string.Join(' ', reader.GetString(0), reader.GetString(1), reader.GetInt64(2).ToString(CultureInfo.InvariantCulture),
                    reader.GetDateTime(3).ToString("O", CultureInfo.InvariantCulture), reader.GetDateTime(4).ToString("O", CultureInfo.InvariantCulture)));
            }
        }

        var objects = new List<string>();
        await using (var command = new NpgsqlCommand(
            "SELECT object_key, fingerprint, kind, records_read, records_rejected, coalesce(error, '-') FROM ingested_objects WHERE tenant_id = $1 ORDER BY object_key", connection))
        {
            command.Parameters.AddWithValue(tenantId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                objects.Add(string.Join(' ', reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    reader.GetInt64(3).ToString(CultureInfo.InvariantCulture), reader.GetInt64(4).ToString(CultureInfo.InvariantCulture), reader.GetString(5)));
            }
        }

        return new RunOutcome(findings, objects, total);
    }

    /// <summary>Asserts that <paramref name="actual"/> has the same findings and objects, line by line.</summary>
    public void AssertSameAs(RunOutcome actual, string context)
    {
        Assert.True(Findings.Count > 0, "the baseline run raised no finding, so the comparison proves nothing");
        AssertSameLines("finding", Findings, actual.Findings, context);
        AssertSameLines("ledger row", Objects, actual.Objects, context);
        Assert.Equal(OccurrenceTotal, actual.OccurrenceTotal);
    }

    private static void AssertSameLines(string subject, IReadOnlyList<string> expected, IReadOnlyList<string> actual, string context)
    {
        var missing = expected.Except(actual, StringComparer.Ordinal).Take(10).ToList();
        var extra = actual.Except(expected, StringComparer.Ordinal).Take(10).ToList();
        Assert.True(
            missing.Count == 0 && extra.Count == 0 && expected.Count == actual.Count,
            $"{subject}s differ from the run without the fault ({expected.Count} expected, {actual.Count} found).\n" +
            $"missing:\n  {string.Join("\n  ", missing)}\nunexpected:\n  {string.Join("\n  ", extra)}\n{context}");
    }
}
