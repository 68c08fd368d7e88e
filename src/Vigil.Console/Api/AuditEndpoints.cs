using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Vigil.Console.Security;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Api;

/// <summary>
/// The audit log of the caller's tenant under <c>/api/v1/audit</c>, newest first with keyset paging
/// (<c>before</c> is the id of the last entry of the previous page). Platform operators may ask for
/// the platform entries with <c>scope=platform</c>.
/// </summary>
internal static class AuditEndpoints
{
    public const string BasePath = ConsoleApi.V1 + "/audit";

    public static void MapAuditEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup(BasePath).RequireAuthorization(ConsolePolicies.TenantAdmin).WithTags("Audit")
            .MapGet("/", ListAsync);
    }

    internal static async Task<IResult> ListAsync(
        ClaimsPrincipal user,
        [FromServices] IAuditLog auditLog,
        [FromQuery] long? before,
        [FromQuery] string? objectType,
        [FromQuery] string? objectId,
        [FromQuery] int? limit,
        [FromQuery] string? scope,
        CancellationToken cancellationToken)
    {
        string tenantId;
        if (scope == "platform")
        {
            if (user.FindConsoleRole() != ConsoleRoles.PlatformOperator)
            {
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Only platform operators read the platform entries.");
            }

            tenantId = AuditEntry.PlatformTenant;
        }
        else if (scope is null or "tenant")
        {
            tenantId = user.FindTenantId()!;
        }
        else
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["scope"] = ["The scope must be 'tenant' or 'platform'."] });
        }

        var pageSize = limit ?? 100;
        if (pageSize is < 1 or > AuditQuery.MaxLimit)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"The limit must be 1 to {AuditQuery.MaxLimit}."] });
        }

        var query = new AuditQuery { BeforeId = before, ObjectType = objectType, ObjectId = objectId, Limit = pageSize };
        var records = await auditLog.ListAsync(tenantId, query, cancellationToken);
        long? next = records.Count == pageSize ? records[^1].Id : null;
        return Results.Ok(new AuditPage(records.Select(AuditEntryView.From).ToList(), next));
    }
}

/// <summary>One page of entries; <see cref="NextBefore"/> is the <c>before</c> value of the next page, or null on the last.</summary>
internal sealed record AuditPage(IReadOnlyList<AuditEntryView> Entries, long? NextBefore);

internal sealed record AuditEntryView(long Id, string TenantId, string Actor, string Action, string ObjectType, string ObjectId, string? Before, string? After, DateTimeOffset At)
{
    public static AuditEntryView From(AuditRecord record) => new(
        record.Id, record.Entry.TenantId, record.Entry.Actor, record.Entry.Action, record.Entry.ObjectType, record.Entry.ObjectId,
        record.Entry.Before, record.Entry.After, record.Entry.At);
}
