using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace Vigil.Console.Tests;

/// <summary>
/// A bUnit context with MudBlazor's services, a <see cref="FakeFindingQueries"/> and a signed-in
/// user of <see cref="TenantId"/>.
/// </summary>
public abstract class ConsoleComponentTest : BunitContext, IAsyncLifetime
{
    internal const string TenantId = "tenant-a";
    internal const string OtherTenantId = "tenant-b";

    internal FakeFindingQueries Queries { get; } = new();

    protected ConsoleComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<Contracts.Storage.IFindingQueries>(Queries);

        var authorization = AddAuthorization();
        authorization.SetAuthorized("analyst1");
        authorization.SetRoles("analyst");
        authorization.SetClaims(new Claim(ConsoleClaimTypes.Tenant, TenantId));
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
