using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;
using Vigil.Console.Administration;
using Vigil.Console.Api;
using Vigil.Console.Security;
using Vigil.Console.Lists;
using Vigil.Console.Settings;
using Vigil.Console.Findings;
using Vigil.Console.Sources;

namespace Vigil.Console;

/// <summary>Registers the services of the SOC console.</summary>
public static class ConsoleServiceCollectionExtensions
{
    /// <summary>
    /// Lifetime of the session cookie. A request made after half of it has passed renews it
    /// (the cookie handler's sliding expiration).
    /// </summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    /// <summary>
    /// Adds the console: Razor components with interactive server rendering, MudBlazor, the
    /// authentication schemes of <see cref="ConsoleAuthentication"/>, the <see cref="ConsolePolicies"/>,
    /// antiforgery, the OpenAPI document of the REST API and the cascading authentication state.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="authentication">How users sign in; null for local accounts only.</param>
    /// <remarks>
    /// <para>
    /// The host must also register <see cref="Contracts.Storage.IFindingQueries"/>, <see cref="Contracts.Storage.IFindingTriage"/>,
    /// <see cref="Contracts.Storage.ISuppressionRuleStore"/>, <see cref="Contracts.Storage.ISavedFilterStore"/>,
    /// optionally <see cref="Contracts.Findings.IAnomalyFeedback"/>,
    /// <see cref="Contracts.Storage.IConsoleUserStore"/>, <see cref="Contracts.Storage.ISourceStore"/>,
    /// <see cref="Contracts.Storage.IExportDestinationStore"/>, <see cref="Contracts.Storage.IRuleStore"/>,
    /// <see cref="Contracts.Storage.ITenantStore"/>, <see cref="Contracts.Storage.IApiKeyStore"/>,
    /// <see cref="Contracts.Storage.IAuditLog"/>, <see cref="Contracts.Storage.IOverviewQueries"/>,
    /// <see cref="Contracts.Storage.IIngestStatistics"/>, <see cref="Contracts.Profiles.IProfileReader"/> and
    /// <see cref="Contracts.Cluster.IClusterStatusReader"/>, and may register an <see cref="IConsoleSessionStore"/>.
    /// The lists and settings pages and APIs also need the list and settings stores,
    /// <see cref="Detection.Intel.ListCatalogue"/>, <see cref="Detection.Intel.PlatformListRefresher"/>,
    /// <see cref="Detection.Intel.ITenantListSourceReader"/> and <see cref="Detection.Settings.DetectorSettingsCatalogue"/>.
    /// Back-tests read the files of the tenant's folder sources unless the host registers another <see cref="Rules.IRuleBackTestLogs"/>.
    /// The console resolves them from the request or circuit scope, so any lifetime works.
    /// </para>
    /// <para>
    /// The authorization fallback policy is <see cref="ConsolePolicies.AnalystOrAbove"/>, for every
    /// endpoint that has no authorization metadata of its own, not only the console pages. Endpoints
    /// that must stay anonymous need <c>AllowAnonymous()</c>: static assets (<c>app.MapStaticAssets().AllowAnonymous()</c>,
    /// or the sign-in page loads without its CSS and scripts), health checks and machine-facing APIs.
    /// </para>
    /// </remarks>
    public static IServiceCollection AddVigilConsole(this IServiceCollection services, ConsoleAuthenticationSettings? authentication = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        authentication ??= new ConsoleAuthenticationSettings { LocalAccounts = true };

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddCascadingAuthenticationState();
        // The layout reads the theme cookie of the request that prerenders a page.
        services.AddHttpContextAccessor();
        services.AddAntiforgery();
        services.AddVigilOpenApi();

        services.TryAddSingleton(authentication);
        services.AddConsoleAuthentication(authentication);
        services.AddAuthorizationBuilder().AddConsolePolicies();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<SourceService>();
        services.TryAddScoped<Export.ExportDestinationService>();
        services.TryAddScoped<Rules.RuleService>();
        services.TryAddScoped<Rules.IRuleBackTestLogs, Rules.FolderSourceLogs>();
        services.TryAddScoped<AuditWriter>();
        services.TryAddScoped<UserAdministration>();
        services.TryAddScoped<AccountRegistry>();
        services.TryAddScoped<ApiKeyAdministration>();
        services.TryAddScoped<TenantAdministration>();
        services.TryAddSingleton(new ListOptions());
        services.TryAddScoped<ListService>();
        services.TryAddScoped<PlatformListService>();
        services.TryAddScoped<DetectorSettingsService>();
        services.TryAddScoped<SuppressionRuleService>();
        services.TryAddScoped(provider => new FindingFeedbackService(
            provider.GetRequiredService<Contracts.Storage.IFindingQueries>(),
            provider.GetRequiredService<Contracts.Storage.IFindingTriage>(),
            provider.GetService<Contracts.Findings.IAnomalyFeedback>(),
            provider.GetRequiredService<Microsoft.Extensions.Logging.ILogger<FindingFeedbackService>>()));
        services.TryAddSingleton(new FindingLiveOptions());
        return services;
    }
}
