using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Console.Findings;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Api;

/// <summary>
/// The findings REST API under <c>/api/v1/findings</c>: search with criteria and a keyset cursor, get,
/// archive and unarchive (one, a list of ids or every match of criteria), feedback, grouping and export
/// as JSON Lines or CSV. The tenant comes from the user's claim only, so another tenant's finding id
/// gets 404 like an unknown one. Any console role may read and triage.
/// </summary>
internal static class FindingEndpoints
{
    public const string BasePath = "/api/v1/findings";

    public static void MapFindingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(BasePath)
            .RequireAuthorization(policy => policy.RequireRole(ConsoleRoles.Analyst, ConsoleRoles.TenantAdmin, ConsoleRoles.PlatformOperator));
        group.MapPost("/search", SearchAsync);
        group.MapPost("/groups", GroupAsync);
        group.MapGet("/export", ExportFromQueryAsync);
        group.MapPost("/export", ExportFromBodyAsync);
        group.MapPost("/archive", (HttpRequest request, ClaimsPrincipal user, IFindingTriage triage, CancellationToken token) => BulkArchiveAsync(request, user, triage, true, token));
        group.MapPost("/unarchive", (HttpRequest request, ClaimsPrincipal user, IFindingTriage triage, CancellationToken token) => BulkArchiveAsync(request, user, triage, false, token));
        group.MapGet("/{id}", GetAsync);
        group.MapPost("/{id}/archive", (string id, ClaimsPrincipal user, IFindingQueries queries, CancellationToken token) => ArchiveOneAsync(id, user, queries, true, token));
        group.MapPost("/{id}/unarchive", (string id, ClaimsPrincipal user, IFindingQueries queries, CancellationToken token) => ArchiveOneAsync(id, user, queries, false, token));
        group.MapPut("/{id}/feedback", FeedbackAsync);
    }

    internal static async Task<IResult> SearchAsync(HttpRequest request, ClaimsPrincipal user, IFindingQueries queries, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiJson.NoTenant();
        }

        var (body, error) = await ApiJson.ReadAsync<FindingSearchRequest>(request, cancellationToken);
        if (body is null)
        {
            return ApiJson.BadRequest("body", error!);
        }

        if (body.SortBy is not null && !Enum.TryParse<FindingSortField>(body.SortBy, ignoreCase: true, out _))
        {
            return ApiJson.BadRequest("sortBy", $"Unknown sort field '{body.SortBy}'; use one of {string.Join(", ", Enum.GetNames<FindingSortField>())}.");
        }

        var query = new FindingListQuery
        {
            Criteria = body.Criteria ?? FindingCriteria.Empty,
            After = body.After,
            Limit = Math.Clamp(body.Limit ?? 50, 1, FindingListQuery.MaxLimit),
            SortBy = body.SortBy is null ? FindingSortField.LastSeen : Enum.Parse<FindingSortField>(body.SortBy, ignoreCase: true),
            Descending = body.Descending ?? true,
            IncludeArchived = body.IncludeArchived ?? false,
        };
        if (CriteriaErrors(query.Criteria) is { } invalid)
        {
            return invalid;
        }

        try
        {
            var page = await queries.ListAsync(tenantId, query, cancellationToken);
            return ApiJson.Ok(new FindingSearchResponse(page.Items, page.NextCursor, page.MatchCount, page.MatchCountIsLowerBound));
        }
        catch (ArgumentException exception)
        {
            return ApiJson.BadRequest("after", exception.Message.Split(" (Parameter", 2)[0]);
        }
    }

    internal static async Task<IResult> GetAsync(string id, ClaimsPrincipal user, IFindingQueries queries, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiJson.NoTenant();
        }

        var finding = await queries.GetAsync(tenantId, id, cancellationToken);
        return finding is null ? NotFound(id) : Results.Text(FindingJson.Serialize(finding), "application/json", Encoding.UTF8);
    }

    internal static async Task<IResult> ArchiveOneAsync(string id, ClaimsPrincipal user, IFindingQueries queries, bool archived, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiJson.NoTenant();
        }

        return await queries.SetArchivedAsync(tenantId, id, archived, cancellationToken) ? Results.NoContent() : NotFound(id);
    }

    internal static async Task<IResult> BulkArchiveAsync(HttpRequest request, ClaimsPrincipal user, IFindingTriage triage, bool archived, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiJson.NoTenant();
        }

        var (body, error) = await ApiJson.ReadAsync<BulkArchiveRequest>(request, cancellationToken);
        if (body is null)
        {
            return ApiJson.BadRequest("body", error!);
        }

        if ((body.Ids is null) == (body.Criteria is null))
        {
            return ApiJson.BadRequest("body", "Give either ids (a list of finding ids) or criteria, not both.");
        }

        if (body.Ids is { } ids)
        {
            if (ids.Count is 0 or > IFindingTriage.MaxBulkIds || ids.Any(string.IsNullOrEmpty))
            {
                return ApiJson.BadRequest("ids", $"Give 1 to {IFindingTriage.MaxBulkIds} non-empty finding ids.");
            }

            return ApiJson.Ok(new BulkArchiveResponse(await triage.SetArchivedAsync(tenantId, [.. ids.Distinct(StringComparer.Ordinal)], archived, cancellationToken)));
        }

        if (CriteriaErrors(body.Criteria!) is { } invalid)
        {
            return invalid;
        }

        return ApiJson.Ok(new BulkArchiveResponse(await triage.SetArchivedMatchingAsync(tenantId, body.Criteria!, archived, cancellationToken)));
    }

    internal static async Task<IResult> FeedbackAsync(string id, HttpRequest request, ClaimsPrincipal user, FindingFeedbackService feedback, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiJson.NoTenant();
        }

        var (body, error) = await ApiJson.ReadAsync<FeedbackRequest>(request, cancellationToken);
        if (body is null)
        {
            return ApiJson.BadRequest("body", error!);
        }

        if (!TryParseFeedback(body.Feedback, out var value))
        {
            return ApiJson.BadRequest("feedback", $"Use {FindingFeedbackText.Useful}, {FindingFeedbackText.NotUseful} or null.");
        }

        var result = await feedback.SetAsync(tenantId, id, value, cancellationToken);
        return result is null ? NotFound(id) : ApiJson.Ok(new FeedbackResponse(body.Feedback, result.ProfileUpdated));
    }

    internal static async Task<IResult> GroupAsync(HttpRequest request, ClaimsPrincipal user, IFindingTriage triage, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiJson.NoTenant();
        }

        var (body, error) = await ApiJson.ReadAsync<GroupRequest>(request, cancellationToken);
        if (body is null)
        {
            return ApiJson.BadRequest("body", error!);
        }

        if (!Enum.TryParse<FindingGrouping>(body.By ?? nameof(FindingGrouping.Type), ignoreCase: true, out var grouping))
        {
            return ApiJson.BadRequest("by", "Group by type or resource.");
        }

        var criteria = body.Criteria ?? FindingCriteria.Empty;
        if (CriteriaErrors(criteria) is { } invalid)
        {
            return invalid;
        }

        return ApiJson.Ok(await triage.GroupAsync(tenantId, criteria, body.IncludeArchived ?? false, grouping, body.Limit ?? 50, cancellationToken));
    }

    internal static async Task<IResult> ExportFromQueryAsync(HttpContext context, string? format, string? criteria, bool? includeArchived, IFindingTriage triage)
    {
        var (parsed, error) = ApiJson.ParseCriteria(criteria);
        return parsed is null
            ? ApiJson.BadRequest("criteria", error!)
            : await ExportAsync(context, format, parsed, includeArchived ?? false, triage);
    }

    internal static async Task<IResult> ExportFromBodyAsync(HttpContext context, string? format, IFindingTriage triage)
    {
        var (body, error) = await ApiJson.ReadAsync<ExportRequest>(context.Request, context.RequestAborted);
        return body is null
            ? ApiJson.BadRequest("body", error!)
            : await ExportAsync(context, format ?? body.Format, body.Criteria ?? FindingCriteria.Empty, body.IncludeArchived ?? false, triage);
    }

    /// <summary>Streams the matching findings, suppressed ones never included, as JSON Lines or CSV.</summary>
    private static async Task<IResult> ExportAsync(HttpContext context, string? format, FindingCriteria criteria, bool includeArchived, IFindingTriage triage)
    {
        if (context.User.FindTenantId() is not { } tenantId)
        {
            return ApiJson.NoTenant();
        }

        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);
        if (!csv && format is not null && !string.Equals(format, "jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return ApiJson.BadRequest("format", "Use jsonl or csv.");
        }

        if (CriteriaErrors(criteria) is { } invalid)
        {
            return invalid;
        }

        var findings = triage.ExportAsync(tenantId, criteria, includeArchived, context.RequestAborted);
        var fileName = $"vigil-findings.{(csv ? "csv" : "jsonl")}";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        return Results.Stream(
            async body =>
            {
                await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024);
                if (csv)
                {
                    await FindingCsvWriter.WriteAsync(writer, findings, context.RequestAborted);
                }
                else
                {
                    await FindingJsonLinesWriter.WriteAsync(writer, findings, context.RequestAborted);
                }
            },
            csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8");
    }

    private static bool TryParseFeedback(string? text, out FindingFeedback? feedback)
    {
        feedback = text switch
        {
            FindingFeedbackText.Useful => FindingFeedback.Useful,
            FindingFeedbackText.NotUseful => FindingFeedback.NotUseful,
            _ => null,
        };
        return text is null || feedback is not null;
    }

    private static IResult? CriteriaErrors(FindingCriteria criteria) =>
        FindingCriteriaValidator.TryValidate(criteria, out _, out var errors)
            ? null
            : ApiJson.BadRequest("criteria", [.. errors.Select(error => error.ToString())]);

    private static IResult NotFound(string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"The tenant has no finding with id {Display.DisplayText.SingleLine(id)}.");
}

internal sealed record FindingSearchRequest(FindingCriteria? Criteria, string? SortBy, bool? Descending, string? After, int? Limit, bool? IncludeArchived);

internal sealed record FindingSearchResponse(IReadOnlyList<FindingSummary> Items, string? NextCursor, long MatchCount, bool MatchCountIsLowerBound);

internal sealed record BulkArchiveRequest(IReadOnlyList<string>? Ids, FindingCriteria? Criteria);

internal sealed record BulkArchiveResponse(int Changed);

internal sealed record FeedbackRequest(string? Feedback);

internal sealed record FeedbackResponse(string? Feedback, bool ProfileUpdated);

internal sealed record GroupRequest(FindingCriteria? Criteria, bool? IncludeArchived, string? By, int? Limit);

internal sealed record ExportRequest(FindingCriteria? Criteria, bool? IncludeArchived, string? Format);
