using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Vigil.Console.Lists;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Api;

/// <summary>
/// The REST API of the signed-in user's threat and trusted lists under <c>/api/v1/lists</c>. The tenant
/// comes from the user's <see cref="ConsoleClaimTypes.Tenant"/> claim only, so another tenant's list name
/// gets 404 like an unknown one. Reading takes any signed-in user; changes take a tenant admin or a
/// platform operator.
/// </summary>
internal static class ListEndpoints
{
    public const string BasePath = "/api/v1/lists";

    /// <summary>Room for the multipart framing and the form fields around the file.</summary>
    private const long FormOverheadBytes = 64 * 1024;

    public static void MapListEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(BasePath).RequireAuthorization();
        group.MapGet("/", ListAsync);
        group.MapGet("/{name}", GetAsync);
        group.MapGet("/{name}/versions", VersionsAsync);
        group.MapGet("/{name}/invalid-lines", InvalidLinesAsync);
        group.MapGet("/{name}/audit", AuditAsync);

        var changes = endpoints.MapGroup(BasePath).RequireAuthorization(policy => policy.RequireRole(ConsoleRoles.TenantAdmin, ConsoleRoles.PlatformOperator));
        changes.MapPost("/", UploadAsync);
        changes.MapPost("/from-s3", FromS3Async);
        changes.MapPost("/{name}/activate", (string name, ClaimsPrincipal user, ListService lists, CancellationToken cancellationToken) => SetActiveAsync(name, true, user, lists, cancellationToken));
        changes.MapPost("/{name}/deactivate", (string name, ClaimsPrincipal user, ListService lists, CancellationToken cancellationToken) => SetActiveAsync(name, false, user, lists, cancellationToken));
        changes.MapDelete("/{name}", DeleteAsync);
    }

    internal static async Task<IResult> ListAsync(ClaimsPrincipal user, ListService lists, CancellationToken cancellationToken) =>
        user.FindTenantId() is { } tenantId ? Results.Ok(await lists.ListAsync(tenantId, cancellationToken)) : ApiResults.NoTenant();

    internal static async Task<IResult> GetAsync(string name, ClaimsPrincipal user, ListService lists, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var detail = await lists.GetAsync(tenantId, name, cancellationToken);
        return detail is null ? NotFound(name) : Results.Ok(detail.List);
    }

    internal static async Task<IResult> VersionsAsync(string name, ClaimsPrincipal user, ListService lists, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var detail = await lists.GetAsync(tenantId, name, cancellationToken);
        return detail is null ? NotFound(name) : Results.Ok(detail.Versions);
    }

    internal static async Task<IResult> AuditAsync(string name, ClaimsPrincipal user, ListService lists, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var detail = await lists.GetAsync(tenantId, name, cancellationToken);
        return detail is null ? NotFound(name) : Results.Ok(detail.Audit);
    }

    internal static async Task<IResult> InvalidLinesAsync(string name, ClaimsPrincipal user, ListService lists, CancellationToken cancellationToken, int offset = 0, int limit = 100)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var page = await lists.InvalidLinesAsync(tenantId, name, offset, limit, cancellationToken);
        return page is null ? NotFound(name) : Results.Ok(page);
    }

    /// <summary>
    /// Takes <c>multipart/form-data</c> with a <c>file</c> and the fields name, format, kind and activate.
    /// The form is read here rather than bound, so the body limit can be raised to the list limit first.
    /// </summary>
    internal static async Task<IResult> UploadAsync(HttpContext context, ClaimsPrincipal user, ListService lists, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        if (!context.Request.HasFormContentType)
        {
            return ApiResults.Invalid("file", "Send the list as multipart/form-data with a 'file' part and the fields name, format and kind.");
        }

        var limit = lists.Options.MaxUploadBytes + FormOverheadBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit, ValueCountLimit = 20 }, cancellationToken);
        }
        catch (Exception exception) when (exception is BadHttpRequestException or InvalidDataException)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "List too large",
                detail: $"The request could not be read: {exception.Message} A list may have at most {lists.Options.MaxUploadBytes:N0} bytes.");
        }

        var file = form.Files.GetFile("file");
        if (file is null)
        {
            return ApiResults.Invalid("file", "The form has no 'file' part with the list.");
        }

        var input = new ListInput
        {
            Name = form["name"].ToString(),
            Format = form["format"].ToString(),
            Kind = form["kind"].Count == 0 ? "threat" : form["kind"].ToString(),
            Activate = !string.Equals(form["activate"].ToString(), "false", StringComparison.OrdinalIgnoreCase),
        };
        await using var stream = file.OpenReadStream();
        var result = await lists.UploadAsync(tenantId, ApiResults.UserName(user), input, stream, cancellationToken);
        return Created(result);
    }

    internal static async Task<IResult> FromS3Async(ListInput input, ClaimsPrincipal user, ListService lists, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var result = await lists.ImportFromS3Async(tenantId, ApiResults.UserName(user), input with { Kind = input.Kind ?? "threat" }, cancellationToken);
        return Created(result);
    }

    internal static async Task<IResult> SetActiveAsync(string name, bool active, ClaimsPrincipal user, ListService lists, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var result = await lists.SetActiveAsync(tenantId, ApiResults.UserName(user), name, active, cancellationToken);
        return result.NotFound ? NotFound(name) : Results.Ok(result.List);
    }

    internal static async Task<IResult> DeleteAsync(string name, ClaimsPrincipal user, ListService lists, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        return await lists.DeleteAsync(tenantId, ApiResults.UserName(user), name, cancellationToken) ? Results.NoContent() : NotFound(name);
    }

    private static IResult Created(ListChangeResult result) => result.Succeeded && result.List is { } list
        ? Results.Created($"{BasePath}/{Uri.EscapeDataString(list.Name)}", new ListImportView(list, result.Loaded ?? 0, result.Rejected ?? 0))
        : Results.ValidationProblem(result.Errors);

    private static IResult NotFound(string name) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"The tenant has no list named '{ApiResults.Bounded(name)}'.");
}

/// <summary>A stored list with how many entries its content loaded and rejected.</summary>
internal sealed record ListImportView(ListView List, int Loaded, int Rejected);
