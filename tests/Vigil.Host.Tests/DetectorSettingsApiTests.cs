using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Contracts.Storage;
using Vigil.Detection.Settings;
using static Vigil.Host.Tests.ListApiTests;

namespace Vigil.Host.Tests;

/// <summary>/api/v1/detector-settings over real HTTP against the host on PostgreSQL.</summary>
public sealed class DetectorSettingsApiTests(ConsoleApiTestHost host) : IClassFixture<ConsoleApiTestHost>
{
    [Fact]
    public async Task Put_WeakenThenStale_AppliesRaisesAndConflicts()
    {
        using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminB);
        var before = await JsonAsync(await admin.GetAsync("api/v1/detector-settings"));

        var saved = await admin.PutAsJsonAsync("api/v1/detector-settings", new { version = before.GetProperty("version").GetInt32(), bruteForceConnections = 200 });
        var stale = await admin.PutAsJsonAsync("api/v1/detector-settings", new { version = 0, bruteForceConnections = 10 });
        var body = await JsonAsync(saved);

        Assert.Equal(0, before.GetProperty("version").GetInt32());
        Assert.Equal(20, before.GetProperty("effective").GetProperty("bruteForceConnections").GetInt32());
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(200, body.GetProperty("effective").GetProperty("bruteForceConnections").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(200, host.Services.GetRequiredService<DetectorSettingsRegistry>().For(ConsoleApiTestHost.TenantB).Effective.BruteForceConnections);
        var queries = host.Services.GetRequiredService<IFindingQueries>();
        var page = await queries.ListAsync(ConsoleApiTestHost.TenantB, new FindingListQuery { Limit = 100 }, CancellationToken.None);
        var finding = Assert.Single(page.Items, item => item.Type == DetectorSettingsChangeFinding.FindingType);
        Assert.Equal(5.0, finding.Severity);
        var audit = await host.Services.GetRequiredService<IAuditLog>().ListAsync(ConsoleApiTestHost.TenantB, new AuditQuery { ObjectType = "detector-settings" }, CancellationToken.None);
        Assert.Equal(ConsoleApiTestHost.AdminB, Assert.Single(audit).Entry.Actor);
    }

    [Fact]
    public async Task Put_Analyst_Forbidden_InvalidValues_BadRequest()
    {
        using var analyst = await host.SignInAsync(ConsoleApiTestHost.AnalystA);
        using var admin = await host.SignInAsync(ConsoleApiTestHost.AdminA);

        var forbidden = await analyst.PutAsJsonAsync("api/v1/detector-settings", new { version = 0, disabledFindingTypes = new[] { "Recon:EC2/Portscan" } });
        var invalid = await admin.PutAsJsonAsync("api/v1/detector-settings", new { version = 0, disabledFindingTypes = new[] { DetectorSettingsChangeFinding.FindingType } });
        var errors = (await JsonAsync(invalid)).GetProperty("errors");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("can be turned off", errors.GetProperty("disabledFindingTypes")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await JsonAsync(await analyst.GetAsync("api/v1/detector-settings"))).GetProperty("version").GetInt32());
    }
}
