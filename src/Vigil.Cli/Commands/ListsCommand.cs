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

        var format = new Option<string>("--format")
        {
            Description = "List format: txt, stix, otxcsv, alienvault, proofpoint, fireeye, or csv:COLUMN for a CSV whose COLUMN holds the indicators.",
            DefaultValueFactory = _ => "txt",
        };
        var kind = new Option<string>("--kind") { Description = "threat, or trusted for addresses and domains that must never match a threat list.", DefaultValueFactory = _ => "threat" };
        var import = new Command("import", "Store a tenant threat or trusted list; silos pick it up within 30 seconds.") { file, name, tenant, connection, format, kind };
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
            var formatName = parse.GetValue(format)!;
            var listKind = parse.GetValue(kind)!.ToLowerInvariant();
            if (listKind is not ("threat" or "trusted"))
            {
                Console.Error.WriteLine($"error: invalid --kind '{listKind}'; use threat or trusted.");
                return 2;
            }

            var csvColumn = formatName.StartsWith("csv:", StringComparison.OrdinalIgnoreCase) ? formatName[4..] : null;
            if (!ThreatListParsers.TryParseFormatName(csvColumn is null ? formatName : "csv", out var listFormat) || (listFormat == ThreatListFormat.Csv && string.IsNullOrWhiteSpace(csvColumn)))
            {
                Console.Error.WriteLine($"error: invalid --format '{formatName}'; use txt, stix, otxcsv, alienvault, proofpoint, fireeye or csv:COLUMN.");
                return 2;
            }

            var options = csvColumn is null ? null : new ListParserOptions { CsvColumn = CsvColumn.Named(csvColumn) };
            var parsed = ThreatListParsers.Parse(listFormat, new StringReader(content), listName, options);
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
                    Format = csvColumn is null ? listFormat.ToString().ToLowerInvariant() : "csv:" + csvColumn,
                    Kind = listKind,
                    Content = content,
                    Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content))),
                    UpdatedAt = DateTimeOffset.UtcNow,
                    UpdatedBy = "cli:" + Environment.UserName,
                },
                cancellationToken);

            Console.WriteLine($"Stored {listKind} list '{listName}' for tenant '{tenantId}': {parsed.Entries.Count} addresses or ranges, {parsed.Domains.Count} domains, {parsed.RejectedCount} entries rejected.");
            return 0;
        }));

        return new Command("lists", "Manage tenant threat and trusted lists.") { import };
    }
}
