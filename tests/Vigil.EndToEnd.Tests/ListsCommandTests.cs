using Vigil.EndToEnd.Tests.Infrastructure;

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
}
