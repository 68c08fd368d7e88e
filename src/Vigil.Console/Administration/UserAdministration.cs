using System.Security.Claims;
using Vigil.Console.Security;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Administration;

/// <summary>
/// A tenant admin's changes to the local users of the admin's tenant, each written to the audit log.
/// The tenant is always the signed-in user's; a user of another tenant is reported as not found.
/// Tenant admins cannot grant or change the platform operator role, and nobody changes the role or
/// the disabled flag of their own account, so an admin cannot lock themselves out.
/// </summary>
public sealed class UserAdministration(IConsoleUserStore users, AuditWriter audit, IServiceProvider services)
{
    public const string ObjectType = "user";
    public const int MaxUserNameLength = 256;

    public Task<IReadOnlyList<ConsoleUserInfo>> ListAsync(ClaimsPrincipal actor, CancellationToken cancellationToken) =>
        users.ListAsync(Tenant(actor), cancellationToken);

    /// <summary>Returns the users of the actor's tenant who signed in through OpenID Connect.</summary>
    public Task<IReadOnlyList<ExternalUserInfo>> ListExternalAsync(ClaimsPrincipal actor, CancellationToken cancellationToken) =>
        users.ListExternalAsync(Tenant(actor), cancellationToken);

    public Task<ConsoleUserInfo?> GetAsync(ClaimsPrincipal actor, string userName, CancellationToken cancellationToken) =>
        users.GetAsync(Tenant(actor), userName, cancellationToken);

    /// <summary>Creates a user with a generated password, which the result carries once.</summary>
    public async Task<ChangeResult<CreatedUser>> CreateAsync(ClaimsPrincipal actor, string? userName, string? role, CancellationToken cancellationToken)
    {
        var tenantId = Tenant(actor);
        var name = userName?.Trim() ?? string.Empty;
        if (name.Length is 0 or > MaxUserNameLength || name.Any(character => char.IsControl(character) || char.IsWhiteSpace(character)))
        {
            return ChangeResult<CreatedUser>.Fail(ChangeStatus.Invalid, "userName", $"The user name must have 1 to {MaxUserNameLength} characters without spaces or control characters.");
        }

        if (CheckGrantable(actor, role) is { } problem)
        {
            return ChangeResult<CreatedUser>.Fail(problem.Status, "role", problem.Message);
        }

        var password = ConsolePasswords.Generate();
        if (!await users.CreateIfMissingAsync(name, password, tenantId, role!, cancellationToken))
        {
            return ChangeResult<CreatedUser>.Fail(ChangeStatus.Conflict, "userName", "A user with this name already exists.");
        }

        var created = (await users.GetAsync(tenantId, name, cancellationToken))!;
        await audit.WriteAsync(tenantId, actor, "user.create", ObjectType, created.UserName, null, created, cancellationToken);
        return ChangeResult<CreatedUser>.Success(new CreatedUser(created, password));
    }

