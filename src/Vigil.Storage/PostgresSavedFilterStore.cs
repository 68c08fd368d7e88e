using System.Text.Json;
using Npgsql;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>Each console user's saved findings filters in <c>saved_filters</c>, as JSON.</summary>
public sealed class PostgresSavedFilterStore(NpgsqlDataSource dataSource, TimeProvider timeProvider) : ISavedFilterStore
{
    public async Task<IReadOnlyList<SavedFilter>> ListAsync(string tenantId, string userName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(userName);

        await using var command = dataSource.CreateCommand(
            "SELECT name, definition::text FROM saved_filters WHERE tenant_id = @tenant_id AND user_name = @user_name ORDER BY name");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("user_name", userName);
        var filters = new List<SavedFilter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // A definition that no longer parses (written by a later version) is skipped, not fatal.
            var definition = Parse(reader.GetString(1));
            if (definition is not null)
            {
                filters.Add(definition with { Name = reader.GetString(0) });
            }
        }

        return filters;
    }

    public async Task SaveAsync(string tenantId, string userName, SavedFilter filter, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentNullException.ThrowIfNull(filter);
        var name = filter.Name?.Trim() ?? string.Empty;
        if (name.Length is 0 or > ISavedFilterStore.MaxNameLength)
        {
            throw new ArgumentException($"Give the filter a name of 1 to {ISavedFilterStore.MaxNameLength} characters.", nameof(filter));
        }

        FindingCriteriaValidator.ValidateOrThrow(filter.Criteria);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO saved_filters (tenant_id, user_name, name, definition, updated_at)
            SELECT @tenant_id, @user_name, @name, @definition::jsonb, @now
            WHERE (SELECT count(*) FROM saved_filters WHERE tenant_id = @tenant_id AND user_name = @user_name AND name <> @name) < @max
            ON CONFLICT (tenant_id, user_name, name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("user_name", userName);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("definition", JsonSerializer.Serialize(filter with { Name = name }, FindingCriteriaJson.Options));
        command.Parameters.AddWithValue("now", timeProvider.GetUtcNow().UtcDateTime);
        command.Parameters.AddWithValue("max", (long)ISavedFilterStore.MaxFiltersPerUser);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ArgumentException($"You already have {ISavedFilterStore.MaxFiltersPerUser} saved filters; delete one first.", nameof(filter));
        }
    }

    public async Task<bool> DeleteAsync(string tenantId, string userName, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentNullException.ThrowIfNull(name);

        await using var command = dataSource.CreateCommand(
            "DELETE FROM saved_filters WHERE tenant_id = @tenant_id AND user_name = @user_name AND name = @name");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("user_name", userName);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static SavedFilter? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<SavedFilter>(json, FindingCriteriaJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
