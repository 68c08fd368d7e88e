using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Console.Export;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Api;

/// <summary>
/// The REST API of the signed-in user's finding export under <c>/api/v1/export</c>: destinations,
/// the publishing frequency and the dead-letter records. The tenant comes from the user's
/// <see cref="ConsoleClaimTypes.Tenant"/> claim only. Reading takes any signed-in user; changes
/// take a tenant admin or a platform operator.
/// </summary>
internal static class ExportEndpoints
{
    public const string BasePath = "/api/v1/export";

    public static void MapExportEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(BasePath).RequireAuthorization();
        group.MapGet("/destinations", ListAsync);
        group.MapGet("/destinations/{id:guid}", GetAsync);
        group.MapGet("/settings", GetSettingsAsync);
        group.MapGet("/dead-letters", ListDeadLettersAsync);

        var changes = endpoints.MapGroup(BasePath).RequireAuthorization(policy => policy.RequireRole(ConsoleRoles.TenantAdmin, ConsoleRoles.PlatformOperator));
        changes.MapPost("/destinations", CreateAsync);
        changes.MapPut("/destinations/{id:guid}", UpdateAsync);
        changes.MapDelete("/destinations/{id:guid}", DeleteAsync);
        changes.MapPut("/settings", SetSettingsAsync);
    }

    internal static async Task<IResult> ListAsync(ClaimsPrincipal user, ExportDestinationService export, CancellationToken cancellationToken) =>
        user.FindTenantId() is { } tenantId
            ? Results.Ok((await export.ListAsync(tenantId, cancellationToken)).Select(item => DestinationView.From(item.Destination, item.State)))
            : ApiResults.NoTenant();

    internal static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, ExportDestinationService export, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var item = await export.GetAsync(tenantId, id, cancellationToken);
        return item is null ? NotFound(id) : Results.Ok(DestinationView.From(item.Destination, item.State));
    }

    internal static async Task<IResult> CreateAsync(ExportDestinationInput input, ClaimsPrincipal user, ExportDestinationService export, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var result = await export.CreateAsync(tenantId, ApiResults.UserName(user), input, cancellationToken);
        return result.Succeeded
            ? Results.Created($"{BasePath}/destinations/{result.Destination!.Id}", DestinationView.From(result.Destination, null, result.Secret))
            : Results.ValidationProblem(result.Errors);
    }

    internal static async Task<IResult> UpdateAsync(Guid id, ExportDestinationInput input, ClaimsPrincipal user, ExportDestinationService export, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var result = await export.UpdateAsync(tenantId, ApiResults.UserName(user), id, input, cancellationToken);
        if (result is null)
        {
            return NotFound(id);
        }

        return result.Succeeded ? Results.Ok(DestinationView.From(result.Destination!, null, result.Secret)) : Results.ValidationProblem(result.Errors);
    }

    internal static async Task<IResult> DeleteAsync(Guid id, ClaimsPrincipal user, ExportDestinationService export, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        return await export.DeleteAsync(tenantId, ApiResults.UserName(user), id, cancellationToken) ? Results.NoContent() : NotFound(id);
    }

    internal static async Task<IResult> GetSettingsAsync(ClaimsPrincipal user, ExportDestinationService export, CancellationToken cancellationToken) =>
        user.FindTenantId() is { } tenantId
            ? Results.Ok(new SettingsView((int)await export.GetPublishingFrequencyAsync(tenantId, cancellationToken)))
            : ApiResults.NoTenant();

    internal static async Task<IResult> SetSettingsAsync(SettingsView settings, ClaimsPrincipal user, ExportDestinationService export, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var frequency = (PublishingFrequency)settings.PublishingFrequencyMinutes;
        if (!Enum.IsDefined(frequency))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["publishingFrequencyMinutes"] = ["The publishing frequency must be 15, 60 or 360 minutes."] });
        }

        await export.SetPublishingFrequencyAsync(tenantId, ApiResults.UserName(user), frequency, cancellationToken);
        return Results.Ok(settings);
    }

    internal static async Task<IResult> ListDeadLettersAsync(ClaimsPrincipal user, ExportDestinationService export, int? limit, CancellationToken cancellationToken) =>
        user.FindTenantId() is { } tenantId
            ? Results.Ok(await export.ListDeadLettersAsync(tenantId, limit ?? 100, cancellationToken))
            : ApiResults.NoTenant();

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"The tenant has no export destination with id {id}.");

    /// <summary>The tenant's publishing frequency of updates, in minutes (15, 60 or 360).</summary>
    internal sealed record SettingsView(int PublishingFrequencyMinutes);

    /// <summary>A destination as the API returns it; <see cref="Secret"/> only in the answer that made it.</summary>
    internal sealed record DestinationView(ExportDestination Destination, ExportDeliveryState? State, string? Secret)
    {
        public static DestinationView From(ExportDestination destination, ExportDeliveryState? state, string? secret = null) => new(destination, state, secret);
    }
}
