using Bunit;
using Microsoft.AspNetCore.Components;
using Vigil.Console.Components.Pages;
using Vigil.Contracts.Storage;
using Vigil.Detection.Network;
using Vigil.Detection.Settings;
using Vigil.Testing;

namespace Vigil.Console.Tests;

/// <summary>The Detector settings page on the real settings, finding and audit stores. Each test uses its own tenant.</summary>
public sealed class SettingsPageTests : DatabaseComponentTest, IClassFixture<PostgresFixture>
{
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N")[..8];

    public SettingsPageTests(PostgresFixture database)
        : base(database)
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void Analyst_SeesDefaultsReadOnly()
    {
        SignInAs("analyst1", ConsoleRoles.Analyst, tenant);

        var page = RenderPage<SettingsPage>();

        page.WaitForAssertion(() => Assert.Contains("Every setting has its default", page.Find(".vigil-settings-version").TextContent, StringComparison.Ordinal), Loaded);
        Assert.Equal("default 50", page.Find(".vigil-setting-portscan input").GetAttribute("placeholder"));
        Assert.True(page.Find(".vigil-setting-portscan input").HasAttribute("readonly"));
        Assert.Empty(page.FindAll(".vigil-save-settings"));
        Assert.Equal(FindingTypeCatalogue.Disableable.Count, page.FindAll(".vigil-finding-type").Count);
    }

    [Fact]
    public async Task Admin_DisablesTypeAndRaisesThreshold_SavesRaisesFindingAndAudits()
    {
        SignInAs("admin1", ConsoleRoles.TenantAdmin, tenant);
        var page = RenderPage<SettingsPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".vigil-save-settings")), Loaded);

        page.Find(".vigil-setting-portscan input").Change("120");
        page.Find($".vigil-finding-type[data-type='{FlowThresholdDetection.SshBruteForceType}'] input").Change(false);
        page.Find(".vigil-save-settings").Click();

        page.WaitForAssertion(() => Assert.Contains("Saved as version 1", page.Find(".vigil-settings-notice").TextContent, StringComparison.Ordinal), Loaded);
        var stored = await SettingsStore.FindAsync(tenant, CancellationToken.None);
        Assert.Equal(120, stored?.Settings.PortscanPorts);
        Assert.Equal([FlowThresholdDetection.SshBruteForceType], stored?.Settings.DisabledFindingTypes);
        Assert.True(Registry.For(tenant).IsDisabled(FlowThresholdDetection.SshBruteForceType));
        var finding = await FindingOfTypeAsync(tenant, DetectorSettingsChangeFinding.FindingType);
        Assert.Equal(8.0, finding?.Severity);
        Assert.Equal("portscanPorts 50 → 120", finding?.Service.AdditionalInfo!["weakened"]);
        var entry = Assert.Single(await Audit.ListAsync(tenant, new AuditQuery { ObjectType = "detector-settings" }, CancellationToken.None));
        using var before = System.Text.Json.JsonDocument.Parse(entry.Entry.Before!);
        using var after = System.Text.Json.JsonDocument.Parse(entry.Entry.After!);
        Assert.Equal(50, before.RootElement.GetProperty("portscanPorts").GetInt32());
        Assert.Equal(120, after.RootElement.GetProperty("portscanPorts").GetInt32());
    }

    [Fact]
    public async Task Admin_OutOfRange_ShowsErrorAndStoresNothing()
    {
        SignInAs("admin1", ConsoleRoles.TenantAdmin, tenant);
        var page = RenderPage<SettingsPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".vigil-save-settings")), Loaded);

        page.Find(".vigil-setting-bruteforce input").Change("1");
        page.Find(".vigil-save-settings").Click();

        page.WaitForAssertion(() => Assert.Contains("use 3 to 500 connections", page.Find(".vigil-setting-bruteforce").TextContent, StringComparison.Ordinal), Loaded);
        Assert.Null(await SettingsStore.FindAsync(tenant, CancellationToken.None));
    }

    [Fact]
    public async Task Admin_StalePage_ReportsConflict()
    {
        SignInAs("admin1", ConsoleRoles.TenantAdmin, tenant);
        var page = RenderPage<SettingsPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".vigil-save-settings")), Loaded);
        await SettingsStore.SaveAsync(tenant, new DetectorSettings { LearningDays = 30 }, 0, "admin2", DateTimeOffset.UtcNow, CancellationToken.None);

        page.Find(".vigil-setting-learning input").Change("7");
        page.Find(".vigil-save-settings").Click();

        page.WaitForAssertion(() => Assert.Contains("Someone else changed the settings", page.Find(".vigil-settings-error").TextContent, StringComparison.Ordinal), Loaded);
        Assert.Equal(30, (await SettingsStore.FindAsync(tenant, CancellationToken.None))?.Settings.LearningDays);
    }
}
