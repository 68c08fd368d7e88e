using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Console.Settings;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Api;

/// <summary>
/// The signed-in user's tenant's detector settings under <c>/api/v1/detector-settings</c>: any signed-in
/// user reads them, a tenant admin or a platform operator changes them. The tenant comes from the claim only.
/// </summary>
internal static class DetectorSettingsEndpoints
{
    public const string BasePath = "/api/v1/detector-settings";

    public static void MapDetectorSettingsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(BasePath, GetAsync).RequireAuthorization();
        endpoints.MapPut(BasePath, PutAsync).RequireAuthorization(policy => policy.RequireRole(ConsoleRoles.TenantAdmin, ConsoleRoles.PlatformOperator));
    }

    internal static async Task<IResult> GetAsync(ClaimsPrincipal user, DetectorSettingsService settings, CancellationToken cancellationToken) =>
        user.FindTenantId() is { } tenantId ? Results.Ok(await settings.GetAsync(tenantId, cancellationToken)) : ApiResults.NoTenant();

    /// <summary>Replaces the settings; <see cref="DetectorSettingsInput.Version"/> must be the version read, 0 when none were stored.</summary>
    internal static async Task<IResult> PutAsync(DetectorSettingsInput input, ClaimsPrincipal user, DetectorSettingsService settings, CancellationToken cancellationToken)
    {
        if (user.FindTenantId() is not { } tenantId)
        {
            return ApiResults.NoTenant();
        }

        var outcome = await settings.SaveAsync(tenantId, ApiResults.UserName(user), input.ToSettings(), input.Version, cancellationToken);
        if (outcome.Conflict)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Changed meanwhile",
                detail: "The settings were changed since they were read; read them again and repeat the change.");
        }

        return outcome.Succeeded ? Results.Ok(outcome.Settings) : Results.ValidationProblem(outcome.Errors);
    }
}

/// <summary>The body of a settings change: the version read and every setting (null for the default).</summary>
internal sealed record DetectorSettingsInput(
    int Version,
    int? PortscanPorts,
    int? PortSweepHosts,
    int? BruteForceConnections,
    long? DenialOfServicePackets,
    int? LearningDays,
    IReadOnlyList<string>? DisabledFindingTypes)
{
    public DetectorSettings ToSettings() => new()
    {
        PortscanPorts = PortscanPorts,
        PortSweepHosts = PortSweepHosts,
        BruteForceConnections = BruteForceConnections,
        DenialOfServicePackets = DenialOfServicePackets,
        LearningDays = LearningDays,
        DisabledFindingTypes = DisabledFindingTypes ?? [],
    };
}
