using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Vigil.Host.Tests.Security;

/// <summary>
/// A small OpenID Connect provider on 127.0.0.1 for the sign-in tests: discovery, JWKS, an authorize
/// endpoint that signs in <see cref="NextUser"/> without a form, and a token endpoint that checks
/// the code, the redirect URI and the PKCE verifier, and returns RS256-signed tokens.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "vigil-console";
    public const string ClientSecret = "test-client-secret";

    private readonly RSA rsa = RSA.Create(2048);
    private readonly RsaSecurityKey signingKey;
    private readonly ConcurrentDictionary<string, PendingCode> codes = new(StringComparer.Ordinal);
    private WebApplication? app;

    public TestIdentityProvider()
    {
        signingKey = new RsaSecurityKey(rsa) { KeyId = "test-key-1" };
    }

    /// <summary>The issuer URL, such as http://127.0.0.1:41234.</summary>
    public string Issuer { get; private set; } = string.Empty;

    /// <summary>The claims of the user whom the next authorize request signs in.</summary>
    public IReadOnlyDictionary<string, object> NextUser { get; set; } = new Dictionary<string, object>();

    /// <summary>Redirect URIs the provider accepts; the test registers the console's callback.</summary>
    public HashSet<string> RedirectUris { get; } = new(StringComparer.Ordinal);

    /// <summary>Token requests that were rejected, with the reason, so a failing test can show them.</summary>
    public ConcurrentQueue<string> Rejections { get; } = new();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0"] });
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapGet("/.well-known/openid-configuration", Discovery);
        app.MapGet("/jwks", () => Results.Json(new { keys = new[] { JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = signingKey.KeyId }) } }));
        app.MapGet("/authorize", Authorize);
        app.MapPost("/token", TokenAsync);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Issuer = address.TrimEnd('/');
    }

    /// <summary>Returns an access token for the console's API with these claims, signed by this provider.</summary>
    public string IssueAccessToken(IReadOnlyDictionary<string, object> claims, string? audience = null, SecurityKey? key = null) =>
        CreateToken(claims, audience ?? ClientId, nonce: null, key);

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        rsa.Dispose();
    }

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = Issuer + "/authorize",
        ["token_endpoint"] = Issuer + "/token",
        ["jwks_uri"] = Issuer + "/jwks",
        ["response_types_supported"] = new[] { "code" },
        ["response_modes_supported"] = new[] { "query" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
    });

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        var redirectUri = query["redirect_uri"].ToString();
        if (query["client_id"] != ClientId || !RedirectUris.Contains(redirectUri) || query["response_type"] != "code")
        {
            return Results.BadRequest("unknown client, redirect URI or response type");
        }

        if (query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(query["code_challenge"]))
        {
            return Results.BadRequest("PKCE with S256 is required");
        }

        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        codes[code] = new PendingCode(NextUser, query["nonce"].ToString(), query["code_challenge"].ToString(), redirectUri);
        var location = $"{redirectUri}?code={code}&state={Uri.EscapeDataString(query["state"].ToString())}";
        return Results.Redirect(location);
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var reason = CheckTokenRequest(form, out var pending);
        if (reason is not null)
        {
            Rejections.Enqueue(reason);
            return Results.Json(new { error = "invalid_grant", error_description = reason }, statusCode: StatusCodes.Status400BadRequest);
        }

        return Results.Json(new
        {
            access_token = CreateToken(pending!.Claims, ClientId, nonce: null, key: null),
            id_token = CreateToken(pending.Claims, ClientId, pending.Nonce, key: null),
            token_type = "Bearer",
            expires_in = 300,
        });
    }

    private string? CheckTokenRequest(IFormCollection form, out PendingCode? pending)
    {
        pending = null;
        if (form["grant_type"] != "authorization_code" || !codes.TryRemove(form["code"].ToString(), out pending))
        {
            return "unknown or reused code";
        }

        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
        {
            return "wrong client credentials";
        }

        if (form["redirect_uri"] != pending.RedirectUri)
        {
            return "redirect URI differs from the authorize request";
        }

        var verifier = form["code_verifier"].ToString();
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return challenge == pending.CodeChallenge ? null : "PKCE verifier does not match the challenge";
    }

    private string CreateToken(IReadOnlyDictionary<string, object> claims, string audience, string? nonce, SecurityKey? key)
    {
        var payload = new Dictionary<string, object>(claims);
        if (nonce is not null)
        {
            payload["nonce"] = nonce;
        }

        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddMinutes(5),
            Claims = payload,
            SigningCredentials = new SigningCredentials(key ?? signingKey, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    private sealed record PendingCode(IReadOnlyDictionary<string, object> Claims, string Nonce, string CodeChallenge, string RedirectUri);
}
