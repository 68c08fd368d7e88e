using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Vigil.Console.Api;

/// <summary>Answers and helpers that the versioned REST APIs share.</summary>
internal static class ApiResults
{
    public static string UserName(ClaimsPrincipal user) => user.Identity?.Name ?? "(unknown)";

    public static IResult NoTenant() =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "No tenant", detail: "The session carries no tenant; sign out and sign in again.");

    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A name from the URL, cut for an error message.</summary>
    public static string Bounded(string text) => text.Length > 128 ? text[..128] + "…" : text;
}