    public async Task<ChangeResult<ConsoleUserInfo>> SetRoleAsync(ClaimsPrincipal actor, string userName, string? role, CancellationToken cancellationToken)
    {
        var (before, problem) = await FindChangeableAsync(actor, userName, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (CheckGrantable(actor, role) is { } roleProblem)
        {
            return ChangeResult<ConsoleUserInfo>.Fail(roleProblem.Status, "role", roleProblem.Message);
        }

        var after = await users.SetRoleAsync(before!.TenantId, before.UserName, role!, cancellationToken);
        return await AuditedAsync(actor, "user.set-role", before, after, cancellationToken);
    }

    public async Task<ChangeResult<ConsoleUserInfo>> SetDisabledAsync(ClaimsPrincipal actor, string userName, bool disabled, CancellationToken cancellationToken)
    {
        var (before, problem) = await FindChangeableAsync(actor, userName, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var after = await users.SetDisabledAsync(before!.TenantId, before.UserName, disabled, cancellationToken);
        if (disabled && services.GetService(typeof(IConsoleSessionStore)) is IConsoleSessionStore sessions)
        {
            await sessions.RemoveUserSessionsAsync(before.UserName, cancellationToken);
        }

        return await AuditedAsync(actor, disabled ? "user.disable" : "user.enable", before, after, cancellationToken);
    }

    /// <summary>Sets a generated password, which the result carries once, and clears the lock-out.</summary>
    public async Task<ChangeResult<CreatedUser>> ResetPasswordAsync(ClaimsPrincipal actor, string userName, CancellationToken cancellationToken)
    {
        var (before, problem) = await FindChangeableAsync(actor, userName, cancellationToken, allowSelf: true);
        if (problem is not null)
        {
            return new ChangeResult<CreatedUser>(problem.Status, null, problem.Errors);
        }

        var password = ConsolePasswords.Generate();
        var after = await users.ResetPasswordAsync(before!.TenantId, before.UserName, password, cancellationToken);
        var result = await AuditedAsync(actor, "user.reset-password", before, after, cancellationToken);
        return result.Succeeded
            ? ChangeResult<CreatedUser>.Success(new CreatedUser(result.Value!, password))
            : new ChangeResult<CreatedUser>(result.Status, null, result.Errors);
    }

    public async Task<ChangeResult<ConsoleUserInfo>> UnlockAsync(ClaimsPrincipal actor, string userName, CancellationToken cancellationToken)
    {
        var (before, problem) = await FindChangeableAsync(actor, userName, cancellationToken, allowSelf: true);
        if (problem is not null)
        {
            return problem;
        }

        var after = await users.UnlockAsync(before!.TenantId, before.UserName, cancellationToken);
        return await AuditedAsync(actor, "user.unlock", before, after, cancellationToken);
    }

    private static string Tenant(ClaimsPrincipal actor) =>
        actor.FindTenantId() ?? throw new InvalidOperationException("The signed-in user has no tenant claim; the authorization policies should have rejected the request.");

    private static (ChangeStatus Status, string Message)? CheckGrantable(ClaimsPrincipal actor, string? role)
    {
        if (!ConsoleRoles.IsKnown(role))
        {
            return (ChangeStatus.Invalid, $"The role must be one of {string.Join(", ", ConsoleRoles.All)}.");
        }

        if (ConsoleRoles.Rank(role) > ConsoleRoles.Rank(actor.FindConsoleRole()))
        {
            return (ChangeStatus.Forbidden, "You cannot grant a role above your own.");
        }

        return null;
    }

    private async Task<(ConsoleUserInfo? User, ChangeResult<ConsoleUserInfo>? Problem)> FindChangeableAsync(ClaimsPrincipal actor, string userName, CancellationToken cancellationToken, bool allowSelf = false)
    {
        var user = await users.GetAsync(Tenant(actor), userName, cancellationToken);
        if (user is null)
        {
            return (null, ChangeResult<ConsoleUserInfo>.NotFound("The tenant has no user with this name."));
        }

        if (!allowSelf && string.Equals(user.UserName, actor.Identity?.Name, StringComparison.OrdinalIgnoreCase)
            && actor.FindFirst(ConsoleClaimTypes.SignInMethod)?.Value is null or ConsoleClaimTypes.SignInMethods.LocalAccount)
        {
            return (null, ChangeResult<ConsoleUserInfo>.Fail(ChangeStatus.Forbidden, "userName", "You cannot change the role or the disabled flag of your own account."));
        }

        if (ConsoleRoles.Rank(user.Role) > ConsoleRoles.Rank(actor.FindConsoleRole()))
        {
            return (null, ChangeResult<ConsoleUserInfo>.Fail(ChangeStatus.Forbidden, "userName", "Only a platform operator can change a platform operator's account."));
        }

        return (user, null);
    }

    private async Task<ChangeResult<ConsoleUserInfo>> AuditedAsync(ClaimsPrincipal actor, string action, ConsoleUserInfo before, ConsoleUserInfo? after, CancellationToken cancellationToken)
    {
        if (after is null)
        {
            return ChangeResult<ConsoleUserInfo>.NotFound("The tenant has no user with this name.");
        }

        await audit.WriteAsync(before.TenantId, actor, action, ObjectType, before.UserName, before, after, cancellationToken);
        return ChangeResult<ConsoleUserInfo>.Success(after);
    }
}

/// <summary>A user with the password generated for it, shown to the admin once.</summary>
public sealed record CreatedUser(ConsoleUserInfo User, string Password);
