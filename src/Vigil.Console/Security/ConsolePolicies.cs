using Microsoft.AspNetCore.Authorization;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Security;

/// <summary>
/// The authorization policies of every console page and API route. Each one requires a signed-in
/// user with a tenant claim and a role of at least the named rank: platform operators pass every
/// policy, tenant admins pass <see cref="TenantAdmin"/> and <see cref="AnalystOrAbove"/>.
/// </summary>
/// <remarks>
/// Pages take one with <c>@attribute [Authorize(Policy = ConsolePolicies.TenantAdmin)]</c>; every
/// page under <c>Components/Pages</c> already has <see cref="AnalystOrAbove"/>. API routes take one
/// with <c>RequireAuthorization(ConsolePolicies.TenantAdmin)</c>. The fallback policy, for endpoints
/// without authorization metadata, is <see cref="AnalystOrAbove"/>.
/// </remarks>
public static class ConsolePolicies
{
    /// <summary>Any console role: read and triage the tenant's findings.</summary>
    public const string AnalystOrAbove = "vigil-analyst-or-above";

    /// <summary>Tenant admins and platform operators: lists, suppression rules, sources, accounts, users, API keys, audit log.</summary>
    public const string TenantAdmin = "vigil-tenant-admin";

    /// <summary>Platform operators only: tenants, platform lists, the cluster.</summary>
    public const string PlatformOperator = "vigil-platform-operator";

    /// <summary>Adds the three policies and makes <see cref="AnalystOrAbove"/> the fallback.</summary>
    public static AuthorizationBuilder AddConsolePolicies(this AuthorizationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var analystOrAbove = Build(ConsoleRoles.Analyst, ConsoleRoles.TenantAdmin, ConsoleRoles.PlatformOperator);
        return builder
            .AddPolicy(AnalystOrAbove, analystOrAbove)
            .AddPolicy(TenantAdmin, Build(ConsoleRoles.TenantAdmin, ConsoleRoles.PlatformOperator))
            .AddPolicy(PlatformOperator, Build(ConsoleRoles.PlatformOperator))
            .SetFallbackPolicy(analystOrAbove);
    }

    private static AuthorizationPolicy Build(params string[] roles) => new AuthorizationPolicyBuilder()
        .RequireAuthenticatedUser()
        .RequireClaim(ConsoleClaimTypes.Tenant)
        .RequireRole(roles)
        .Build();
}
