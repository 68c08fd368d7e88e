using Microsoft.AspNetCore.Authentication;
using Npgsql;
using Vigil.Console.Security;

namespace Vigil.Host.Security;

/// <summary>
/// Keeps console sign-in sessions in the <c>console_sessions</c> table, shared by every silo. The
/// cookie carries only the session id; the ticket, with the user's claims and a platform operator's
/// selected tenant, stays in the database. Expired rows are deleted when they are read and by
/// <see cref="RemoveExpiredAsync"/>.
/// </summary>
public sealed class PostgresConsoleSessionStore(NpgsqlDataSource dataSource, TimeProvider timeProvider) : IConsoleSessionStore
{
    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await RenewAsync(key, ticket);
        return key;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(ticket);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO console_sessions (id, user_name, ticket, expires_at)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (id) DO UPDATE SET user_name = excluded.user_name, ticket = excluded.ticket, expires_at = excluded.expires_at
            """);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue((ticket.Principal.Identity?.Name ?? string.Empty).ToLowerInvariant());
        command.Parameters.AddWithValue(TicketSerializer.Default.Serialize(ticket));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = ticket.Properties.ExpiresUtc });
        await command.ExecuteNonQueryAsync();
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var command = dataSource.CreateCommand("SELECT ticket FROM console_sessions WHERE id = $1 AND (expires_at IS NULL OR expires_at > $2)");
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(timeProvider.GetUtcNow());
        var bytes = await command.ExecuteScalarAsync() as byte[];
        return bytes is null ? null : TicketSerializer.Default.Deserialize(bytes);
    }

    public async Task RemoveAsync(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var command = dataSource.CreateCommand("DELETE FROM console_sessions WHERE id = $1");
        command.Parameters.AddWithValue(key);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<int> RemoveUserSessionsAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        await using var command = dataSource.CreateCommand("DELETE FROM console_sessions WHERE user_name = $1");
        command.Parameters.AddWithValue(userName.ToLowerInvariant());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes sessions that expired before now; returns how many.</summary>
    public async Task<int> RemoveExpiredAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM console_sessions WHERE expires_at <= $1");
        command.Parameters.AddWithValue(timeProvider.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
