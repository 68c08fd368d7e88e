using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Console.Findings;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Api;

/// <summary>
/// The suppression rules REST API under <c>/api/v1/suppression-rules</c>: list, get, preview, create,
/// replace and delete. Any console role may read; tenant admins and platform operators change rules,
/// and every change goes to the audit log. The tenant comes from the user's claim only.
/// </summary>
internal static class SuppressionRuleEndpoints
{
    public const string BasePath = "/api/v1/suppression-rules";

    /// <summary>The sample size of a preview.</summary>
    public const int PreviewSampleSize = 10;

    public static void MapSuppressionRuleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var read = endpoints.MapGroup(BasePath)
            .RequireAuthorization(policy => policy.RequireRole(ConsoleRoles.Analyst, ConsoleRoles.TenantAdmin, ConsoleRoles.PlatformOperator));
        read.MapGet("/", ListAsync);
        read.MapGet("/{id:guid}", GetAsync);

        var manage = endpoints.MapGroup(BasePath)
            .RequireAuthorization(policy => policy.RequireRole(ConsoleRoles.TenantAdmin, ConsoleRoles.PlatformOperator));
        manage.MapPost("/preview", PreviewAsync);
        manage.MapPost("/", CreateAsync);
        manage.MapPut("/{id:guid}", UpdateAsync);
        manage.MapDelete("/{id:guid}", DeleteAsync);
    }

    internal static async Task<IResult> ListAsync(ClaimsPrincipal user, SuppressionRuleService rules, CancellationToken cancellationToken) =>
        user.FindTenantId() is { } tenantId ? ApiJson.Ok(await rules.ListAsync(tenantId, cancellationToken)) : ApiJson.NoTenant();

    internal static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, SuppressionRuleService rules, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiJson.NoTenant();
        }

        var rule = await rules.GetAsync(tenantId, id, cancellationToken);
        return rule is null ? NotFound(id) : ApiJson.Ok(rule);
    }

    internal static async Task<IResult> PreviewAsync(HttpRequest request, ClaimsPrincipal user, SuppressionRuleService rules, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiJson.NoTenant();
        }

        var (body, error) = await ApiJson.ReadAsync<PreviewRequest>(request, cancellationToken);
        if (body is null)
        {
            return ApiJson.BadRequest("body", error!);
        }

        var outcome = await rules.PreviewAsync(tenantId, body.Criteria ?? FindingCriteria.Empty, PreviewSampleSize, cancellationToken);
        return outcome.Value is null ? ApiJson.BadRequest("criteria", [.. outcome.Errors]) : ApiJson.Ok(outcome.Value);
    }

    internal static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, SuppressionRuleService rules, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiJson.NoTenant();
        }

        var (input, error) = await ApiJson.ReadAsync<SuppressionRuleInput>(request, cancellationToken);
        if (input is null)
        {
            return ApiJson.BadRequest("body", error!);
        }

        var outcome = await rules.CreateAsync(tenantId, UserName(user), Normalise(input), cancellationToken);
        return outcome.Value is { After: { } rule } change
            ? Results.Json(new RuleChangeResponse(rule, change.Archived, change.Unarchived), FindingCriteriaJson.Options, statusCode: StatusCodes.Status201Created)
            : ApiJson.BadRequest("rule", [.. outcome.Errors]);
    }

    internal static async Task<IResult> UpdateAsync(Guid id, HttpRequest request, ClaimsPrincipal user, SuppressionRuleService rules, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiJson.NoTenant();
        }

        var (input, error) = await ApiJson.ReadAsync<SuppressionRuleInput>(request, cancellationToken);
        if (input is null)
        {
            return ApiJson.BadRequest("body", error!);
        }

        var outcome = await rules.UpdateAsync(tenantId, UserName(user), id, Normalise(input), cancellationToken);
        if (outcome.IsNotFound)
        {
            return NotFound(id);
        }

        return outcome.Value is { After: { } rule } change
            ? ApiJson.Ok(new RuleChangeResponse(rule, change.Archived, change.Unarchived))
            : ApiJson.BadRequest("rule", [.. outcome.Errors]);
    }

    internal static async Task<IResult> DeleteAsync(Guid id, ClaimsPrincipal user, SuppressionRuleService rules, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiJson.NoTenant();
        }

        var outcome = await rules.DeleteAsync(tenantId, UserName(user), id, cancellationToken);
        return outcome.IsNotFound || outcome.Value is null ? NotFound(id) : ApiJson.Ok(new RuleDeleteResponse(id, outcome.Value.Unarchived));
    }

    // A missing criteria list in the body is an empty one, which validation then rejects with its reason.
    private static SuppressionRuleInput Normalise(SuppressionRuleInput input) =>
        input with { Name = input.Name ?? string.Empty, Reason = input.Reason ?? string.Empty, Criteria = input.Criteria ?? FindingCriteria.Empty };

    private static string UserName(ClaimsPrincipal user) => user.Identity?.Name ?? "(unknown)";

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"The tenant has no suppression rule with id {id}.");
}

internal sealed record PreviewRequest(FindingCriteria? Criteria);

internal sealed record RuleChangeResponse(SuppressionRule Rule, int Archived, int Unarchived);

internal sealed record RuleDeleteResponse(Guid Id, int Unarchived);
