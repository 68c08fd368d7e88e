using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Contracts.Storage;

namespace Vigil.Host.Tests.Security;

/// <summary>
/// The tenant-isolation matrix: every route of the running host, enumerated from its endpoint data
/// sources, is asked by a tenant admin of tenant A for tenant B's objects (by id, by filter, or by a
/// body that names tenant B). No response may contain anything of B's, id routes must return 403 or
/// 404, and B's objects must be unchanged afterwards.
/// </summary>
/// <remarks>
/// A route without a line in <see cref="Matrix"/> fails <see cref="EveryRoute_HasMatrixCase"/>, so a
/// new route cannot escape the matrix. Adding a route takes one line, keyed by the methods and the
/// route pattern as the failure message prints them:
/// <code>
/// ["GET /api/v1/things/{id:guid}"] = Ask.Get(b => $"api/v1/things/{b.ThingB}").Denied(),
/// ["POST /api/v1/things"] = Ask.Post(_ => "api/v1/things", new { name = "x", tenantId = SecurityTestHost.TenantB }),
/// ["GET /things/{id}"] = Ask.Get(b => $"things/{b.ThingB}"),
/// ["GET /api/v1/cluster"] = Ask.Exempt("platform-wide, no tenant data"),
/// </code>
/// Seed tenant B's object in <see cref="SecurityTestHost"/> with <see cref="SecurityTestHost.TenantBMarker"/>
/// in its name, so a leak shows up in the response text.
/// </remarks>
[Collection(SecurityHostCollection.Name)]
public sealed class TenantIsolationMatrixTests(SecurityTestHost host)
{
    private static readonly Dictionary<string, Ask> Matrix = new(StringComparer.Ordinal)
    {
        // Sources.
        ["GET /api/v1/sources/"] = Ask.Get(_ => "api/v1/sources"),
        ["GET /api/v1/sources/{id:guid}"] = Ask.Get(b => $"api/v1/sources/{b.SourceB}").Denied(),
        ["GET /api/v1/sources/{id:guid}/status"] = Ask.Get(b => $"api/v1/sources/{b.SourceB}/status").Denied(),
        ["POST /api/v1/sources/"] = Ask.Post(_ => "api/v1/sources", new { name = "matrix source", kind = "Firehose", accountIds = new[] { "111122223333" }, tenantId = SecurityTestHost.TenantB }),
        ["PUT /api/v1/sources/{id:guid}"] = Ask.Put(b => $"api/v1/sources/{b.SourceB}", new { name = "taken over", kind = "Firehose", accountIds = new[] { "111122223333" } }).Denied(),
        ["POST /api/v1/sources/{id:guid}/rotate-key"] = Ask.Post(b => $"api/v1/sources/{b.SourceB}/rotate-key", null).Denied(),
        ["DELETE /api/v1/sources/{id:guid}"] = Ask.Delete(b => $"api/v1/sources/{b.SourceB}").Denied(),
        ["DELETE,GET,POST,PUT /api/sources"] = Ask.Get(_ => "api/sources"),
        ["DELETE,GET,POST,PUT /api/sources/{**rest}"] = Ask.Get(b => $"api/sources/{b.SourceB}"),

        // Users.
        ["GET /api/v1/users/"] = Ask.Get(_ => "api/v1/users"),
        ["GET /api/v1/users/{userName}"] = Ask.Get(_ => $"api/v1/users/{SecurityTestHost.AdminB}").Denied(),
        ["POST /api/v1/users/"] = Ask.Post(_ => "api/v1/users", new { userName = "matrix-user-" + Guid.NewGuid().ToString("N")[..8], role = ConsoleRoles.Analyst, tenantId = SecurityTestHost.TenantB }),
        ["PUT /api/v1/users/{userName}/role"] = Ask.Put(_ => $"api/v1/users/{SecurityTestHost.AdminB}/role", new { role = ConsoleRoles.Analyst }).Denied(),
        ["POST /api/v1/users/{userName}/disable"] = Ask.Post(_ => $"api/v1/users/{SecurityTestHost.AdminB}/disable", null).Denied(),
        ["POST /api/v1/users/{userName}/enable"] = Ask.Post(_ => $"api/v1/users/{SecurityTestHost.AdminB}/enable", null).Denied(),
        ["POST /api/v1/users/{userName}/reset-password"] = Ask.Post(_ => $"api/v1/users/{SecurityTestHost.AdminB}/reset-password", null).Denied(),
        ["POST /api/v1/users/{userName}/unlock"] = Ask.Post(_ => $"api/v1/users/{SecurityTestHost.AdminB}/unlock", null).Denied(),

        // Accounts.
        ["GET /api/v1/accounts/"] = Ask.Get(_ => "api/v1/accounts"),
        ["POST /api/v1/accounts/"] = Ask.Post(_ => "api/v1/accounts", new { accountId = "222233334444", name = "matrix", tenantId = SecurityTestHost.TenantB }),
        ["DELETE /api/v1/accounts/{accountId}"] = Ask.Delete(_ => $"api/v1/accounts/{SecurityTestHost.AccountB}").Denied(),

        // API keys.
        ["GET /api/v1/api-keys/"] = Ask.Get(_ => "api/v1/api-keys"),
        ["GET /api/v1/api-keys/{id:guid}"] = Ask.Get(b => $"api/v1/api-keys/{b.ApiKeyB}").Denied(),
        ["POST /api/v1/api-keys/"] = Ask.Post(_ => "api/v1/api-keys", new { name = "matrix key", role = ConsoleRoles.Analyst, tenantId = SecurityTestHost.TenantB }),
        ["DELETE /api/v1/api-keys/{id:guid}"] = Ask.Delete(b => $"api/v1/api-keys/{b.ApiKeyB}").Denied(),

        // Export destinations and settings.
        ["GET /api/v1/export/destinations"] = Ask.Get(_ => "api/v1/export/destinations"),
        ["GET /api/v1/export/destinations/{id:guid}"] = Ask.Get(b => $"api/v1/export/destinations/{b.DestinationB}").Denied(),
        ["POST /api/v1/export/destinations"] = Ask.Post(_ => "api/v1/export/destinations", new { name = "matrix destination", kind = "Webhook", url = "http://127.0.0.1:9/matrix", tenantId = SecurityTestHost.TenantB }),
        ["PUT /api/v1/export/destinations/{id:guid}"] = Ask.Put(b => $"api/v1/export/destinations/{b.DestinationB}", new { name = "taken over", kind = "Webhook", url = "http://127.0.0.1:9/taken" }).Denied(),
        ["DELETE /api/v1/export/destinations/{id:guid}"] = Ask.Delete(b => $"api/v1/export/destinations/{b.DestinationB}").Denied(),
        ["GET /api/v1/export/settings"] = Ask.Get(_ => $"api/v1/export/settings?tenantId={SecurityTestHost.TenantB}"),
        ["PUT /api/v1/export/settings"] = Ask.Put(_ => "api/v1/export/settings", new { publishingFrequency = "SixHours", tenantId = SecurityTestHost.TenantB }),
        ["GET /api/v1/export/dead-letters"] = Ask.Get(_ => $"api/v1/export/dead-letters?tenantId={SecurityTestHost.TenantB}"),

        // Tenant lists: names are per tenant, so A naming B's list reaches nothing or A's own.
        ["GET /api/v1/lists/"] = Ask.Get(_ => "api/v1/lists"),
        ["GET /api/v1/lists/{name}"] = Ask.Get(_ => $"api/v1/lists/{SecurityTestHost.ListB}").Denied(),
        ["GET /api/v1/lists/{name}/versions"] = Ask.Get(_ => $"api/v1/lists/{SecurityTestHost.ListB}/versions"),
        ["GET /api/v1/lists/{name}/invalid-lines"] = Ask.Get(_ => $"api/v1/lists/{SecurityTestHost.ListB}/invalid-lines").Denied(),
        ["GET /api/v1/lists/{name}/audit"] = Ask.Get(_ => $"api/v1/lists/{SecurityTestHost.ListB}/audit"),
        ["POST /api/v1/lists/"] = Ask.Post(_ => "api/v1/lists", new { name = SecurityTestHost.ListB, tenantId = SecurityTestHost.TenantB }),
        ["POST /api/v1/lists/from-s3"] = Ask.Post(_ => "api/v1/lists/from-s3", new { name = SecurityTestHost.ListB, url = "s3://matrix-bucket/list.txt", format = "txt", tenantId = SecurityTestHost.TenantB }),
        ["POST /api/v1/lists/{name}/activate"] = Ask.Post(_ => $"api/v1/lists/{SecurityTestHost.ListB}/activate", null).Denied(),
        ["POST /api/v1/lists/{name}/deactivate"] = Ask.Post(_ => $"api/v1/lists/{SecurityTestHost.ListB}/deactivate", null).Denied(),
        ["DELETE /api/v1/lists/{name}"] = Ask.Delete(_ => $"api/v1/lists/{SecurityTestHost.ListB}").Denied(),

        // Platform lists and detector settings: a tenant admin may not use the platform routes.
        ["GET /api/v1/platform-lists/"] = Ask.Get(_ => "api/v1/platform-lists").Denied(),
        ["GET /api/v1/platform-lists/{name}"] = Ask.Get(_ => "api/v1/platform-lists/matrix").Denied(),
        ["GET /api/v1/platform-lists/{name}/versions"] = Ask.Get(_ => "api/v1/platform-lists/matrix/versions").Denied(),
        ["GET /api/v1/platform-lists/{name}/invalid-lines"] = Ask.Get(_ => "api/v1/platform-lists/matrix/invalid-lines").Denied(),
        ["GET /api/v1/platform-lists/{name}/audit"] = Ask.Get(_ => "api/v1/platform-lists/matrix/audit").Denied(),
        ["PUT /api/v1/platform-lists/{name}"] = Ask.Put(_ => "api/v1/platform-lists/matrix", new { purpose = "tor", source = "http://127.0.0.1:9/list.txt" }).Denied(),
        ["POST /api/v1/platform-lists/{name}/activate"] = Ask.Post(_ => "api/v1/platform-lists/matrix/activate", null).Denied(),
        ["POST /api/v1/platform-lists/{name}/deactivate"] = Ask.Post(_ => "api/v1/platform-lists/matrix/deactivate", null).Denied(),
        ["POST /api/v1/platform-lists/{name}/fetch"] = Ask.Post(_ => "api/v1/platform-lists/matrix/fetch", null).Denied(),
        ["DELETE /api/v1/platform-lists/{name}"] = Ask.Delete(_ => "api/v1/platform-lists/matrix").Denied(),
        ["GET /api/v1/detector-settings"] = Ask.Get(_ => $"api/v1/detector-settings?tenantId={SecurityTestHost.TenantB}"),
        ["PUT /api/v1/detector-settings"] = Ask.Put(_ => "api/v1/detector-settings", new { tenantId = SecurityTestHost.TenantB, disabledFindingTypes = new[] { "Recon:EC2/Portscan" } }),

        // Rules.
        ["GET /api/v1/rules/"] = Ask.Get(_ => "api/v1/rules"),
        ["GET /api/v1/rules/{name}"] = Ask.Get(_ => $"api/v1/rules/{SecurityTestHost.RuleB}").Denied(),
        // Rule names are per tenant, so this saves a rule of the same name in A and leaves B's alone.
        ["PUT /api/v1/rules/{name}"] = Ask.Put(_ => $"api/v1/rules/{SecurityTestHost.RuleB}", new { yaml = "title: Rule of A\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  selection:\n    eventName: RunInstances\n  condition: selection\nlevel: low\n" }),
        ["POST /api/v1/rules/{name}/enable"] = Ask.Post(_ => $"api/v1/rules/{SecurityTestHost.RuleB}/enable", null).Denied(),
        ["POST /api/v1/rules/{name}/disable"] = Ask.Post(_ => $"api/v1/rules/{SecurityTestHost.RuleB}/disable", null).Denied(),
        ["GET /api/v1/rules/{name}/dry-run-counts"] = Ask.Get(_ => $"api/v1/rules/{SecurityTestHost.RuleB}/dry-run-counts").Denied(),
        ["DELETE /api/v1/rules/{name}"] = Ask.Delete(_ => $"api/v1/rules/{SecurityTestHost.RuleB}").Denied(),
        ["POST /api/v1/rules/validate"] = Ask.Post(_ => "api/v1/rules/validate", new { yaml = "title: x", tenantId = SecurityTestHost.TenantB }),
        ["POST /api/v1/rules/test"] = Ask.Post(_ => "api/v1/rules/test", new { name = SecurityTestHost.RuleB, tenantId = SecurityTestHost.TenantB }),
        ["POST /api/v1/rules/backtest"] = Ask.Post(_ => "api/v1/rules/backtest", new { name = SecurityTestHost.RuleB, tenantId = SecurityTestHost.TenantB }),

        // Findings: B's finding ids reach nothing, and criteria and bulk changes cover only A's findings.
        ["POST /api/v1/findings/search"] = Ask.PostWith(_ => "api/v1/findings/search", b => new { criteria = IdIs(b.FindingB), includeArchived = true, tenantId = SecurityTestHost.TenantB }),
        ["POST /api/v1/findings/groups"] = Ask.PostWith(_ => "api/v1/findings/groups", b => new { criteria = IdIs(b.FindingB), includeArchived = true, by = "resource" }),
        ["GET /api/v1/findings/export"] = Ask.Get(b => $"api/v1/findings/export?format=csv&includeArchived=true&criteria={Uri.EscapeDataString(JsonSerializer.Serialize(IdIs(b.FindingB)))}"),
        ["POST /api/v1/findings/export"] = Ask.PostWith(_ => "api/v1/findings/export", b => new { criteria = IdIs(b.SuppressedFindingB), includeArchived = true, format = "jsonl" }),
        ["POST /api/v1/findings/archive"] = Ask.PostWith(_ => "api/v1/findings/archive", b => new { ids = new[] { b.FindingB } }),
        ["POST /api/v1/findings/unarchive"] = Ask.PostWith(_ => "api/v1/findings/unarchive", b => new { criteria = IdIs(b.SuppressedFindingB) }),
        ["GET /api/v1/findings/{id}"] = Ask.Get(b => $"api/v1/findings/{b.FindingB}").Denied(),
        ["POST /api/v1/findings/{id}/archive"] = Ask.Post(b => $"api/v1/findings/{b.FindingB}/archive", null).Denied(),
        ["POST /api/v1/findings/{id}/unarchive"] = Ask.Post(b => $"api/v1/findings/{b.SuppressedFindingB}/unarchive", null).Denied(),
        ["PUT /api/v1/findings/{id}/feedback"] = Ask.Put(b => $"api/v1/findings/{b.FindingB}/feedback", new { feedback = "NOT_USEFUL" }).Denied(),

        // Suppression rules: a rule of A never archives or unarchives B's findings.
        ["GET /api/v1/suppression-rules/"] = Ask.Get(_ => "api/v1/suppression-rules"),
        ["GET /api/v1/suppression-rules/{id:guid}"] = Ask.Get(b => $"api/v1/suppression-rules/{b.SuppressionRuleB}").Denied(),
        ["POST /api/v1/suppression-rules/preview"] = Ask.PostWith(_ => "api/v1/suppression-rules/preview", b => new { criteria = IdIs(b.FindingB), tenantId = SecurityTestHost.TenantB }),
        ["POST /api/v1/suppression-rules/"] = Ask.PostWith(_ => "api/v1/suppression-rules", b => new { name = "matrix rule", reason = "matrix", enabled = true, criteria = IdIs(b.FindingB), tenantId = SecurityTestHost.TenantB }),
        ["PUT /api/v1/suppression-rules/{id:guid}"] = Ask.PutWith(b => $"api/v1/suppression-rules/{b.SuppressionRuleB}", b => new { name = "taken over", reason = "matrix", enabled = false, criteria = IdIs(b.SuppressedFindingB) }).Denied(),
        ["DELETE /api/v1/suppression-rules/{id:guid}"] = Ask.Delete(b => $"api/v1/suppression-rules/{b.SuppressionRuleB}").Denied(),

        // Audit log, tenants and the OpenAPI document.
        ["GET /api/v1/audit/"] = Ask.Get(_ => $"api/v1/audit?objectId={SecurityTestHost.TenantBMarker}"),
        ["GET /api/v1/tenant"] = Ask.Get(_ => $"api/v1/tenant?tenantId={SecurityTestHost.TenantB}"),
        ["GET /api/v1/tenants/"] = Ask.Get(_ => "api/v1/tenants").Denied(),
        ["GET /api/v1/tenants/{tenantId}"] = Ask.Get(_ => $"api/v1/tenants/{SecurityTestHost.TenantB}").Denied(),
        ["POST /api/v1/tenants/"] = Ask.Post(_ => "api/v1/tenants", new { id = "matrix-tenant", displayName = "x" }).Denied(),
        ["PUT /api/v1/tenants/{tenantId}"] = Ask.Put(_ => $"api/v1/tenants/{SecurityTestHost.TenantB}", new { displayName = "taken over" }).Denied(),
        ["GET /api/v1/openapi.json"] = Ask.Exempt("the API description, generated from code; no tenant data"),
        ["GET /api/v1/antiforgery/token"] = Ask.Exempt("issues the caller's own antiforgery token; no tenant data"),

        // Sign-in endpoints.
        ["POST /account/login"] = Ask.Exempt("sign-in form; returns a redirect and sets only the caller's own session"),
        ["POST /account/logout"] = Ask.Exempt("sign-out form; ends only the caller's own session"),
        ["GET /account/oidc"] = Ask.Exempt("redirect to the identity provider; no tenant data"),
        ["POST /account/tenant"] = Ask.PostForm(_ => "account/tenant", new() { ["tenantId"] = SecurityTestHost.TenantB }).Denied(),

        // Pages: the prerendered HTML must hold nothing of B's.
        ["GET,POST /"] = Ask.Get(_ => ""),
        ["GET,POST /findings"] = Ask.Get(b => $"findings?tenant={SecurityTestHost.TenantB}"),
        ["GET,POST /findings/{Id}"] = Ask.Get(b => $"findings/{b.FindingB}"),
        ["GET,POST /sources"] = Ask.Get(_ => "sources"),
        ["GET,POST /integrity"] = Ask.Get(_ => "integrity"),
        ["GET,POST /users"] = Ask.Get(_ => "users"),
        ["GET,POST /accounts"] = Ask.Get(_ => "accounts"),
        ["GET,POST /api-keys"] = Ask.Get(_ => "api-keys"),
        ["GET,POST /audit"] = Ask.Get(_ => "audit"),
        ["GET,POST /tenants"] = Ask.Get(_ => "tenants"),
        ["GET,POST /rules"] = Ask.Get(_ => "rules"),
        ["GET,POST /suppression-rules"] = Ask.Get(_ => "suppression-rules"),
        ["GET,POST /lists"] = Ask.Get(_ => $"lists?name={SecurityTestHost.ListB}"),
        ["GET,POST /settings"] = Ask.Get(_ => "settings"),
        ["GET,POST /export"] = Ask.Get(_ => "export"),
        ["GET,POST /principals"] = Ask.Get(_ => $"principals?q={SecurityTestHost.TenantBMarker}"),
        ["GET,POST /principals/profile"] = Ask.Get(_ => $"principals/profile?key={SecurityTestHost.AccountB}/arn:aws:iam::{SecurityTestHost.AccountB}:user/{SecurityTestHost.TenantBMarker}"),
        ["GET,POST /cluster"] = Ask.Get(_ => "cluster").Denied(),
        ["GET,POST /login"] = Ask.Exempt("sign-in page, anonymous"),
        ["GET,POST /not-found"] = Ask.Exempt("static message"),
        ["GET,POST /error/{StatusCode:int}"] = Ask.Exempt("static message per status code"),
        ["GET,POST /access-denied"] = Ask.Exempt("static message"),

        // Host endpoints without tenant data.
        ["* /health/live"] = Ask.Exempt("liveness, no tenant data"),
        ["* /health/ready"] = Ask.Exempt("readiness, no tenant data"),
        ["* /metrics"] = Ask.Exempt("Prometheus metrics, platform-wide counters"),
        ["GET,HEAD /{**path:file}"] = Ask.Exempt("static files of the build output by path; no tenant data"),
        ["POST /api/ingest/firehose"] = Ask.Exempt("authenticated by a source's access key, which names its tenant; covered by FirehoseEndpointTests"),
    };

