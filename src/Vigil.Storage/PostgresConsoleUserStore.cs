using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Npgsql;
using Vigil.Contracts.Storage;
using SignInResult = Vigil.Contracts.Storage.SignInResult;

namespace Vigil.Storage;

/// <summary>
/// Keeps console accounts in the <c>console_users</c> table. Passwords are hashed with ASP.NET Core
/// Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2 with a per-user salt). After
/// <see cref="ConsoleUserStoreOptions.MaxFailedAttempts"/> consecutive failures the account is
/// locked for <see cref="ConsoleUserStoreOptions.LockoutDuration"/>. User names are case-insensitive.
/// </summary>
public sealed partial class PostgresConsoleUserStore : IConsoleUserStore
{
    private const string InfoColumns = "user_name, tenant_id, role, disabled, failed_attempts, locked_until, created_at, last_sign_in_at";

    private readonly NpgsqlDataSource dataSource;
    private readonly ConsoleUserStoreOptions options;
    private readonly ILogger<PostgresConsoleUserStore> logger;
    private readonly PasswordHasher<ConsoleUser> hasher = new();

    // Verified against for unknown user names, so that they take as long as a wrong password.
    private readonly Lazy<string> unknownUserHash;

    public PostgresConsoleUserStore(NpgsqlDataSource dataSource, ConsoleUserStoreOptions options, ILogger<PostgresConsoleUserStore> logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxFailedAttempts, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.LockoutDuration, TimeSpan.Zero, nameof(options));
        this.dataSource = dataSource;
        this.options = options;
        this.logger = logger;
        unknownUserHash = new Lazy<string>(() => hasher.HashPassword(new ConsoleUser(string.Empty, string.Empty, string.Empty), Guid.NewGuid().ToString()));
    }

    public async Task<SignInResult> SignInAsync(string userName, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        var name = Normalize(userName);

        var account = await FindAsync(name, cancellationToken);
        if (account is null)
        {
            hasher.VerifyHashedPassword(new ConsoleUser(name, string.Empty, string.Empty), unknownUserHash.Value, password);
            return new SignInResult(SignInStatus.InvalidCredentials, null);
        }

        if (account.LockedUntil is { } lockedUntil && lockedUntil > account.DatabaseNow)
        {
            return new SignInResult(SignInStatus.LockedOut, null, lockedUntil);
        }

        var verification = hasher.VerifyHashedPassword(account.User, account.PasswordHash, password);
        if (verification == PasswordVerificationResult.Failed)
        {
            return await RecordFailureAsync(name, cancellationToken);
        }

        // Checked after the password, so a disabled account looks like any other to someone without it.
        if (account.Disabled)
        {
            return new SignInResult(SignInStatus.Disabled, null);
        }

        var newHash = verification == PasswordVerificationResult.SuccessRehashNeeded ? hasher.HashPassword(account.User, password) : null;
        return await RecordSuccessAsync(account.User, newHash, cancellationToken);
    }

    /// <summary>Creates the user unless the name (compared without case) exists. Returns true when it was created.</summary>
    /// <exception cref="ArgumentException">A value is empty, or <paramref name="role"/> is not one of <see cref="ConsoleRoles"/>.</exception>
    public async Task<bool> CreateIfMissingAsync(string userName, string password, string tenantId, string role, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        ArgumentException.ThrowIfNullOrEmpty(password);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        RequireKnownRole(role);

        var user = new ConsoleUser(Normalize(userName), tenantId, role);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO console_users (user_name, tenant_id, role, password_hash)
            VALUES (@user_name, @tenant_id, @role, @password_hash)
            ON CONFLICT (user_name) DO NOTHING
            """);
        command.Parameters.AddWithValue("user_name", user.UserName);
        command.Parameters.AddWithValue("tenant_id", user.TenantId);
        command.Parameters.AddWithValue("role", user.Role);
        command.Parameters.AddWithValue("password_hash", hasher.HashPassword(user, password));
        var created = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        if (created)
        {
            LogUserCreated(logger, user.UserName, user.TenantId, user.Role);
        }

        return created;
    }

    public async Task<bool> AnyUserAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM console_users)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<ConsoleUserInfo>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        await using var command = dataSource.CreateCommand($"SELECT {InfoColumns} FROM console_users WHERE tenant_id = @tenant_id ORDER BY user_name");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        return await ReadInfosAsync(command, cancellationToken);
    }

    public async Task RecordExternalSignInAsync(string tenantId, string userName, string role, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(userName);
        RequireKnownRole(role);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO external_users (tenant_id, user_name, role, first_sign_in_at, last_sign_in_at, sign_in_count)
            VALUES (@tenant_id, @user_name, @role, @at, @at, 1)
            ON CONFLICT (tenant_id, user_name) DO UPDATE
            SET role = excluded.role,
                last_sign_in_at = GREATEST(external_users.last_sign_in_at, excluded.last_sign_in_at),
                sign_in_count = external_users.sign_in_count + 1
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("user_name", userName);
        command.Parameters.AddWithValue("role", role);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ExternalUserInfo>> ListExternalAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        await using var command = dataSource.CreateCommand("""
            SELECT user_name, tenant_id, role, first_sign_in_at, last_sign_in_at, sign_in_count
            FROM external_users WHERE tenant_id = @tenant_id ORDER BY user_name
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new List<ExternalUserInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(new ExternalUserInfo(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetInt64(5)));
        }

        return users;
    }

    public async Task<ConsoleUserInfo?> GetAsync(string tenantId, string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(userName);
        await using var command = dataSource.CreateCommand($"SELECT {InfoColumns} FROM console_users WHERE tenant_id = @tenant_id AND user_name = @user_name");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("user_name", Normalize(userName));
        return (await ReadInfosAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <exception cref="ArgumentException"><paramref name="role"/> is not one of <see cref="ConsoleRoles"/>.</exception>
    public Task<ConsoleUserInfo?> SetRoleAsync(string tenantId, string userName, string role, CancellationToken cancellationToken)
    {
        RequireKnownRole(role);
        return UpdateAsync(tenantId, userName, "role = @value", role, cancellationToken);
    }

    public Task<ConsoleUserInfo?> SetDisabledAsync(string tenantId, string userName, bool disabled, CancellationToken cancellationToken) =>
        UpdateAsync(tenantId, userName, "disabled = @value", disabled, cancellationToken);

    public Task<ConsoleUserInfo?> ResetPasswordAsync(string tenantId, string userName, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentException.ThrowIfNullOrEmpty(password);
        var hash = hasher.HashPassword(new ConsoleUser(Normalize(userName), tenantId, string.Empty), password);
        return UpdateAsync(tenantId, userName, "password_hash = @value, failed_attempts = 0, locked_until = NULL", hash, cancellationToken);
    }

    public Task<ConsoleUserInfo?> UnlockAsync(string tenantId, string userName, CancellationToken cancellationToken) =>
        UpdateAsync(tenantId, userName, "failed_attempts = 0, locked_until = NULL", null, cancellationToken);

    private static string Normalize(string userName) => userName.ToLowerInvariant();

    private static void RequireKnownRole(string role)
    {
        if (!ConsoleRoles.IsKnown(role))
        {
            throw new ArgumentException($"Role '{role}' is invalid; use one of {string.Join(", ", ConsoleRoles.All)}.", nameof(role));
        }
    }

    /// <summary>Runs one UPDATE of the tenant's user. <paramref name="assignments"/> is fixed SQL text that may use the parameter @value.</summary>
    private async Task<ConsoleUserInfo?> UpdateAsync(string tenantId, string userName, string assignments, object? value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(userName);
        await using var command = dataSource.CreateCommand($"""
            UPDATE console_users SET {assignments}
            WHERE tenant_id = @tenant_id AND user_name = @user_name
            RETURNING {InfoColumns}
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("user_name", Normalize(userName));
        if (value is not null)
        {
            command.Parameters.AddWithValue("value", value);
        }

        return (await ReadInfosAsync(command, cancellationToken)).SingleOrDefault();
    }

    private static async Task<IReadOnlyList<ConsoleUserInfo>> ReadInfosAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var users = new List<ConsoleUserInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(new ConsoleUserInfo(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetBoolean(3),
                reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return users;
    }

    private async Task<Account?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT tenant_id, role, password_hash, locked_until, now(), disabled
            FROM console_users
            WHERE user_name = @user_name
            """);
        command.Parameters.AddWithValue("user_name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new Account(
            new ConsoleUser(name, reader.GetString(0), reader.GetString(1)),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
            reader.GetFieldValue<DateTimeOffset>(4),
            reader.GetBoolean(5));
    }

    /// <summary>
    /// Counts a failed attempt in one UPDATE, so concurrent failures are all counted. The attempt
    /// that reaches the limit locks the account and resets the counter for the next period.
    /// </summary>
    private async Task<SignInResult> RecordFailureAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE console_users SET
                failed_attempts = CASE WHEN failed_attempts + 1 >= @max_failed_attempts THEN 0 ELSE failed_attempts + 1 END,
                locked_until = CASE WHEN failed_attempts + 1 >= @max_failed_attempts THEN now() + @lockout_duration ELSE locked_until END
            WHERE user_name = @user_name
              AND (locked_until IS NULL OR locked_until <= now())
            RETURNING locked_until, locked_until > now()
            """);
        command.Parameters.AddWithValue("user_name", name);
        command.Parameters.AddWithValue("max_failed_attempts", options.MaxFailedAttempts);
        command.Parameters.AddWithValue("lockout_duration", options.LockoutDuration);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            // Another request locked the account (or deleted it) after this one read it.
            return new SignInResult(SignInStatus.LockedOut, null);
        }

        if (!reader.IsDBNull(1) && reader.GetBoolean(1))
        {
            var lockedUntil = reader.GetFieldValue<DateTimeOffset>(0);
            LogUserLockedOut(logger, name, options.MaxFailedAttempts, lockedUntil);
            return new SignInResult(SignInStatus.LockedOut, null, lockedUntil);
        }

        return new SignInResult(SignInStatus.InvalidCredentials, null);
    }

    /// <summary>Resets the failure counter, unless another request locked the account meanwhile.</summary>
    private async Task<SignInResult> RecordSuccessAsync(ConsoleUser user, string? newHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE console_users SET
                failed_attempts = 0,
                locked_until = NULL,
                last_sign_in_at = now(),
                password_hash = coalesce(@new_hash, password_hash)
            WHERE user_name = @user_name
              AND (locked_until IS NULL OR locked_until <= now())
            """);
        command.Parameters.AddWithValue("user_name", user.UserName);
        command.Parameters.Add(new NpgsqlParameter<string?>("new_hash", newHash));
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return new SignInResult(SignInStatus.LockedOut, null);
        }

        return new SignInResult(SignInStatus.Succeeded, user);
    }

    private sealed record Account(ConsoleUser User, string PasswordHash, DateTimeOffset? LockedUntil, DateTimeOffset DatabaseNow, bool Disabled);
}
