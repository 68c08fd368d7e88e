using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing;

namespace Vigil.Host.Tests.Security;

/// <summary>
/// Every HTML page of the running host, signed in and not, carries the security headers, and every
/// form that posts carries an antiforgery token.
/// </summary>
[Collection(SecurityHostCollection.Name)]
public sealed partial class SecurityHeaderTests(SecurityTestHost host)
{
    [Fact]
    public async Task EveryHtmlResponse_CarriesSecurityHeaders()
    {
        using var signedIn = await host.SignInAsync(SecurityTestHost.OperatorName);
        using var anonymous = host.CreateClient();
        var failures = new List<string>();
        var pages = PagePaths().Append("no-such-page").ToList();

        foreach (var (client, who) in new[] { (signedIn, "operator"), (anonymous, "anonymous") })
        {
            foreach (var path in pages)
            {
                using var response = await client.GetAsync(path);
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                if (mediaType != "text/html")
                {
                    continue;
                }

                var html = await response.Content.ReadAsStringAsync();
                failures.AddRange(CheckHeaders(response).Select(problem => $"{who} GET /{path}: {problem}"));
                failures.AddRange(CheckForms(html).Select(problem => $"{who} GET /{path}: {problem}"));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(pages.Count > 10, "the host should have more than ten pages");
    }

    [Fact]
    public async Task ApiResponse_CarriesNoSniffAndPolicy()
    {
        using var client = await host.SignInAsync(SecurityTestHost.AnalystA);

        using var response = await client.GetAsync("api/v1/tenant");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportMap_CarriesThisResponsesNonce()
    {
        using var client = host.CreateClient();

        using var response = await client.GetAsync("login");
        var html = await response.Content.ReadAsStringAsync();
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();

        var nonce = NonceInPolicy().Match(policy).Groups["nonce"].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", html, StringComparison.Ordinal);
    }

    private IEnumerable<string> PagePaths()
    {
        var endpoints = ((IEndpointRouteBuilder)host.App).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>();
        return endpoints
            .Where(endpoint => endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            .Select(endpoint => RouteParameter().Replace(endpoint.RoutePattern.RawText!.TrimStart('/'), "00000000000000000000000000000000"))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
    }

    private static IEnumerable<string> CheckHeaders(HttpResponseMessage response)
    {
        var policy = response.Headers.TryGetValues("Content-Security-Policy", out var values) ? values.Single() : null;
        if (policy is null)
        {
            yield return "no Content-Security-Policy";
            yield break;
        }

        foreach (var directive in new[] { "default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'" })
        {
            if (!policy.Contains(directive, StringComparison.Ordinal))
            {
                yield return $"Content-Security-Policy lacks {directive}";
            }
        }

        if (policy.Contains("unsafe-eval", StringComparison.Ordinal) || NonceInPolicy().Match(policy).Success == false)
        {
            yield return "script-src must have a nonce and no 'unsafe-eval'";
        }

        if (!response.Headers.TryGetValues("X-Content-Type-Options", out var sniff) || sniff.Single() != "nosniff")
        {
            yield return "no X-Content-Type-Options: nosniff";
        }

        if (!response.Headers.TryGetValues("Referrer-Policy", out var referrer) || referrer.Single() != "no-referrer")
        {
            yield return "no Referrer-Policy: no-referrer";
        }

        if (!response.Headers.TryGetValues("X-Frame-Options", out var frame) || frame.Single() != "DENY")
        {
            yield return "no X-Frame-Options: DENY";
        }
    }

    private static IEnumerable<string> CheckForms(string html)
    {
        foreach (Match form in PostForm().Matches(html))
        {
            if (!form.Value.Contains("__RequestVerificationToken", StringComparison.Ordinal))
            {
                yield return "a form that posts has no antiforgery token: " + form.Value[..Math.Min(120, form.Value.Length)];
            }
        }
    }

    [GeneratedRegex(@"<form[^>]*method=""post""[^>]*>.*?</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex PostForm();

    [GeneratedRegex(@"script-src 'self' 'nonce-(?<nonce>[A-Za-z0-9+/=]+)'")]
    private static partial Regex NonceInPolicy();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
