using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Console;
using Vigil.Console.Security;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;
using Vigil.Detection.Intel;
using Vigil.Host.Configuration;
using Vigil.Host.Services;
using Vigil.Testing;

namespace Vigil.Host.Tests.Security;

/// <summary>
/// The host's composition with every endpoint (<see cref="VigilHostBuilderExtensions.UseVigilEndpoints"/>),
/// on PostgreSQL, served by Kestrel on 127.0.0.1, with local accounts and OpenID Connect against a
/// <see cref="TestIdentityProvider"/>. Two tenants are seeded: A with an admin and an analyst, and B
/// with an admin and one object of every kind, each carrying <see cref="TenantBMarker"/>.
/// </summary>
public sealed partial class SecurityTestHost : IAsyncLifetime
{
    public const string TenantA = "tenant-a";
    public const string TenantB = "tenant-b";
    public const string Password = "correct horse battery staple";
    public const string OperatorName = "operator";
    public const string AdminA = "admin-a";
    public const string AnalystA = "analyst-a";
    public const string AdminB = "admin-b";

    /// <summary>Text in every name and title of tenant B's objects; no response to tenant A may contain it.</summary>
    public const string TenantBMarker = "zz-tenant-b-marker";

    public const string AccountB = "999988887777";

    private readonly PostgresFixture database = new();
    private WebApplication? app;

    public TestIdentityProvider IdentityProvider { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => app?.Services ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>The running application, whose endpoint data sources the tests enumerate.</summary>
    public WebApplication App => app ?? throw new InvalidOperationException("The host has not started.");

    public Guid SourceB { get; private set; }

    public Guid ApiKeyB { get; private set; }

    public string FindingB { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Tenant B's finding that <see cref="SuppressionRuleB"/> archived.</summary>
    public string SuppressedFindingB { get; } = Guid.NewGuid().ToString("N");

    public Guid SuppressionRuleB { get; private set; }

    public Guid DestinationB { get; private set; }

    /// <summary>The name of tenant B's rule file.</summary>
    public const string RuleB = "rule-" + TenantBMarker + ".yml";

    /// <summary>The name of tenant B's threat list.</summary>
    public const string ListB = "list-" + TenantBMarker;

    /// <summary>The name of <see cref="AdminB"/>'s saved filter of the findings list.</summary>
    public const string SavedFilterB = "filter " + TenantBMarker;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        await IdentityProvider.StartAsync();

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ApplicationName = "Vigil.Host",
            Args = ["--urls", "http://127.0.0.1:0"],
        });
        builder.WebHost.UseStaticWebAssets();
        builder.Configuration.AddInMemoryCollection(Settings());
        builder.Logging.ClearProviders();
        var options = builder.Configuration.GetSection(VigilHostOptions.SectionName).Get<VigilHostOptions>()!;
        Assert.Empty(new VigilHostOptionsValidator().Validate(null, options).Failures ?? []);
        builder.AddVigilHost(options);
        builder.AddVigilTelemetry();
        builder.Services.AddVigilConsole(options.Console);

