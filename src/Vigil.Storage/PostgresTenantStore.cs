using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Vigil.Contracts.Storage;

namespace Vigil.Storage;

/// <summary>Keeps tenants in the <c>tenants</c> table and their registered AWS accounts in <c>tenant_accounts</c>.</summary>
public sealed class PostgresTenantStore : ITenantStore
{
    private readonly NpgsqlDataSource dataSource;

    public PostgresTenantStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, display_name, settings::text, created_at FROM tenants ORDER BY id");
        return await ReadTenantsAsync(command, cancellationToken);
    }

    public async Task<Tenant?> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        await using var command = dataSource.CreateCommand("SELECT id, display_name, settings::text, created_at FROM tenants WHERE id = @id");
        command.Parameters.AddWithValue("id", tenantId);
        return (await ReadTenantsAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <exception cref="ArgumentException">The id, display name or settings break the limits of <see cref="Tenant"/>.</exception>
    public async Task<bool> CreateAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (!TenantIds.IsValid(tenant.Id))
        {
            throw new ArgumentException($"Tenant id '{tenant.Id}' is invalid; use 1 to 64 lower-case letters, digits or '-'.", nameof(tenant));
        }

        CheckFields(tenant.DisplayName, tenant.Settings);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO tenants (id, display_name, settings, created_at)
            VALUES (@id, @display_name, @settings, @created_at)
            ON CONFLICT (id) DO NOTHING
            """);
        command.Parameters.AddWithValue("id", tenant.Id);
        command.Parameters.AddWithValue("display_name", tenant.DisplayName);
        command.Parameters.Add(new NpgsqlParameter("settings", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(tenant.Settings) });
        command.Parameters.AddWithValue("created_at", tenant.CreatedAt.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> UpdateAsync(string tenantId, string displayName, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        CheckFields(displayName, settings);
        await using var command = dataSource.CreateCommand("UPDATE tenants SET display_name = @display_name, settings = @settings WHERE id = @id");
        command.Parameters.AddWithValue("id", tenantId);
        command.Parameters.AddWithValue("display_name", displayName);
        command.Parameters.Add(new NpgsqlParameter("settings", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(settings) });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<TenantAccount>> ListAccountsAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        await using var command = dataSource.CreateCommand("""
            SELECT tenant_id, account_id, name, created_at, created_by
            FROM tenant_accounts WHERE tenant_id = @tenant_id ORDER BY account_id
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        return await ReadAccountsAsync(command, cancellationToken);
    }

    /// <exception cref="ArgumentException">The account id is not 12 digits, or the name is empty or too long.</exception>
    public async Task<bool> AddAccountAsync(TenantAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (!TenantIds.IsAccountId(account.AccountId))
        {
            throw new ArgumentException($"'{account.AccountId}' is not an AWS account id; use 12 digits.", nameof(account));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(account.Name, nameof(account));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(account.Name.Length, TenantAccount.MaxNameLength, nameof(account));

        // The tenant row must exist; the foreign key rejects an account of an unknown tenant.
        await using var command = dataSource.CreateCommand("""
            INSERT INTO tenant_accounts (tenant_id, account_id, name, created_at, created_by)
            VALUES (@tenant_id, @account_id, @name, @created_at, @created_by)
            ON CONFLICT (tenant_id, account_id) DO NOTHING
            """);
        command.Parameters.AddWithValue("tenant_id", account.TenantId);
        command.Parameters.AddWithValue("account_id", account.AccountId);
        command.Parameters.AddWithValue("name", account.Name);
        command.Parameters.AddWithValue("created_at", account.CreatedAt.ToUniversalTime());
        command.Parameters.AddWithValue("created_by", account.CreatedBy);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<TenantAccount?> RemoveAccountAsync(string tenantId, string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(accountId);
        await using var command = dataSource.CreateCommand("""
            DELETE FROM tenant_accounts WHERE tenant_id = @tenant_id AND account_id = @account_id
            RETURNING tenant_id, account_id, name, created_at, created_by
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("account_id", accountId);
        return (await ReadAccountsAsync(command, cancellationToken)).SingleOrDefault();
    }

    private static void CheckFields(string displayName, IReadOnlyDictionary<string, string> settings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        ArgumentNullException.ThrowIfNull(settings);
        if (displayName.Length > Tenant.MaxDisplayNameLength)
        {
            throw new ArgumentException($"The display name is {displayName.Length} characters long; at most {Tenant.MaxDisplayNameLength} are stored.", nameof(displayName));
        }

        if (settings.Count > Tenant.MaxSettings)
        {
            throw new ArgumentException($"The tenant has {settings.Count} settings; at most {Tenant.MaxSettings} are stored.", nameof(settings));
        }

        foreach (var (name, value) in settings)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > Tenant.MaxSettingNameLength || value is null || value.Length > Tenant.MaxSettingValueLength)
            {
                throw new ArgumentException($"The setting '{name}' is invalid; names have 1 to {Tenant.MaxSettingNameLength} characters and values at most {Tenant.MaxSettingValueLength}.", nameof(settings));
            }
        }
    }

    private static async Task<IReadOnlyList<Tenant>> ReadTenantsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var tenants = new List<Tenant>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var settings = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(2)) ?? [];
            tenants.Add(new Tenant(reader.GetString(0), reader.GetString(1), settings, reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return tenants;
    }

    private static async Task<IReadOnlyList<TenantAccount>> ReadAccountsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var accounts = new List<TenantAccount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            accounts.Add(new TenantAccount(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4)));
        }

        return accounts;
    }
}
