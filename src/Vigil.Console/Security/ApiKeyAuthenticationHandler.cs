using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Security;

/// <summary>
/// Authenticates REST API requests by a tenant's API key, sent as <c>X-Api-Key: KEY</c> or
/// <c>Authorization: Bearer KEY</c>. The principal has the key's tenant and role, and the name
/// <c>api-key:NAME</c>. A missing, unknown, revoked or expired key gets the same 401.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IApiKeyStore keys,
    TimeProvider timeProvider)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    // Generated keys are 53 characters long, so a longer header is not a key and is not hashed.
    private const int MaxKeyLength = 128;

    /// <summary>Returns the key of the request, or null when it carries none.</summary>
    public static string? ReadKey(Microsoft.AspNetCore.Http.HttpRequest request)
    {
        var header = request.Headers[HeaderName].ToString();
        if (header.Length > 0)
        {
            return header.Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        if (authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            && authorization.AsSpan(Bearer.Length).Trim().StartsWith(ApiKeySecret.Prefix, StringComparison.Ordinal))
        {
            return authorization[Bearer.Length..].Trim();
        }

        return null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (key.Length > MaxKeyLength || !key.StartsWith(ApiKeySecret.Prefix, StringComparison.Ordinal))
        {
            LogRejected(Logger);
            return AuthenticateResult.Fail("The API key is invalid.");
        }

        var stored = await keys.UseAsync(ApiKeySecret.Hash(key), timeProvider.GetUtcNow(), Context.RequestAborted);
        if (stored is null)
        {
            LogRejected(Logger);
            return AuthenticateResult.Fail("The API key is invalid, revoked or expired.");
        }

        Claim[] claims =
        [
            new(ClaimTypes.Name, "api-key:" + stored.Name),
            new(ClaimTypes.Role, stored.Role),
            new(ConsoleClaimTypes.Tenant, stored.TenantId),
            new(ConsoleClaimTypes.HomeTenant, stored.TenantId),
            new(ConsoleClaimTypes.SignInMethod, ConsoleClaimTypes.SignInMethods.ApiKey),
            new(ConsoleClaimTypes.ApiKeyId, stored.Id.ToString()),
        ];
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An API request was rejected: its API key is invalid, revoked or expired")]
    private static partial void LogRejected(ILogger logger);
}
