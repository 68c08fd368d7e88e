using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Storage;
using Vigil.Cli.Replay;
using Vigil.Ingestion.ThreatLists;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil lists import</c>: stores a tenant's plain-text IP threat list in the database, after checking every line.</summary>
internal static class ListsCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "Plain-text list: one IP address or CIDR range a line, '#' starts a comment." };
        var name = new Option<string?>("--name") { Description = "List name shown in findings; defaults to the file name without its extension." };
        var tenant = CommonOptions.Tenant("Tenant the list belongs to");
        var connection = CommonOptions.Connection();

        var import = new Command("import", "Store a tenant threat list; silos pick it up within 30 seconds.") { file, name, tenant, connection };
        import.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var tenantId = parse.GetValue(tenant)!;
            var connectionString = CommonOptions.ResolveConnection(parse.GetValue(connection), Console.Error);
            var listFile = parse.GetValue(file)!;
            if (connectionString is null || !CommonOptions.ValidateTenant(tenantId, Console.Error))
            {
                return 2;
            }

            if (!listFile.Exists)
            {
                Console.Error.WriteLine($"error: list file '{listFile.FullName}' not found.");
                return 2;
            }

            var content = await File.ReadAllTextAsync(listFile.FullName, cancellationToken);
            var listName = parse.GetValue(name) ?? ReplayRunner.ListNameOf(listFile.Name);
            var parsed = new PlainTextListParser().Parse(new StringReader(content), listName);
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine($"warning: {error}");
            }

            var services = new ServiceCollection().AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)).AddVigilStorage(connectionString);
            await using var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<IThreatListStore>().SaveAsync(
                new StoredThreatList
                {
                    TenantId = tenantId,
                    Name = listName,
                    Format = "txt",
                    Content = content,
                    Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content))),
                    UpdatedAt = DateTimeOffset.UtcNow,
                    UpdatedBy = "cli:" + Environment.UserName,
                },
                cancellationToken);

            Console.WriteLine($"Stored list '{listName}' for tenant '{tenantId}': {parsed.Entries.Count} addresses or ranges, {parsed.Domains.Count} domains, {parsed.Errors.Count} lines rejected.");
            return 0;
        }));

        return new Command("lists", "Manage tenant threat lists.") { import };
    }
}
