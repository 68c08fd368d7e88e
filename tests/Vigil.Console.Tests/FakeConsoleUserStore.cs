using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>
/// An <see cref="IConsoleUserStore"/> with fixed accounts: an analyst, a locked user, and a tenant
/// admin of each of the two test tenants (same password as the analyst).
/// </summary>
internal sealed class FakeConsoleUserStore : IConsoleUserStore
{
    public const string UserName = "analyst1";
    public const string Password = "correct horse battery staple";
    public const string LockedUserName = "locked1";
    public const string AdminUserName = "admin1";
    public const string OtherAdminUserName = "admin2";

    public List<string> SignInRequests { get; } = [];

    public Task<SignInResult> SignInAsync(string userName, string password, CancellationToken cancellationToken)
    {
        SignInRequests.Add(userName);
        var result = userName switch
        {
            UserName when password == Password =>
                new SignInResult(SignInStatus.Succeeded, new ConsoleUser(UserName, ConsoleComponentTest.TenantId, ConsoleRoles.Analyst)),
            AdminUserName when password == Password =>
                new SignInResult(SignInStatus.Succeeded, new ConsoleUser(AdminUserName, ConsoleComponentTest.TenantId, ConsoleRoles.TenantAdmin)),
            OtherAdminUserName when password == Password =>
                new SignInResult(SignInStatus.Succeeded, new ConsoleUser(OtherAdminUserName, ConsoleComponentTest.OtherTenantId, ConsoleRoles.TenantAdmin)),
            LockedUserName =>
                new SignInResult(SignInStatus.LockedOut, null, DateTimeOffset.UtcNow.AddMinutes(15)),
            _ => new SignInResult(SignInStatus.InvalidCredentials, null),
        };
        return Task.FromResult(result);
    }

    public Task<bool> CreateIfMissingAsync(string userName, string password, string tenantId, string role, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The console never creates users.");

    public Task<bool> AnyUserAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>Returns the fixed accounts, so the cookie handler's check on every request finds them.</summary>
    public Task<ConsoleUserInfo?> GetAsync(string tenantId, string userName, CancellationToken cancellationToken)
    {
        ConsoleUserInfo? user = (userName, tenantId) switch
        {
            (UserName, ConsoleComponentTest.TenantId) => Info(UserName, tenantId, ConsoleRoles.Analyst),
            (AdminUserName, ConsoleComponentTest.TenantId) => Info(AdminUserName, tenantId, ConsoleRoles.TenantAdmin),
            (OtherAdminUserName, ConsoleComponentTest.OtherTenantId) => Info(OtherAdminUserName, tenantId, ConsoleRoles.TenantAdmin),
            _ => null,
        };
        return Task.FromResult(user);
    }

    public Task<IReadOnlyList<ConsoleUserInfo>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The user administration is tested against PostgreSQL.");

    public Task<ConsoleUserInfo?> SetRoleAsync(string tenantId, string userName, string role, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The user administration is tested against PostgreSQL.");

    public Task<ConsoleUserInfo?> SetDisabledAsync(string tenantId, string userName, bool disabled, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The user administration is tested against PostgreSQL.");

    public Task<ConsoleUserInfo?> ResetPasswordAsync(string tenantId, string userName, string password, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The user administration is tested against PostgreSQL.");

    public Task<ConsoleUserInfo?> UnlockAsync(string tenantId, string userName, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The user administration is tested against PostgreSQL.");

    public Task RecordExternalSignInAsync(string tenantId, string userName, string role, DateTimeOffset at, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The user administration is tested against PostgreSQL.");

    public Task<IReadOnlyList<ExternalUserInfo>> ListExternalAsync(string tenantId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The user administration is tested against PostgreSQL.");

    private static ConsoleUserInfo Info(string userName, string tenantId, string role) =>
        new(userName, tenantId, role, false, 0, null, DateTimeOffset.UnixEpoch, null);
}