        app = builder.Build();
        app.UseVigilEndpoints();
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
        IdentityProvider.RedirectUris.Add(new Uri(BaseAddress, ConsoleAuthentication.OidcCallbackPath.TrimStart('/')).ToString());
        await SeedAsync();
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await IdentityProvider.DisposeAsync();
        await database.DisposeAsync();
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Returns a client that keeps cookies and does not follow redirects.</summary>
    public HttpClient CreateClient()
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true };
        return new HttpClient(handler) { BaseAddress = BaseAddress };
    }

    /// <summary>Signs in with a local account and returns the client that carries the session cookie.</summary>
    public async Task<HttpClient> SignInAsync(string userName, string password = Password)
    {
        var client = CreateClient();
        var response = await PostLoginAsync(client, userName, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("/login", response.Headers.Location?.OriginalString ?? string.Empty, StringComparison.Ordinal);
        return client;
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string userName, string password)
    {
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await GetAntiforgeryTokenAsync(client, "login"),
            ["userName"] = userName,
            ["password"] = password,
        };
        return await client.PostAsync("account/login", new FormUrlEncodedContent(fields));
    }

    /// <summary>Loads a page and returns the antiforgery token of its first form.</summary>
    public static async Task<string> GetAntiforgeryTokenAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, $"The page {page} has no antiforgery field.");
        return WebUtility.HtmlDecode(match.Groups["token"].Value);
    }

    /// <summary>Creates a local user of a tenant and returns the user name, unique per call.</summary>
    public async Task<string> CreateUserAsync(string tenantId, string role, string prefix = "user")
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..24];
        Assert.True(await Get<IConsoleUserStore>().CreateIfMissingAsync(name, Password, tenantId, role, CancellationToken.None));
        return name;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<token>[^\"]+)\"")]
    internal static partial Regex AntiforgeryField();

    private Dictionary<string, string?> Settings() => new()
    {
        ["Vigil:Database:ConnectionString"] = database.ConnectionString,
        ["Vigil:Cluster:ClusterId"] = "security-" + Guid.NewGuid().ToString("N")[..8],
        ["Vigil:Cluster:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
        ["Vigil:Cluster:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
        ["Vigil:Administrator:UserName"] = OperatorName,
        ["Vigil:Administrator:Password"] = Password,
        ["Vigil:Console:LocalAccounts"] = "true",
        ["Vigil:Console:Oidc:Authority"] = IdentityProvider.Issuer,
        ["Vigil:Console:Oidc:ClientId"] = TestIdentityProvider.ClientId,
        ["Vigil:Console:Oidc:ClientSecret"] = TestIdentityProvider.ClientSecret,
        ["Vigil:Console:Oidc:RequireHttpsMetadata"] = "false",
        ["Vigil:Console:Oidc:TenantClaim"] = "org",
        ["Vigil:Console:Oidc:RoleClaim"] = "groups",
        ["Vigil:Console:Oidc:RoleMap:soc-analysts"] = ConsoleRoles.Analyst,
        ["Vigil:Console:Oidc:RoleMap:soc-admins"] = ConsoleRoles.TenantAdmin,
        ["Vigil:Console:Oidc:RoleMap:platform-ops"] = ConsoleRoles.PlatformOperator,
    };

    private async Task SeedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var tenants = Get<ITenantStore>();
        await tenants.CreateAsync(new Tenant(TenantA, "Tenant A", new Dictionary<string, string>(), now), CancellationToken.None);
        await tenants.CreateAsync(new Tenant(TenantB, "Tenant B " + TenantBMarker, new Dictionary<string, string> { ["note"] = TenantBMarker }, now), CancellationToken.None);

        var users = Get<IConsoleUserStore>();
        await users.CreateIfMissingAsync(AdminA, Password, TenantA, ConsoleRoles.TenantAdmin, CancellationToken.None);
        await users.CreateIfMissingAsync(AnalystA, Password, TenantA, ConsoleRoles.Analyst, CancellationToken.None);
        await users.CreateIfMissingAsync(AdminB, Password, TenantB, ConsoleRoles.TenantAdmin, CancellationToken.None);

        SourceB = Guid.NewGuid();
        await Get<ISourceStore>().SaveAsync(new SourceDefinition
        {
            Id = SourceB,
            TenantId = TenantB,
            Name = "source " + TenantBMarker,
            Kind = SourceKind.Firehose,
            AccountIds = [AccountB],
            AccessKeySha256 = SourceAccessKey.Hash(SourceAccessKey.Generate()),
            UpdatedAt = now,
            UpdatedBy = AdminB,
        }, CancellationToken.None);
        await tenants.AddAccountAsync(new TenantAccount(TenantB, AccountB, "account " + TenantBMarker, now, AdminB), CancellationToken.None);

        // The host gives a tenant with a source the shipped rule files on its next rule refresh. Seed
        // them now, so that a refresh during a test does not change B's rules between two snapshots.
        foreach (var tenant in new[] { TenantA, TenantB })
        {
            await Get<IRuleStore>().SeedAsync(tenant, RuleRefreshService.ShippedRulesFor(tenant, now), now, CancellationToken.None);
        }

        // A validation state of B's source, so the trail integrity page would show B's marker if it leaked.
        var integrity = Get<ITrailIntegrityStore>();
        await integrity.TryLeaseAsync(TenantB, SourceB, "seed", now, now.AddMinutes(5), CancellationToken.None);
        await integrity.SaveCheckAsync(
            new TrailIntegrityCheck { TenantId = TenantB, SourceId = SourceB, Owner = "seed", CheckedAt = now, Error = "digest " + TenantBMarker, NewestDigestKey = "digest-" + TenantBMarker, NewestDigestEnd = now },
            CancellationToken.None);

        ApiKeyB = Guid.NewGuid();
        await Get<IApiKeyStore>().CreateAsync(
            new ApiKeyInfo(ApiKeyB, TenantB, "key " + TenantBMarker, ConsoleRoles.TenantAdmin, now, AdminB, null, null, null, null),
            ApiKeySecret.Hash(ApiKeySecret.Generate()),
            CancellationToken.None);
        await Get<IAuditLog>().WriteAsync(new AuditEntry(TenantB, AdminB, "seed", "note", TenantBMarker, null, $"{{\"note\":\"{TenantBMarker}\"}}", now), CancellationToken.None);
        await Get<IFindingSink>().WriteAsync(TenantB, [Finding(FindingB, now), Finding(SuppressedFindingB, now)], CancellationToken.None);
        await SeedTriageAsync();

        DestinationB = Guid.NewGuid();
        await Get<IExportDestinationStore>().SaveAsync(new ExportDestination
        {
            Id = DestinationB,
            TenantId = TenantB,
            Name = "destination " + TenantBMarker,
            Kind = ExportDestinationKind.Webhook,
            Url = "http://127.0.0.1:9/" + TenantBMarker,
            UpdatedAt = now,
            UpdatedBy = AdminB,
        }, "webhook-secret-of-b", CancellationToken.None);

        var yaml = $$"""
            title: Rule of {{TenantBMarker}}
            id: 5d0a6f0e-1b7c-4f55-9d0e-3c2f7f5f9b01
            logsource:
              product: aws
              service: cloudtrail
            detection:
              selection:
                eventName: {{TenantBMarker}}
              condition: selection
            level: low
            """;
        var listContent = "203.0.113.7\n# " + TenantBMarker + "\n";
        await Get<IThreatListStore>().SaveAsync(new StoredThreatList
        {
            TenantId = TenantB,
            Name = ListB,
            Format = "txt",
            Content = listContent,
            Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(listContent))),
            UpdatedAt = now,
            UpdatedBy = AdminB,
        }, CancellationToken.None);

        // The host's refresh service would move the new list from activating to active on its next
        // tick, in the middle of a test that compares snapshots of B. Loading once here settles it.
        var lists = Get<IThreatListStore>();
        await new ListLoader(lists, Get<ThreatIntelRegistry>()).LoadAsync(
            await lists.LoadAllAsync(CancellationToken.None), await Get<IPlatformListStore>().LoadAllAsync(CancellationToken.None), CancellationToken.None);

        await Get<IRuleStore>().SaveAsync(new StoredRule
        {
            TenantId = TenantB,
            Name = RuleB,
            Yaml = yaml,
            Sha256 = StoredRule.HashOf(yaml),
            UpdatedAt = now,
            UpdatedBy = AdminB,
        }, CancellationToken.None);
    }

    /// <summary>Seeds tenant B's suppression rule, which archives <see cref="SuppressedFindingB"/>, and a saved filter of <see cref="AdminB"/>.</summary>
    private async Task SeedTriageAsync()
    {
        var criteria = FindingCriteria.Empty.With(new FindingCriterion("id", CriterionOperator.Equals, [SuppressedFindingB]));
        var rule = new SuppressionRuleInput("rule " + TenantBMarker, "reason " + TenantBMarker, criteria, Enabled: true, ExpiresAt: null);
        var change = await Get<ISuppressionRuleStore>().CreateAsync(TenantB, rule, AdminB, CancellationToken.None);
        SuppressionRuleB = change.After!.Id;
        Assert.Equal(1, change.Archived);

        var filter = new SavedFilter(SavedFilterB, criteria, FindingSortField.Severity, Descending: true, IncludeArchived: true);
        await Get<ISavedFilterStore>().SaveAsync(TenantB, AdminB, filter, CancellationToken.None);
    }

    private static Finding Finding(string id, DateTimeOffset at) => new()
    {
        AccountId = AccountB,
        Region = "eu-west-1",
        Id = id,
        Arn = $"arn:aws:guardduty:eu-west-1:{AccountB}:detector/d/finding/{id}",
        Type = "Recon:IAMUser/TestFinding",
        Resource = new FindingResource
        {
            ResourceType = "AccessKey",
            AccessKeyDetails = new AccessKeyDetails { PrincipalId = "AIDAEXAMPLE", UserName = "user-" + TenantBMarker, UserType = "IAMUser" },
        },
        Service = new FindingService
        {
            DetectorId = "d",
            Action = new FindingAction { ActionType = "AWS_API_CALL" },
            Count = 1,
            EventFirstSeen = at,
            EventLastSeen = at,
            ResourceRole = "ACTOR",
            AdditionalInfo = new Dictionary<string, string> { ["principalKey"] = $"arn:aws:iam::{AccountB}:user/{TenantBMarker}" },
        },
        Severity = 5,
        CreatedAt = at,
        UpdatedAt = at,
        Title = "finding " + TenantBMarker,
        Description = "finding " + TenantBMarker,
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class SecurityHostCollection : ICollectionFixture<SecurityTestHost>
{
    public const string Name = "security host";
}
