using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Vigil.Console.Api;

/// <summary>Answers and helpers that the versioned REST APIs share.</summary>
internal static class ApiResults
{
    public static string UserName(ClaimsPrincipal user) => user.Identity?.Name ?? "(unknown)";

    public static IResult NoTenant() =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "No tenant", detail: "The session carries no tenant; sign out and sign in again.");
}
