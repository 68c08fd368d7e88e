using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Console.Components.Layout;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

public sealed class MainLayoutTests : ConsoleComponentTest
{
    private readonly DefaultHttpContext httpContext = new();

    public MainLayoutTests()
    {
        Services.AddSingleton<IHttpContextAccessor>(new HttpContextAccessor { HttpContext = httpContext });

        // A platform operator's app bar lists the tenants to switch to.
        Services.AddSingleton<ITenantStore>(new InMemoryTenantStore());
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void SkipLink_FirstAndTargetsMain()
    {
        var layout = RenderLayout();

        var first = layout.Find("a");
        Assert.Equal("Skip to main content", first.TextContent);
        Assert.EndsWith("#main-content", first.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Equal("-1", layout.Find("#main-content").GetAttribute("tabindex"));
    }

    [Fact]
    public void ThemeCookie_Dark_StartsDark()
    {
        httpContext.Request.Headers.Cookie = "vigil.theme=dark";

        var layout = RenderLayout();

        Assert.Equal("true", layout.Find(".vigil-theme-toggle").GetAttribute("aria-pressed"));
        Assert.Equal("Switch to light theme", layout.Find(".vigil-theme-toggle").GetAttribute("aria-label"));
    }

    [Fact]
    public void ThemeCookie_Invalid_Ignored()
    {
        httpContext.Request.Headers.Cookie = "vigil.theme=%3Cscript%3E";

        var layout = RenderLayout();

        Assert.Null(layout.Instance.SavedTheme);
        Assert.Equal("false", layout.Find(".vigil-theme-toggle").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void Toggle_SavesChoiceInCookie()
    {
        var module = JSInterop.SetupModule("./_content/Vigil.Console/theme.js");
        module.SetupVoid("saveTheme", "dark").SetVoidResult();
        var layout = RenderLayout();

        layout.Find(".vigil-theme-toggle").Click();

        module.VerifyInvoke("saveTheme");
        Assert.Equal("dark", layout.Instance.SavedTheme);
        Assert.Equal("true", layout.Find(".vigil-theme-toggle").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void Navigation_Analyst_NoCluster()
    {
        var layout = RenderLayout();

        Assert.DoesNotContain("Cluster", layout.Find("nav").TextContent, StringComparison.Ordinal);
        Assert.Contains("Overview", layout.Find("nav").TextContent, StringComparison.Ordinal);
        Assert.Contains("Principals and endpoints", layout.Find("nav").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Navigation_Operator_Cluster()
    {
        Authorization.SetRoles(ConsoleRoles.PlatformOperator);

        var layout = RenderLayout();

        Assert.Contains("Cluster", layout.Find("nav").TextContent, StringComparison.Ordinal);
    }

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(parameters => parameters.Add(layout => layout.Body, builder => builder.AddContent(0, "page body")));
}
