using Microsoft.Extensions.DependencyInjection;
using Vigil.Console.Lists;
using Vigil.Console.Settings;
using Vigil.Contracts.Storage;
using Vigil.Detection.Intel;
using Vigil.Detection.Profiles;
using Vigil.Detection.Settings;
using Vigil.Ingestion.ThreatLists;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Console.Tests;

/// <summary>
/// A console component test whose list, settings, finding and audit stores are the real PostgreSQL ones,
/// on the class's own database. Only the S3 reader is a stand-in (<see cref="S3"/>).
/// </summary>
public abstract class DatabaseComponentTest : ConsoleComponentTest
{
    protected DatabaseComponentTest(PostgresFixture database)
    {
        Lists = new PostgresThreatListStore(database.DataSource);
        PlatformLists = new PostgresPlatformListStore(database.DataSource);
        Findings = new PostgresFindingStore(database.DataSource);
        Audit = new PostgresAuditLog(database.DataSource);
        SettingsStore = new PostgresDetectorSettingsStore(database.DataSource);
        Registry = new DetectorSettingsRegistry(ProfileOptions.Default);

        Services.AddSingleton<IThreatListStore>(Lists);
        Services.AddSingleton<IPlatformListStore>(PlatformLists);
        Services.AddSingleton<IAuditLog>(Audit);
        Services.AddSingleton<ITenantListSourceReader>(S3);
        Services.AddSingleton(new ListOptions { MaxUploadBytes = 64 * 1024 });
        Services.AddSingleton(new ListCatalogue(Lists, Findings, TimeProvider.System));
        Services.AddSingleton(new PlatformListRefresher(PlatformLists, new ListSourceReader(new HttpClient()), TimeProvider.System));
        Services.AddSingleton(new DetectorSettingsCatalogue(SettingsStore, Findings, Registry, TimeProvider.System));
        Services.AddScoped<ListService>();
        Services.AddScoped<PlatformListService>();
        Services.AddScoped<DetectorSettingsService>();
    }

    /// <summary>Time allowed for a page's first database reads; the first query of a fresh database opens its pool.</summary>
    internal static readonly TimeSpan Loaded = TimeSpan.FromSeconds(15);

    internal PostgresThreatListStore Lists { get; }

    internal PostgresPlatformListStore PlatformLists { get; }

    internal PostgresFindingStore Findings { get; }

    internal new PostgresAuditLog Audit { get; }

    internal PostgresDetectorSettingsStore SettingsStore { get; }

    internal DetectorSettingsRegistry Registry { get; }

    internal FakeS3Reader S3 { get; } = new();

    internal void SignInAs(string userName, string role, string tenantId = TenantId)
    {
        Authorization.SetAuthorized(userName);
        Authorization.SetRoles(role);
        Authorization.SetClaims(new System.Security.Claims.Claim(ConsoleClaimTypes.Tenant, tenantId));
    }

    /// <summary>The finding of a type in a tenant, read in full, or null.</summary>
    internal async Task<Contracts.Findings.Finding?> FindingOfTypeAsync(string tenantId, string type)
    {
        var summary = (await Findings.ListAsync(tenantId, new FindingListQuery { Limit = 100 }, CancellationToken.None)).Items.FirstOrDefault(item => item.Type == type);
        return summary is null ? null : await Findings.GetAsync(tenantId, summary.Id, CancellationToken.None);
    }

    /// <summary>An S3 reader that returns the objects the test put, and fails for the rest the way the real one does.</summary>
    internal sealed class FakeS3Reader : ITenantListSourceReader
    {
        public Dictionary<string, string> Objects { get; } = new(StringComparer.Ordinal);

        public Task<string> ReadAsync(S3ListUrl url, CancellationToken cancellationToken) =>
            Objects.TryGetValue(url.ToString(), out var content)
                ? Task.FromResult(content)
                : throw new ListSourceException($"{url} does not exist (NoSuchKey)");
    }
}
