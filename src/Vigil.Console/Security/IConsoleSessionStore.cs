using Microsoft.AspNetCore.Authentication.Cookies;

namespace Vigil.Console.Security;

/// <summary>
/// A server-side store of console sign-in sessions. When the host registers one, the cookie carries
/// only a session id, the ticket (with a platform operator's selected tenant) stays on the server,
/// and disabling a user ends the user's sessions at once.
/// </summary>
public interface IConsoleSessionStore : ITicketStore
{
    /// <summary>Deletes every session of the user (name compared without case) and returns how many there were.</summary>
    Task<int> RemoveUserSessionsAsync(string userName, CancellationToken cancellationToken);
}