    [Fact]
    public void EveryRoute_HasMatrixCase()
    {
        var routes = RouteKeys();

        var missing = routes.Where(route => !Matrix.ContainsKey(route)).ToList();
        var stale = Matrix.Keys.Where(route => !routes.Contains(route)).ToList();

        Assert.True(missing.Count == 0, "Routes without a tenant-isolation case; add one line each to TenantIsolationMatrixTests.Matrix:\n" + string.Join("\n", missing));
        Assert.True(stale.Count == 0, "Matrix cases for routes that no longer exist:\n" + string.Join("\n", stale));
    }

    [Fact]
    public async Task TenantAdminOfA_GetsNothingOfB()
    {
        var before = await SnapshotOfBAsync();
        using var client = await host.SignInAsync(SecurityTestHost.AdminA);
        var failures = new List<string>();

        foreach (var (route, ask) in Matrix.Where(pair => !pair.Value.IsExempt).OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            using var request = await ask.BuildAsync(host, client);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;

            var sent = request.RequestUri + (request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync());
            var leak = LeakedValues(body, sent).ToList();
            if (leak.Count > 0)
            {
                failures.Add($"{route}: response {status} contains {string.Join(", ", leak)}");
            }

            if (status >= 500)
            {
                failures.Add($"{route}: server error {status}");
            }

            if (ask.MustDeny && !IsDenied(response))
            {
                failures.Add($"{route}: expected 403, 404 or a redirect to the access-denied page, got {status}");
            }
        }

        var after = await SnapshotOfBAsync();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, after);
    }

    private HashSet<string> RouteKeys()
    {
        var endpoints = ((IEndpointRouteBuilder)host.App).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            var pattern = "/" + endpoint.RoutePattern.RawText?.TrimStart('/');

            // Static files (MudBlazor, blazor.web.js, the console's CSS) and the Blazor circuit hub carry no tenant data.
            if (endpoint.Metadata.Any(item => item.GetType().FullName == "Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor")
                || pattern.StartsWith("/_blazor", StringComparison.Ordinal)
                || pattern.StartsWith("/_framework", StringComparison.Ordinal))
            {
                continue;
            }

            IEnumerable<string> methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Order(StringComparer.Ordinal) ?? (IEnumerable<string>)["*"];
            keys.Add($"{string.Join(",", methods)} {pattern}");
        }

        return keys;
    }

    /// <summary>
    /// Returns B's values in the response. An id that the request itself carried may be echoed, as in
    /// "the tenant has no source with id X"; the marker, which only B's stored objects carry, may never appear.
    /// </summary>
    private IEnumerable<string> LeakedValues(string body, string sent)
    {
        string[] values = [SecurityTestHost.TenantBMarker, host.SourceB.ToString(), host.ApiKeyB.ToString(), host.FindingB, host.SuppressedFindingB, host.DestinationB.ToString(), host.SuppressionRuleB.ToString()];
        return values.Where(value => body.Contains(value, StringComparison.OrdinalIgnoreCase) && !sent.Contains(value, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Returns finding criteria, as the API reads them, that match one finding id.</summary>
    private static object IdIs(string findingId) => new { criteria = new[] { new { field = "id", @operator = "Equals", values = new[] { findingId } } } };

    private static bool IsDenied(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound
        || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("/access-denied", StringComparison.Ordinal) == true);

    /// <summary>Everything of tenant B that a request could change, as one comparable text.</summary>
    private async Task<string> SnapshotOfBAsync()
    {
        var tenant = await host.Get<ITenantStore>().GetAsync(SecurityTestHost.TenantB, CancellationToken.None);
        var users = await host.Get<IConsoleUserStore>().ListAsync(SecurityTestHost.TenantB, CancellationToken.None);
        var sources = await host.Get<ISourceStore>().ListAsync(SecurityTestHost.TenantB, CancellationToken.None);
        var accounts = await host.Get<ITenantStore>().ListAccountsAsync(SecurityTestHost.TenantB, CancellationToken.None);
        var keys = await host.Get<IApiKeyStore>().ListAsync(SecurityTestHost.TenantB, CancellationToken.None);
        var audit = await host.Get<IAuditLog>().ListAsync(SecurityTestHost.TenantB, new AuditQuery { Limit = AuditQuery.MaxLimit }, CancellationToken.None);
        var destinations = (await host.Get<IExportDestinationStore>().ListAsync(SecurityTestHost.TenantB, CancellationToken.None)).Select(overview => overview.Destination);
        var frequency = await host.Get<IExportDestinationStore>().GetPublishingFrequencyAsync(SecurityTestHost.TenantB, CancellationToken.None);
        var rules = await host.Get<IRuleStore>().ListAsync(SecurityTestHost.TenantB, CancellationToken.None);
        var lists = await host.Get<IThreatListStore>().ListAsync(SecurityTestHost.TenantB, CancellationToken.None);
        var settings = await host.Get<IDetectorSettingsStore>().FindAsync(SecurityTestHost.TenantB, CancellationToken.None);
        var findings = await host.Get<IFindingQueries>().ListAsync(SecurityTestHost.TenantB, new FindingListQuery { IncludeArchived = true, Limit = FindingListQuery.MaxLimit }, CancellationToken.None);
        var suppressionRules = await host.Get<ISuppressionRuleStore>().ListAsync(SecurityTestHost.TenantB, CancellationToken.None);
        var savedFilters = await host.Get<ISavedFilterStore>().ListAsync(SecurityTestHost.TenantB, SecurityTestHost.AdminB, CancellationToken.None);
        return JsonSerializer.Serialize(new { tenant, users, sources, accounts, keys, audit, destinations, frequency, rules, lists, settings, findings = findings.Items, suppressionRules, savedFilters });
    }

    /// <summary>One request of the matrix and what its response must satisfy.</summary>
    private sealed record Ask(string Method, Func<SecurityTestHost, string>? Url, object? Body, Dictionary<string, string>? Form, string? ExemptReason)
    {
        public bool IsExempt => ExemptReason is not null;

        /// <summary>
        /// The route must return 403 or 404 (or, for a form post, redirect to the access-denied page),
        /// because the request names one of B's objects or is a platform operator's route.
        /// </summary>
        public bool MustDeny { get; private init; }

        public static Ask Get(Func<SecurityTestHost, string> url) => new(HttpMethods.Get, url, null, null, null);

        public static Ask Post(Func<SecurityTestHost, string> url, object? body) => new(HttpMethods.Post, url, body, null, null);

        public static Ask Put(Func<SecurityTestHost, string> url, object? body) => new(HttpMethods.Put, url, body, null, null);

        /// <summary>A JSON post whose body names objects of the running host's tenant B, such as its finding ids.</summary>
        public static Ask PostWith(Func<SecurityTestHost, string> url, Func<SecurityTestHost, object> body) => new(HttpMethods.Post, url, body, null, null);

        /// <summary>A JSON put whose body names objects of the running host's tenant B.</summary>
        public static Ask PutWith(Func<SecurityTestHost, string> url, Func<SecurityTestHost, object> body) => new(HttpMethods.Put, url, body, null, null);

        public static Ask Delete(Func<SecurityTestHost, string> url) => new(HttpMethods.Delete, url, null, null, null);

        /// <summary>A form post with the antiforgery token of the findings page added.</summary>
        public static Ask PostForm(Func<SecurityTestHost, string> url, Dictionary<string, string> form) => new(HttpMethods.Post, url, null, form, null);

        /// <summary>A route that serves no tenant data, with the reason.</summary>
        public static Ask Exempt(string reason) => new(HttpMethods.Get, null, null, null, reason);

        public Ask Denied() => this with { MustDeny = true };

        public async Task<HttpRequestMessage> BuildAsync(SecurityTestHost host, HttpClient client)
        {
            var request = new HttpRequestMessage(new HttpMethod(Method), Url!(host));
            if (Body is Func<SecurityTestHost, object> bodyOfHost)
            {
                request.Content = JsonContent.Create(bodyOfHost(host));
            }
            else if (Body is not null)
            {
                request.Content = JsonContent.Create(Body);
            }
            else if (Form is not null)
            {
                var fields = new Dictionary<string, string>(Form) { ["__RequestVerificationToken"] = await SecurityTestHost.GetAntiforgeryTokenAsync(client, "findings") };
                request.Content = new FormUrlEncodedContent(fields);
            }

            return request;
        }
    }
}
