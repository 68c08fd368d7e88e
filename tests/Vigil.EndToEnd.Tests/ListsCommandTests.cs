using System.Text.Json;
using Vigil.Contracts.Storage;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Storage;

namespace Vigil.EndToEnd.Tests;

/// <summary><c>vigil lists import</c> with list formats and kinds, against the fixture's database.</summary>
[Collection(DemoEstateCollection.Name)]
public sealed class ListsCommandTests(DemoEstateFixture estate)
{
    [Fact]
    public async Task Import_TrustedCsvList_StoresKindAndFormat()
    {
        var path = Path.Combine(estate.WorkFolder, "office.csv");
        await File.WriteAllTextAsync(path, "indicator,tlp,description\n198.51.100.23,white,build agent egress\n\"203.0.113.9\",green,\"office, main\"\nnot-an-address,white,typo\n");

        var result = await CliProcess.RunAsync(
            new Dictionary<string, string> { ["VIGIL_DATABASE"] = estate.ConnectionString },
            "lists", "import", path, "--tenant", "lists-tenant", "--kind", "trusted", "--format", "csv:indicator");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Stored trusted list 'office' for tenant 'lists-tenant': 2 addresses or ranges", result.Output, StringComparison.Ordinal);
        await using var command = estate.DataSource.CreateCommand("SELECT kind, format FROM threat_lists WHERE tenant_id = 'lists-tenant' AND name = 'office'");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("trusted", reader.GetString(0));
        Assert.Equal("csv:indicator", reader.GetString(1));
    }

