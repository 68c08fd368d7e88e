using Vigil.Contracts.Storage;
using Vigil.Detection.Network;
using Vigil.Detection.Profiles;
using Vigil.Detection.Settings;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

/// <summary>Detector settings stored per tenant with their version, and saved through the catalogue that raises the change finding.</summary>
public sealed class DetectorSettingsStoreTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private readonly PostgresDetectorSettingsStore store = new(database.DataSource);
    private readonly PostgresFindingStore findings = new(database.DataSource);
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Save_FirstAndNext_VersionsGrowAndRoundTrip()
    {
        var first = await store.SaveAsync(tenant, new DetectorSettings { PortscanPorts = 20 }, 0, "admin1", DateTimeOffset.UtcNow, default);
        var second = await store.SaveAsync(tenant, new DetectorSettings { LearningDays = 7, DisabledFindingTypes = ["Recon:EC2/Portscan"] }, 1, "admin2", DateTimeOffset.UtcNow, default);

        var stored = await store.FindAsync(tenant, default);
        Assert.Equal(1, first?.Version);
        Assert.Equal(2, second?.Version);
        Assert.Equal(2, stored?.Version);
        Assert.Null(stored?.Settings.PortscanPorts);
        Assert.Equal(7, stored?.Settings.LearningDays);
        Assert.Equal(["Recon:EC2/Portscan"], stored?.Settings.DisabledFindingTypes);
        Assert.Equal("admin2", stored?.UpdatedBy);
        Assert.Contains(await store.LoadAllAsync(default), row => row.TenantId == tenant);
    }

    [Fact]
    public async Task Save_StaleVersion_ReturnsNullAndKeepsNewer()
    {
        await store.SaveAsync(tenant, new DetectorSettings { PortscanPorts = 20 }, 0, "admin1", DateTimeOffset.UtcNow, default);

        var staleFirst = await store.SaveAsync(tenant, new DetectorSettings { PortscanPorts = 400 }, 0, "admin2", DateTimeOffset.UtcNow, default);
        var staleLater = await store.SaveAsync(tenant, new DetectorSettings { PortscanPorts = 400 }, 5, "admin2", DateTimeOffset.UtcNow, default);

        Assert.Null(staleFirst);
        Assert.Null(staleLater);
        Assert.Equal(20, (await store.FindAsync(tenant, default))?.Settings.PortscanPorts);
    }

    [Fact]
    public async Task Catalogue_Disable_StoresRaisesAndAppliesLocally()
    {
        var registry = new DetectorSettingsRegistry(ProfileOptions.Default);
        var catalogue = new DetectorSettingsCatalogue(store, findings, registry, TimeProvider.System);

        var result = await catalogue.SaveAsync(tenant, new DetectorSettings { DisabledFindingTypes = [FlowThresholdDetection.PortscanType] }, 0, "admin1", default);

        Assert.True(result.Succeeded);
        Assert.True(registry.For(tenant).IsDisabled(FlowThresholdDetection.PortscanType));
        var page = await FindingsOfTypeAsync(DetectorSettingsChangeFinding.FindingType);
        Assert.Equal(8.0, Assert.Single(page).Severity);
    }

    [Fact]
    public async Task Catalogue_SameValuesInEffect_StoresButRaisesNothing()
    {
        var catalogue = new DetectorSettingsCatalogue(store, findings, new DetectorSettingsRegistry(ProfileOptions.Default), TimeProvider.System);

        var result = await catalogue.SaveAsync(tenant, new DetectorSettings { PortscanPorts = FlowThresholdOptions.Default.PortscanPorts }, 0, "admin1", default);

        Assert.True(result.Succeeded);
        Assert.True(result.Change!.IsEmpty);
        var page = await FindingsOfTypeAsync(DetectorSettingsChangeFinding.FindingType);
        Assert.Empty(page);
    }

    [Fact]
    public async Task Catalogue_Invalid_StoresNothing()
    {
        var catalogue = new DetectorSettingsCatalogue(store, findings, new DetectorSettingsRegistry(ProfileOptions.Default), TimeProvider.System);

        var result = await catalogue.SaveAsync(tenant, new DetectorSettings { BruteForceConnections = 1 }, 0, "admin1", default);

        Assert.False(result.Succeeded);
        Assert.True(result.Errors.ContainsKey("bruteForceConnections"));
        Assert.Null(await store.FindAsync(tenant, default));
    }

    private async Task<List<Contracts.Findings.Finding>> FindingsOfTypeAsync(string type)
    {
        var summaries = (await findings.ListAsync(tenant, new FindingListQuery { Limit = 100 }, default)).Items.Where(item => item.Type == type);
        var found = new List<Contracts.Findings.Finding>();
        foreach (var summary in summaries)
        {
            found.Add((await findings.GetAsync(tenant, summary.Id, default))!);
        }

        return found;
    }
}
