using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.Time.Testing;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Vigil.Testing;

namespace Vigil.Console.Tests;

/// <summary>
/// A bUnit context with MudBlazor's services, a <see cref="FakeFindingQueries"/>, an
/// <see cref="InMemorySourceStore"/> and a signed-in analyst of <see cref="TenantId"/>.
/// </summary>
public abstract class ConsoleComponentTest : BunitContext, IAsyncLifetime
{
    internal const string TenantId = "tenant-a";
    internal const string OtherTenantId = "tenant-b";

    internal FakeFindingQueries Queries { get; } = new();

    internal InMemorySourceStore Sources { get; } = new();

    internal InMemoryRuleStore Rules { get; } = new();

    internal InMemoryRuleDryRunCounts DryRunCounts { get; } = new();

    /// <summary>The logs a back-test reads; the folder sources of <see cref="Sources"/> when null. Set it before the page renders.</summary>
    internal Console.Rules.IRuleBackTestLogs? BackTestLogs { get; set; }

    internal InMemoryAuditLog Audit { get; } = new();

    internal InMemoryExportStore Export { get; } = new();

    internal FakeSavedFilterStore SavedFilters { get; } = new();

    internal FakeSuppressionRuleStore SuppressionRules { get; }

    /// <summary>The clock of the live updates; tests advance it to make the findings page poll.</summary>
    internal FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The signed-in test user; a test can change its roles before it renders.</summary>
    internal BunitAuthorizationContext Authorization { get; }

    protected ConsoleComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        SuppressionRules = new FakeSuppressionRuleStore(Queries);
        Services.AddSingleton<Contracts.Storage.IFindingQueries>(Queries);
        Services.AddSingleton<Contracts.Storage.IFindingTriage>(Queries);
        Services.AddSingleton<Contracts.Storage.ISourceStore>(Sources);
        Services.AddSingleton<Contracts.Storage.ISavedFilterStore>(SavedFilters);
        Services.AddSingleton<Contracts.Storage.ISuppressionRuleStore>(SuppressionRules);
        Services.AddSingleton<Contracts.Storage.IAuditLog>(Audit);
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton(new Findings.FindingLiveOptions { PollInterval = TimeSpan.FromSeconds(5) });
        Services.AddScoped<Sources.SourceService>();
        Services.AddSingleton<Contracts.Storage.IRuleStore>(Rules);
        Services.AddSingleton<Contracts.Storage.IRuleDryRunCounts>(DryRunCounts);
        Services.AddSingleton<Contracts.Storage.IExportDestinationStore>(Export);
        Services.AddScoped<Console.Rules.IRuleBackTestLogs>(_ => BackTestLogs ?? new Console.Rules.FolderSourceLogs(Sources));
        Services.AddScoped<Console.Rules.RuleService>();
        Services.AddScoped<Console.Export.ExportDestinationService>();
        Services.AddScoped<Findings.SuppressionRuleService>();
        Services.AddScoped(provider => new Findings.FindingFeedbackService(
            Queries, Queries, provider.GetService<Contracts.Findings.IAnomalyFeedback>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<Findings.FindingFeedbackService>.Instance));

        Authorization = AddAuthorization();
        Authorization.SetAuthorized("analyst1");
        Authorization.SetRoles("analyst");
        Authorization.SetClaims(new Claim(ConsoleClaimTypes.Tenant, TenantId));
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services implement only IAsyncDisposable, so the container must be disposed
    // asynchronously; xunit v2 calls this before IDisposable.Dispose, which then has nothing left to do.
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    /// <summary>Renders a page after a popover provider, which the table pager's page-size select needs.</summary>
    internal IRenderedComponent<TPage> RenderPage<TPage>(Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null)
        where TPage : IComponent
    {
        Render<MudPopoverProvider>();
        return parameters is null ? Render<TPage>() : Render(parameters);
    }
}
