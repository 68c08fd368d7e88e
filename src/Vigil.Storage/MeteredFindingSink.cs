using Npgsql;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>
/// The <see cref="IFindingSink"/> of the PostgreSQL store that also counts each finding written as
/// raised (stored for the first time) or updated (<see cref="FindingInstruments"/>). Before the write
/// it reads which of the findings are stored already, and whether the write key was used, in which
/// case the write changes nothing and nothing is counted.
/// </summary>
/// <remarks>
/// NOTE: the lookup and the write are two statements, so when two writers store the same new finding
/// at the same moment, both count it as raised. Findings are keyed by principal or resource and each
/// grain writes its own, so this needs two grains raising one aggregation key together.
/// </remarks>
public sealed class MeteredFindingSink(PostgresFindingStore store, NpgsqlDataSource dataSource) : IFindingSink
{
    private const string LookupSql = """
        SELECT
            @write_key IS NOT NULL AND EXISTS (SELECT 1 FROM finding_writes WHERE tenant_id = @tenant_id AND write_key = @write_key),
            ARRAY(SELECT id FROM findings WHERE tenant_id = @tenant_id AND id = ANY(@ids))
        """;

    public async Task WriteAsync(string tenantId, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken)
    {
        var stored = await LookUpAsync(tenantId, null, occurrences, cancellationToken);
        await store.WriteAsync(tenantId, occurrences, cancellationToken);
        Record(occurrences, stored);
    }

    public async Task WriteOnceAsync(string tenantId, string writeKey, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken)
    {
        var stored = await LookUpAsync(tenantId, writeKey, occurrences, cancellationToken);
        await store.WriteOnceAsync(tenantId, writeKey, occurrences, cancellationToken);
        Record(occurrences, stored);
    }

    /// <summary>Returns the ids among the occurrences that the tenant has stored, or null when the write key was used before.</summary>
    private async Task<HashSet<string>?> LookUpAsync(string tenantId, string? writeKey, IReadOnlyList<Finding> occurrences, CancellationToken cancellationToken)
    {
        if (occurrences.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(LookupSql);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.Add(new NpgsqlParameter<string?>("write_key", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = writeKey });
        command.Parameters.AddWithValue("ids", occurrences.Select(finding => finding.Id).Distinct(StringComparer.Ordinal).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetBoolean(0) ? null : [.. reader.GetFieldValue<string[]>(1)];
    }

    private static void Record(IReadOnlyList<Finding> occurrences, HashSet<string>? stored)
    {
        if (stored is null)
        {
            return;
        }

        var counted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var finding in occurrences)
        {
            if (!counted.Add(finding.Id))
            {
                continue;
            }

            if (stored.Contains(finding.Id))
            {
                FindingInstruments.RecordUpdated(finding.Type);
            }
            else
            {
                FindingInstruments.RecordRaised(finding.Type);
            }
        }
    }
}
