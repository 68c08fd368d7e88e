using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Contracts.Storage;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

public sealed class ConsoleUserStoreTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private const string Password = "correct horse battery staple";

    private readonly PostgresConsoleUserStore store =
        new(database.DataSource, new ConsoleUserStoreOptions(), NullLogger<PostgresConsoleUserStore>.Instance);

    private readonly string userName = "user-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Create_Twice_SecondReturnsFalse()
    {
        Assert.True(await store.CreateIfMissingAsync(userName, Password, "tenant-a", ConsoleRoles.Analyst, default));
        Assert.False(await store.CreateIfMissingAsync(userName.ToUpperInvariant(), "other", "tenant-b", ConsoleRoles.TenantAdmin, default));
        Assert.True(await store.AnyUserAsync(default));
    }

    [Fact]
    public async Task ExternalSignIns_ListedPerTenantWithLatestRole()
    {
        var tenant = "tenant-" + Guid.NewGuid().ToString("N");
        var first = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

        await store.RecordExternalSignInAsync(tenant, "alice@example.net", ConsoleRoles.Analyst, first, default);
        await store.RecordExternalSignInAsync(tenant, "alice@example.net", ConsoleRoles.TenantAdmin, first.AddDays(2), default);
        await store.RecordExternalSignInAsync(tenant + "-other", "bob@example.net", ConsoleRoles.Analyst, first, default);

        var alice = Assert.Single(await store.ListExternalAsync(tenant, default));
        Assert.Equal("alice@example.net", alice.UserName);
        Assert.Equal(ConsoleRoles.TenantAdmin, alice.Role);
        Assert.Equal(first, alice.FirstSignInAt);
        Assert.Equal(first.AddDays(2), alice.LastSignInAt);
        Assert.Equal(2, alice.SignInCount);
    }

    [Fact]
    public async Task Create_UnknownRole_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(
            () => store.CreateIfMissingAsync(userName, Password, "tenant-a", "root", default));
    }

    [Fact]
    public async Task SignIn_RightPassword_ReturnsUser()
    {
        await store.CreateIfMissingAsync(userName, Password, "tenant-a", ConsoleRoles.TenantAdmin, default);

        var result = await store.SignInAsync(userName.ToUpperInvariant(), Password, default);

        Assert.Equal(SignInStatus.Succeeded, result.Status);
        Assert.Equal(new ConsoleUser(userName, "tenant-a", ConsoleRoles.TenantAdmin), result.User);
    }

    [Fact]
    public async Task SignIn_WrongPassword_Invalid()
    {
        await store.CreateIfMissingAsync(userName, Password, "tenant-a", ConsoleRoles.Analyst, default);

        var result = await store.SignInAsync(userName, "wrong", default);

        Assert.Equal(SignInStatus.InvalidCredentials, result.Status);
        Assert.Null(result.User);
    }

    [Fact]
    public async Task SignIn_UnknownUser_Invalid()
    {
        var result = await store.SignInAsync(userName, Password, default);

        Assert.Equal(SignInStatus.InvalidCredentials, result.Status);
    }

    [Fact]
    public async Task SignIn_FiveFailures_LocksOut()
    {
        await store.CreateIfMissingAsync(userName, Password, "tenant-a", ConsoleRoles.Analyst, default);
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            Assert.Equal(SignInStatus.InvalidCredentials, (await store.SignInAsync(userName, "wrong", default)).Status);
        }

        var fifth = await store.SignInAsync(userName, "wrong", default);
        var rightPassword = await store.SignInAsync(userName, Password, default);

        Assert.Equal(SignInStatus.LockedOut, fifth.Status);
        Assert.Equal(SignInStatus.LockedOut, rightPassword.Status);
        Assert.Null(rightPassword.User);
        Assert.NotNull(rightPassword.LockedUntil);
        var remaining = rightPassword.LockedUntil.Value - DateTimeOffset.UtcNow;
        Assert.InRange(remaining, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task SignIn_Success_ResetsCounter()
    {
        await store.CreateIfMissingAsync(userName, Password, "tenant-a", ConsoleRoles.Analyst, default);
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await store.SignInAsync(userName, "wrong", default);
        }

        Assert.Equal(SignInStatus.Succeeded, (await store.SignInAsync(userName, Password, default)).Status);
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            Assert.Equal(SignInStatus.InvalidCredentials, (await store.SignInAsync(userName, "wrong", default)).Status);
        }

        Assert.Equal(SignInStatus.Succeeded, (await store.SignInAsync(userName, Password, default)).Status);
    }

    [Fact]
    public async Task SignIn_LockExpired_Succeeds()
    {
        await store.CreateIfMissingAsync(userName, Password, "tenant-a", ConsoleRoles.Analyst, default);
        await using (var command = database.DataSource.CreateCommand(
            "UPDATE console_users SET locked_until = now() - interval '1 second' WHERE user_name = @name"))
        {
            command.Parameters.AddWithValue("name", userName);
            await command.ExecuteNonQueryAsync();
        }

        var result = await store.SignInAsync(userName, Password, default);

        Assert.Equal(SignInStatus.Succeeded, result.Status);
    }

    [Fact]
    public async Task PasswordHash_IsSaltedNotPlain()
    {
        var other = userName + "-twin";
        await store.CreateIfMissingAsync(userName, Password, "tenant-a", ConsoleRoles.Analyst, default);
        await store.CreateIfMissingAsync(other, Password, "tenant-a", ConsoleRoles.Analyst, default);

        await using var command = database.DataSource.CreateCommand(
            "SELECT password_hash FROM console_users WHERE user_name = ANY (@names) ORDER BY user_name");
        command.Parameters.AddWithValue("names", new[] { userName, other });
        var hashes = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                hashes.Add(reader.GetString(0));
            }
        }

        Assert.Equal(2, hashes.Count);
        Assert.NotEqual(hashes[0], hashes[1]);
        Assert.DoesNotContain(Password, hashes[0], StringComparison.Ordinal);
    }
}
