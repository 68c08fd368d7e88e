using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>An <see cref="IConsoleUserStore"/> with fixed accounts: one valid user and one locked user.</summary>
internal sealed class FakeConsoleUserStore : IConsoleUserStore
{
    public const string UserName = "analyst1";
    public const string Password = "correct horse battery staple";
    public const string LockedUserName = "locked1";

    public List<string> SignInRequests { get; } = [];

    public Task<SignInResult> SignInAsync(string userName, string password, CancellationToken cancellationToken)
    {
        SignInRequests.Add(userName);
        var result = userName switch
        {
            UserName when password == Password =>
                new SignInResult(SignInStatus.Succeeded, new ConsoleUser(UserName, ConsoleComponentTest.TenantId, ConsoleRoles.Analyst)),
            LockedUserName =>
                new SignInResult(SignInStatus.LockedOut, null, DateTimeOffset.UtcNow.AddMinutes(15)),
            _ => new SignInResult(SignInStatus.InvalidCredentials, null),
        };
        return Task.FromResult(result);
    }

    public Task<bool> CreateIfMissingAsync(string userName, string password, string tenantId, string role, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The console never creates users.");

    public Task<bool> AnyUserAsync(CancellationToken cancellationToken) => Task.FromResult(true);
}
