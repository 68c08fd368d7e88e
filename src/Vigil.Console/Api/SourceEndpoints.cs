using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Vigil.Console.Display;
using Vigil.Console.Security;
using Vigil.Console.Sources;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Api;

/// <summary>
/// The REST API of the signed-in user's log sources under <c>/api/v1/sources</c>. The tenant comes from
/// the user's <see cref="ConsoleClaimTypes.Tenant"/> claim only, so another tenant's source id gets
/// 404 like an unknown one. Reading takes any signed-in user; changes take a tenant admin or a
/// platform operator.
/// </summary>
internal static partial class SourceEndpoints
{
    public const string BasePath = ConsoleApi.V1 + "/sources";

    public static void MapSourceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(BasePath).RequireAuthorization(ConsolePolicies.AnalystOrAbove).WithTags("Sources");
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapGet("/{id:guid}/status", GetStatusAsync);

        var changes = endpoints.MapGroup(BasePath).RequireAuthorization(ConsolePolicies.TenantAdmin).WithTags("Sources");
        changes.MapPost("/", CreateAsync);
        changes.MapPut("/{id:guid}", UpdateAsync);
        changes.MapPost("/{id:guid}/rotate-key", RotateKeyAsync);
        changes.MapDelete("/{id:guid}", DeleteAsync);
    }

    internal static async Task<IResult> ListAsync(ClaimsPrincipal user, SourceService sources, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return NoTenant();
        }

        var list = await sources.ListAsync(tenantId, cancellationToken);
        return Results.Ok(list.Select(overview => SourceView.From(overview.Source, overview.Status)));
    }

    internal static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, SourceService sources, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return NoTenant();
        }

        var overview = await sources.GetAsync(tenantId, id, cancellationToken);
        return overview is null ? NotFound(id) : Results.Ok(SourceView.From(overview.Source, overview.Status));
    }

    internal static async Task<IResult> GetStatusAsync(Guid id, ClaimsPrincipal user, SourceService sources, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return NoTenant();
        }

        var overview = await sources.GetAsync(tenantId, id, cancellationToken);
        return overview is null ? NotFound(id) : Results.Ok(SourceStatusView.From(id, overview.Status));
    }

    internal static async Task<IResult> CreateAsync(SourceInput input, ClaimsPrincipal user, SourceService sources, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return NoTenant();
        }

        var result = await sources.CreateAsync(tenantId, UserName(user), input, cancellationToken);
        if (!result.Succeeded)
        {
            return Results.ValidationProblem(result.Errors);
        }

        LogChanged(loggerFactory.CreateLogger(typeof(SourceEndpoints)), "created", result.Source!.Id, tenantId, DisplayText.SingleLine(UserName(user)));
        return Results.Created($"{BasePath}/{result.Source.Id}", SourceView.From(result.Source, null, result.AccessKey));
    }

    internal static async Task<IResult> UpdateAsync(Guid id, SourceInput input, ClaimsPrincipal user, SourceService sources, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return NoTenant();
        }

        var result = await sources.UpdateAsync(tenantId, UserName(user), id, input, cancellationToken);
        if (result is null)
        {
            return NotFound(id);
        }

        if (!result.Succeeded)
        {
            return Results.ValidationProblem(result.Errors);
        }

        LogChanged(loggerFactory.CreateLogger(typeof(SourceEndpoints)), "updated", id, tenantId, DisplayText.SingleLine(UserName(user)));
        return Results.Ok(SourceView.From(result.Source!, null, result.AccessKey));
    }

    internal static async Task<IResult> RotateKeyAsync(Guid id, ClaimsPrincipal user, SourceService sources, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return NoTenant();
        }

        var result = await sources.RotateKeyAsync(tenantId, UserName(user), id, cancellationToken);
        if (result?.Source is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"The tenant has no Firehose source with id {id}.");
        }

        LogChanged(loggerFactory.CreateLogger(typeof(SourceEndpoints)), "given a new access key", id, tenantId, DisplayText.SingleLine(UserName(user)));
        return Results.Ok(SourceView.From(result.Source, null, result.AccessKey));
    }

    internal static async Task<IResult> DeleteAsync(Guid id, ClaimsPrincipal user, SourceService sources, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return NoTenant();
        }

        if (!await sources.DeleteAsync(tenantId, id, cancellationToken))
        {
            return NotFound(id);
        }

        LogChanged(loggerFactory.CreateLogger(typeof(SourceEndpoints)), "deleted", id, tenantId, DisplayText.SingleLine(UserName(user)));
        return Results.NoContent();
    }

    private static string UserName(ClaimsPrincipal user) => user.Identity?.Name ?? "(unknown)";

    private static IResult NoTenant() =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "No tenant", detail: "The session carries no tenant; sign out and sign in again.");

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"The tenant has no source with id {id}.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceId} of tenant {TenantId} was {Change} by {UserName}")]
    private static partial void LogChanged(ILogger logger, string change, Guid sourceId, string tenantId, string userName);
}

/// <summary>A source as the API returns it. The access key appears only in the response that generated it.</summary>
internal sealed record SourceView(
    Guid Id,
    string Name,
    string Kind,
    bool Enabled,
    IReadOnlyList<string> AccountIds,
    string? Folder,
    string? Bucket,
    string? Prefix,
    string? Region,
    string? ServiceUrl,
    string? QueueUrl,
    string? FlowLogFormat,
    bool HasAccessKey,
    DateTimeOffset UpdatedAt,
    string UpdatedBy,
    SourceStatusView? Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AccessKey)
{
    public static SourceView From(SourceDefinition source, SourceStatus? status, string? accessKey = null) => new(
        source.Id,
        source.Name,
        source.Kind.ToString(),
        source.Enabled,
        source.AccountIds,
        source.Folder,
        source.Bucket,
        source.Prefix,
        source.Region,
        source.ServiceUrl,
        source.QueueUrl,
        source.FlowLogFormat,
        source.AccessKeySha256 is not null,
        source.UpdatedAt,
        source.UpdatedBy,
        status is null ? null : SourceStatusView.From(source.Id, status),
        accessKey);
}

/// <summary>A source's counters; all zero and without times when it has read nothing yet.</summary>
internal sealed record SourceStatusView(
    Guid SourceId,
    long ObjectsRead,
    long ObjectsFailed,
    long RecordsRead,
    long RecordsRejected,
    long RecordsFromUnregisteredAccounts,
    DateTimeOffset? LastReadAt,
    DateTimeOffset? NewestEventTime,
    double? LagSeconds,
    string? LastError,
    DateTimeOffset? LastErrorAt)
{
    public static SourceStatusView From(Guid sourceId, SourceStatus? status) => status is null
        ? new(sourceId, 0, 0, 0, 0, 0, null, null, null, null, null)
        : new(sourceId, status.ObjectsRead, status.ObjectsFailed, status.RecordsRead, status.RecordsRejected, status.RecordsFromUnregisteredAccounts,
            status.LastReadAt, status.NewestEventTime, status.Lag?.TotalSeconds, status.LastError, status.LastErrorAt);
}
