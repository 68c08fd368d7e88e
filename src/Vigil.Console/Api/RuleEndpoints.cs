using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Console.Rules;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Api;

/// <summary>
/// The REST API of the signed-in user's Sigma rule files under <c>/api/v1/rules</c>. A file is
/// addressed by its name, URL-encoded when it contains '/'. The tenant comes from the user's
/// <see cref="ConsoleClaimTypes.Tenant"/> claim only. Reading, validating and testing take any
/// signed-in user; changes take a tenant admin or a platform operator.
/// </summary>
internal static class RuleEndpoints
{
    public const string BasePath = "/api/v1/rules";

    public static void MapRuleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(BasePath).RequireAuthorization();
        group.MapGet("/", ListAsync);
        group.MapGet("/{name}", GetAsync);
        group.MapGet("/{name}/dry-run-counts", DryRunCountsAsync);
        group.MapPost("/validate", ValidateAsync);
        group.MapPost("/test", TestAsync);
        group.MapPost("/backtest", BackTestAsync);

        var changes = endpoints.MapGroup(BasePath).RequireAuthorization(policy => policy.RequireRole(ConsoleRoles.TenantAdmin, ConsoleRoles.PlatformOperator));
        changes.MapPut("/{name}", SaveAsync);
        changes.MapPost("/{name}/enable", (string name, ClaimsPrincipal user, RuleService rules, CancellationToken cancellationToken) => SetEnabledAsync(name, true, user, rules, cancellationToken));
        changes.MapPost("/{name}/disable", (string name, ClaimsPrincipal user, RuleService rules, CancellationToken cancellationToken) => SetEnabledAsync(name, false, user, rules, cancellationToken));
        changes.MapDelete("/{name}", DeleteAsync);
    }

    internal static async Task<IResult> ListAsync(ClaimsPrincipal user, RuleService rules, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var dryRun = await rules.DryRunSummaryAsync(tenantId, cancellationToken);
        return Results.Ok((await rules.ListAsync(tenantId, cancellationToken)).Select(rule => RuleView.From(rule, dryRun)));
    }

    internal static async Task<IResult> GetAsync(string name, ClaimsPrincipal user, RuleService rules, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var rule = await rules.GetAsync(tenantId, Uri.UnescapeDataString(name), cancellationToken);
        return rule is null ? NotFound(name) : Results.Ok(RuleView.From(rule, await rules.DryRunSummaryAsync(tenantId, cancellationToken)));
    }

    /// <summary>The hourly dry-run matches of a rule file's rules over the last <c>hours</c> hours (default 48, at most 720), oldest first.</summary>
    internal static async Task<IResult> DryRunCountsAsync(string name, int? hours, ClaimsPrincipal user, RuleService rules, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var fileName = Uri.UnescapeDataString(name);
        if (await rules.GetAsync(tenantId, fileName, cancellationToken) is null)
        {
            return NotFound(name);
        }

        return Results.Ok(await rules.DryRunCountsAsync(tenantId, fileName, hours ?? 48, cancellationToken));
    }

    internal static async Task<IResult> SaveAsync(string name, RuleInput input, ClaimsPrincipal user, RuleService rules, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var result = await rules.SaveAsync(tenantId, ApiResults.UserName(user), Uri.UnescapeDataString(name), input, cancellationToken);
        if (!result.Succeeded)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid rule file",
                detail: result.Error,
                extensions: new Dictionary<string, object?> { ["messages"] = result.Messages });
        }

        return Results.Ok(new { rule = RuleView.From(result.Rule!, null), messages = result.Messages });
    }

    internal static async Task<IResult> SetEnabledAsync(string name, bool enabled, ClaimsPrincipal user, RuleService rules, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        return await rules.SetEnabledAsync(tenantId, ApiResults.UserName(user), Uri.UnescapeDataString(name), enabled, cancellationToken) ? Results.NoContent() : NotFound(name);
    }

    internal static async Task<IResult> DeleteAsync(string name, ClaimsPrincipal user, RuleService rules, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        return await rules.DeleteAsync(tenantId, ApiResults.UserName(user), Uri.UnescapeDataString(name), cancellationToken) ? Results.NoContent() : NotFound(name);
    }

    internal static async Task<IResult> ValidateAsync(TrialRequest request, ClaimsPrincipal user, RuleService rules, CancellationToken cancellationToken) =>
        user.FindTenantId() is { } tenantId
            ? Results.Ok(new { messages = await rules.ValidateAsync(tenantId, request.Name ?? "rule.yml", request.Yaml ?? "", cancellationToken) })
            : ApiResults.NoTenant();

    internal static async Task<IResult> TestAsync(TrialRequest request, ClaimsPrincipal user, RuleService rules, CancellationToken cancellationToken) =>
        user.FindTenantId() is { } tenantId
            ? Results.Ok(await rules.TestAsync(tenantId, request.Name ?? "rule.yml", request.Yaml ?? "", request.TestEvents, request.TestEventsNoMatch, cancellationToken))
            : ApiResults.NoTenant();

    internal static async Task<IResult> BackTestAsync(TrialRequest request, ClaimsPrincipal user, RuleService rules, CancellationToken cancellationToken) =>
        user.FindTenantId() is { } tenantId
            ? Results.Ok(await rules.BackTestAsync(tenantId, request.Name ?? "rule.yml", request.Yaml ?? "", cancellationToken))
            : ApiResults.NoTenant();

    private static IResult NotFound(string name) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"The tenant has no rule file named '{Uri.UnescapeDataString(name)}'.");

    /// <summary>A rule text to validate, test or back-test, under the file name it will have; for a test run, the events it must match and those it must not.</summary>
    internal sealed record TrialRequest(string? Name, string? Yaml, string? TestEvents, string? TestEventsNoMatch = null);

    /// <summary>A stored rule file as the API returns it, with its dry-run matches over the last 24 hours and 7 days.</summary>
    internal sealed record RuleView(
        string Name,
        string Yaml,
        string Sha256,
        bool Enabled,
        bool DryRun,
        string? TestEvents,
        string? TestEventsNoMatch,
        DateTimeOffset UpdatedAt,
        string UpdatedBy,
        RuleDryRunSummary? DryRunMatches)
    {
        public static RuleView From(StoredRule rule, IReadOnlyDictionary<string, RuleDryRunSummary>? dryRun) => new(
            rule.Name,
            rule.Yaml,
            rule.Sha256,
            rule.Enabled,
            rule.DryRun,
            rule.TestEvents,
            rule.TestEventsNoMatch,
            rule.UpdatedAt,
            rule.UpdatedBy,
            dryRun is null ? null : dryRun.GetValueOrDefault(rule.Name, new RuleDryRunSummary(0, 0)));
    }
}
