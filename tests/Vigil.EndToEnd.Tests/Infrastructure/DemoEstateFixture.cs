using Npgsql;
using Vigil.Tests.Integrity;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One day of simulated CloudTrail logs plus a file of hostile field values, a fresh database with
/// the demo threat list imported through the CLI, and a running host that has read every object.
/// The host also stores what <see cref="DemoEstateContent"/> sets up, such as a folder source whose
/// signed digest chain it has validated. Shared by the tests of the <see cref="DemoEstateCollection"/>.
/// </summary>
public sealed class DemoEstateFixture : IAsyncLifetime
{
    public const string AdminPassword = "e2e-admin-password-1";

    private readonly PostgresFixture database = new();
    private readonly TrailFolder trail = new();
    private readonly WebhookReceiver webhook = new();
    private HostProcess? host;

    public string WorkFolder { get; } = Path.Combine(Path.GetTempPath(), "vigil-e2e-" + Guid.NewGuid().ToString("N"));

    public string LogFolder => Path.Combine(WorkFolder, "logs");

    public string ThreatListPath => Path.Combine(WorkFolder, "threat-list.txt");

    public string ConnectionString => database.ConnectionString;

    public NpgsqlDataSource DataSource => database.DataSource;

    internal HostProcess Host => host ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        var simulate = await CliProcess.RunAsync(null, "simulate", "--out", WorkFolder, "--days", "1", "--seed", "11");
        Assert.True(simulate.ExitCode == 0, simulate.ToString());
        HostileValues.WriteLogFile(LogFolder);

        var import = await CliProcess.RunAsync(null, "lists", "import", "--tenant", "default", "--name", "demo-threat-list", "--connection", ConnectionString, ThreatListPath);
        Assert.True(import.ExitCode == 0, import.ToString());

        await DemoEstateContent.ImportDryRunRuleAsync(WorkFolder, ConnectionString);
        trail.WriteChain(3);
        trail.WritePrimaryKey();

        host = await HostProcess.StartAsync(ConnectionString, LogFolder, AdminPassword, environment: new Dictionary<string, string>
        {
            ["Vigil__Integrity__PublicKeysFile"] = trail.PublicKeyPath,
            ["Vigil__Integrity__CheckSeconds"] = "10",
        });
        await WaitForLedgerAsync("default", Directory.EnumerateFiles(LogFolder, "*", SearchOption.AllDirectories).Count());

        using var admin = await ConsoleSession.SignInAsync(host.BaseAddress, "admin", AdminPassword);
        var trailSource = await DemoEstateContent.CreateAsync(admin, trail.Root, webhook.Url);
        await DemoEstateContent.WaitForIntegrityCheckAsync(this, trailSource, trail.Digests.Count);
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }

        await database.DisposeAsync();
        webhook.Dispose();
        trail.Dispose();
        if (Directory.Exists(WorkFolder))
        {
            Directory.Delete(WorkFolder, recursive: true);
        }
    }

    /// <summary>Waits until the ledger records <paramref name="objectCount"/> objects of the tenant, which happens only after their findings are stored.</summary>
    public async Task WaitForLedgerAsync(string tenantId, int objectCount)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        long recorded = 0;
        while (DateTime.UtcNow < deadline)
        {
            await using var command = DataSource.CreateCommand("SELECT count(*) FROM ingested_objects WHERE tenant_id = $1");
            command.Parameters.AddWithValue(tenantId);
            recorded = (long)(await command.ExecuteScalarAsync())!;
            if (recorded >= objectCount)
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The ledger lists {recorded} of {objectCount} objects of tenant {tenantId} after 3 minutes. Host output:\n{Host.Output}");
    }
}

[CollectionDefinition(Name)]
public sealed class DemoEstateCollection : ICollectionFixture<DemoEstateFixture>
{
    public const string Name = "demo estate";
}