    [Fact]
    public async Task Import_UnknownFormat_Rejected()
    {
        var path = Path.Combine(estate.WorkFolder, "list.txt");
        await File.WriteAllTextAsync(path, "198.51.100.23\n");

        var result = await CliProcess.RunAsync(
            new Dictionary<string, string> { ["VIGIL_DATABASE"] = estate.ConnectionString },
            "lists", "import", path, "--format", "xml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("invalid --format 'xml'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deactivate_ThenShow_ListsHistory()
    {
        var path = Path.Combine(estate.WorkFolder, "history.txt");
        await File.WriteAllTextAsync(path, "198.51.100.23\n");
        var environment = new Dictionary<string, string> { ["VIGIL_DATABASE"] = estate.ConnectionString };
        await CliProcess.RunAsync(environment, "lists", "import", path, "--tenant", "history-tenant");
        await File.WriteAllTextAsync(path, "198.51.100.24\n");
        var second = await CliProcess.RunAsync(environment, "lists", "import", path, "--tenant", "history-tenant");

        var deactivate = await CliProcess.RunAsync(environment, "lists", "deactivate", "history", "--tenant", "history-tenant");
        var show = await CliProcess.RunAsync(environment, "lists", "show", "history", "--tenant", "history-tenant");

        Assert.Contains("version 2, status activating", second.Output, StringComparison.Ordinal);
        Assert.True(deactivate.ExitCode == 0, deactivate.ToString());
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("history  threat  inactive  version 2", show.Output, StringComparison.Ordinal);
        Assert.Contains("deactivated  by cli:", show.Output, StringComparison.Ordinal);
        Assert.Contains("updated  by cli:", show.Output, StringComparison.Ordinal);
        Assert.Contains("created  by cli:", show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportTrusted_ReportsFinding()
    {
        var path = Path.Combine(estate.WorkFolder, "partners.txt");
        await File.WriteAllTextAsync(path, "203.0.113.66\n");

        var result = await CliProcess.RunAsync(
            new Dictionary<string, string> { ["VIGIL_DATABASE"] = estate.ConnectionString },
            "lists", "import", path, "--tenant", "trust-tenant", "--kind", "trusted");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Raised a DefenseEvasion:Detector/TrustedListChanged finding", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlatformAdd_FetchesFileAndShows()
    {
        var path = Path.Combine(estate.WorkFolder, "tor-exits.txt");
        await File.WriteAllTextAsync(path, "192.0.2.44\n192.0.2.45\n");
        var environment = new Dictionary<string, string> { ["VIGIL_DATABASE"] = estate.ConnectionString };

        var add = await CliProcess.RunAsync(environment, "lists", "platform", "add", "cli-tor", "--purpose", "tor", "--source", path, "--fetch");
        var show = await CliProcess.RunAsync(environment, "lists", "platform", "show", "cli-tor");

        Assert.True(add.ExitCode == 0, add.ToString());
        // The running host fetches a newly defined list at once too. When it stores version 1 before
        // the command's own fetch, the command finds the same content and reports it unchanged.
        Assert.Matches(@"Fetched platform list 'cli-tor': 2 addresses or ranges, 0 domains, 0 entries rejected; version 1( \(content unchanged\))?\.", add.Output);
        // The running host may load the new version between the two commands, so both states are right.
        Assert.Matches("cli-tor  tor  (activating|active)  version 1  entries 2", show.Output);
        Assert.Contains("created  by cli:", show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlatformAdd_UnknownPurpose_Rejected()
    {
        var result = await CliProcess.RunAsync(
            new Dictionary<string, string> { ["VIGIL_DATABASE"] = estate.ConnectionString },
            "lists", "platform", "add", "bad", "--purpose", "weather", "--source", "https://127.0.0.1/list.txt");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("invalid --purpose 'weather'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_WrittenToAuditLog()
    {
        var path = Path.Combine(estate.WorkFolder, "audited.txt");
        await File.WriteAllTextAsync(path, "198.51.100.23\n");
        var environment = new Dictionary<string, string> { ["VIGIL_DATABASE"] = estate.ConnectionString };

        var import = await CliProcess.RunAsync(environment, "lists", "import", path, "--tenant", "audit-cli", "--actor", "alice@example.com");
        var deactivate = await CliProcess.RunAsync(environment, "lists", "deactivate", "audited", "--tenant", "audit-cli", "--actor", "alice@example.com");
        var delete = await CliProcess.RunAsync(environment, "lists", "delete", "audited", "--tenant", "audit-cli");

        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.True(deactivate.ExitCode == 0, deactivate.ToString());
        Assert.True(delete.ExitCode == 0, delete.ToString());

        // The Audit page reads the tenant's entries through the same IAuditLog query.
        var entries = await new PostgresAuditLog(estate.DataSource).ListAsync("audit-cli", new AuditQuery { ObjectType = "list" }, CancellationToken.None);
        Assert.Equal(["deleted", "deactivated", "created"], entries.Select(record => record.Entry.Action));
        Assert.All(entries, record => Assert.Equal("audited", record.Entry.ObjectId));

        var created = entries[2].Entry;
        Assert.Equal("cli:alice@example.com", created.Actor);
        Assert.Null(created.Before);
        Assert.Equal("activating", Field(created.After, "status"));
        Assert.Equal(1, int.Parse(Field(created.After, "version")!, System.Globalization.CultureInfo.InvariantCulture));

        var deactivated = entries[1].Entry;
        // The fixture's host may have loaded the list in between, which makes it active.
        Assert.Contains(Field(deactivated.Before, "status"), new[] { "activating", "active" });
        Assert.Equal("inactive", Field(deactivated.After, "status"));

        var deleted = entries[0].Entry;
        Assert.Equal("cli:" + Environment.UserName, deleted.Actor);
        Assert.Equal("inactive", Field(deleted.Before, "status"));
        Assert.Null(deleted.After);
    }

    [Fact]
    public async Task PlatformChanges_WrittenToPlatformAuditLog()
    {
        var path = Path.Combine(estate.WorkFolder, "audited-scanners.txt");
        await File.WriteAllTextAsync(path, "192.0.2.77\n");
        var environment = new Dictionary<string, string> { ["VIGIL_DATABASE"] = estate.ConnectionString };

        var add = await CliProcess.RunAsync(environment, "lists", "platform", "add", "audited-scanners", "--purpose", "scanner", "--source", path, "--actor", "ops-bot");
        var fetch = await CliProcess.RunAsync(environment, "lists", "platform", "fetch", "audited-scanners", "--actor", "ops-bot");
        var deactivate = await CliProcess.RunAsync(environment, "lists", "platform", "deactivate", "audited-scanners", "--actor", "ops-bot");

        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        Assert.True(deactivate.ExitCode == 0, deactivate.ToString());
        var entries = await new PostgresAuditLog(estate.DataSource).ListAsync(
            AuditEntry.PlatformTenant, new AuditQuery { ObjectType = "platform-list", ObjectId = "audited-scanners" }, CancellationToken.None);
        Assert.Equal(["deactivated", "fetched", "created"], entries.Select(record => record.Entry.Action));
        Assert.All(entries, record => Assert.Equal("cli:ops-bot", record.Entry.Actor));
        Assert.Equal("scanner", Field(entries[2].Entry.After, "purpose"));
        Assert.Matches("^[0-9a-f]{64}$", Field(entries[1].Entry.After, "sha256"));
    }

    [Fact]
    public async Task Import_ControlCharacterActor_Rejected()
    {
        var path = Path.Combine(estate.WorkFolder, "actor.txt");
        await File.WriteAllTextAsync(path, "198.51.100.23\n");

        var result = await CliProcess.RunAsync(
            new Dictionary<string, string> { ["VIGIL_DATABASE"] = estate.ConnectionString },
            "lists", "import", path, "--tenant", "audit-cli", "--actor", "eve\nforged line");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("invalid --actor", result.Error, StringComparison.Ordinal);
    }

    private static string? Field(string? document, string name)
    {
        Assert.NotNull(document);
        using var json = JsonDocument.Parse(document);
        var value = json.RootElement.GetProperty(name);
        return value.ValueKind == JsonValueKind.Null ? null : value.ToString();
    }
}
