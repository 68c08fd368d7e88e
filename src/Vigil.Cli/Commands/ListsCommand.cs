using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Cli.Replay;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil lists</c>: imports, activates, deactivates, deletes and shows tenant threat and trusted
/// lists, and manages the platform lists (<c>vigil lists platform</c>) that apply to every tenant.
/// Every change is written to the audit log like a console change, with <c>cli:</c> and the
/// <c>--actor</c> value or the operating-system user as its author.
/// </summary>
internal static class ListsCommand
{
    public static Command Create() => new("lists", "Manage tenant threat and trusted lists, and the platform lists every tenant shares.")
    {
        CreateImport(),
        CreateSetActive("activate", active: true),
        CreateSetActive("deactivate", active: false),
        CreateDelete(),
        CreateShow(),
        PlatformListsCommand.Create(),
    };

    private static Command CreateImport()
    {
        var file = new Argument<FileInfo>("file") { Description = "List file in the chosen --format." };
        var name = new Option<string?>("--name") { Description = "List name shown in findings; defaults to the file name without its extension." };
        var tenant = CommonOptions.Tenant("Tenant the list belongs to");
        var connection = CommonOptions.Connection();
        var format = new Option<string>("--format")
        {
            Description = "List format: txt, stix, otxcsv, alienvault, proofpoint, fireeye, or csv:COLUMN for a CSV whose COLUMN holds the indicators.",
            DefaultValueFactory = _ => "txt",
        };
        var kind = new Option<string>("--kind") { Description = "threat, or trusted for addresses and domains that must never match a threat list.", DefaultValueFactory = _ => "threat" };
        var inactive = new Option<bool>("--inactive") { Description = "Store the list without activating it; it is not used until 'vigil lists activate'." };
        var actor = CommonOptions.Actor();
        var import = new Command("import", "Store a new version of a tenant threat or trusted list; silos load it within 30 seconds.") { file, name, tenant, connection, format, kind, inactive, actor };
        import.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var tenantId = parse.GetValue(tenant)!;
            var connectionString = CommonOptions.ResolveConnection(parse.GetValue(connection), Console.Error);
            var listFile = parse.GetValue(file)!;
            var actorName = CommonOptions.ResolveActor(parse.GetValue(actor), Console.Error);
            if (connectionString is null || actorName is null || !CommonOptions.ValidateTenant(tenantId, Console.Error))
            {
                return 2;
            }

            if (!listFile.Exists)
            {
                Console.Error.WriteLine($"error: list file '{listFile.FullName}' not found.");
                return 2;
            }

            var formatName = parse.GetValue(format)!;
            var listKind = parse.GetValue(kind)!.ToLowerInvariant();
            if (listKind is not ("threat" or "trusted"))
            {
                Console.Error.WriteLine($"error: invalid --kind '{listKind}'; use threat or trusted.");
                return 2;
            }

            if (!ThreatListParsers.TryParseStoredFormat(formatName, out var listFormat, out _))
            {
                Console.Error.WriteLine($"error: invalid --format '{formatName}'; use txt, stix, otxcsv, alienvault, proofpoint, fireeye or csv:COLUMN.");
                return 2;
            }

            var storedFormat = listFormat == ThreatListFormat.Csv ? "csv:" + formatName[4..] : listFormat.ToString().ToLowerInvariant();
            var content = await File.ReadAllTextAsync(listFile.FullName, cancellationToken);
            var listName = parse.GetValue(name) ?? ReplayRunner.ListNameOf(listFile.Name);
            await using var provider = Services(connectionString);
            var store = provider.GetRequiredService<IThreatListStore>();
            var before = await store.FindAsync(tenantId, listName, cancellationToken);
            var request = new ListImportRequest(tenantId, listName, content, storedFormat, listKind, actorName) { Activate = !parse.GetValue(inactive) };
            var result = await provider.GetRequiredService<ListCatalogue>().ImportAsync(request, cancellationToken);
            var after = await store.FindAsync(tenantId, listName, cancellationToken);
            await provider.GetRequiredService<ListAuditWriter>().WriteTenantListAsync(tenantId, actorName, before is null ? "created" : "updated", listName, before, after, cancellationToken);
            foreach (var error in result.Parsed.Errors)
            {
                Console.Error.WriteLine($"warning: {LogText.Escape(error.ToString())}");
            }

            var parsed = result.Parsed;
            var status = request.Activate ? "activating" : "inactive";
            Console.WriteLine(
                $"Stored {listKind} list '{listName}' for tenant '{tenantId}': {parsed.Entries.Count} addresses or ranges, {parsed.Domains.Count} domains, {parsed.RejectedCount} entries rejected; " +
                $"version {result.Saved.Version}{(result.Saved.ContentChanged ? "" : " (content unchanged)")}, status {status}.");
            if (result.RaisedTrustedListFinding)
            {
                Console.WriteLine("Raised a DefenseEvasion:Detector/TrustedListChanged finding, because the change widens what the tenant trusts.");
            }

            return 0;
        }));
        return import;
    }

    private static Command CreateSetActive(string verb, bool active)
    {
        var name = new Argument<string>("name") { Description = "Name of the list." };
        var tenant = CommonOptions.Tenant("Tenant the list belongs to");
        var connection = CommonOptions.Connection();
        var actor = CommonOptions.Actor();
        var command = new Command(verb, active ? "Use a stored list for detection again; activating a trusted list raises a finding." : "Stop using a list for detection; it stays stored.")
        {
            name, tenant, connection, actor,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var tenantId = parse.GetValue(tenant)!;
            var connectionString = CommonOptions.ResolveConnection(parse.GetValue(connection), Console.Error);
            var actorName = CommonOptions.ResolveActor(parse.GetValue(actor), Console.Error);
            if (connectionString is null || actorName is null || !CommonOptions.ValidateTenant(tenantId, Console.Error))
            {
                return 2;
            }

            await using var provider = Services(connectionString);
            var listName = parse.GetValue(name)!;
            var store = provider.GetRequiredService<IThreatListStore>();
            var before = await store.FindAsync(tenantId, listName, cancellationToken);
            if (before is null || !await provider.GetRequiredService<ListCatalogue>().SetActiveAsync(tenantId, listName, active, actorName, cancellationToken))
            {
                Console.Error.WriteLine($"error: tenant '{tenantId}' has no list named '{LogText.Escape(listName)}'.");
                return 1;
            }

            var after = await store.FindAsync(tenantId, listName, cancellationToken);
            await provider.GetRequiredService<ListAuditWriter>().WriteTenantListAsync(tenantId, actorName, active ? "activated" : "deactivated", listName, before, after, cancellationToken);

            Console.WriteLine($"List '{listName}' of tenant '{tenantId}' is now {(active ? "activating" : "inactive")}.");
            return 0;
        }));
        return command;
    }

    private static Command CreateDelete()
    {
        var name = new Argument<string>("name") { Description = "Name of the list." };
        var tenant = CommonOptions.Tenant("Tenant the list belongs to");
        var connection = CommonOptions.Connection();
        var actor = CommonOptions.Actor();
        var command = new Command("delete", "Delete a tenant list; its versions and audit trail are kept.") { name, tenant, connection, actor };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var tenantId = parse.GetValue(tenant)!;
            var connectionString = CommonOptions.ResolveConnection(parse.GetValue(connection), Console.Error);
            var actorName = CommonOptions.ResolveActor(parse.GetValue(actor), Console.Error);
            if (connectionString is null || actorName is null || !CommonOptions.ValidateTenant(tenantId, Console.Error))
            {
                return 2;
            }

            await using var provider = Services(connectionString);
            var listName = parse.GetValue(name)!;
            var store = provider.GetRequiredService<IThreatListStore>();
            var before = await store.FindAsync(tenantId, listName, cancellationToken);
            if (before is null || !await store.DeleteAsync(tenantId, listName, actorName, cancellationToken))
            {
                Console.Error.WriteLine($"error: tenant '{tenantId}' has no list named '{LogText.Escape(listName)}'.");
                return 1;
            }

            await provider.GetRequiredService<ListAuditWriter>().WriteTenantListAsync(tenantId, actorName, "deleted", listName, before, null, cancellationToken);

            Console.WriteLine($"Deleted list '{listName}' of tenant '{tenantId}'.");
            return 0;
        }));
        return command;
    }

    private static Command CreateShow()
    {
        var name = new Argument<string?>("name") { Description = "Name of one list, to show its versions and audit trail; without it, every list of the tenant.", Arity = ArgumentArity.ZeroOrOne };
        var tenant = CommonOptions.Tenant("Tenant the lists belong to");
        var connection = CommonOptions.Connection();
        var command = new Command("show", "Show a tenant's lists with their status, or one list's versions and audit trail.") { name, tenant, connection };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var tenantId = parse.GetValue(tenant)!;
            var connectionString = CommonOptions.ResolveConnection(parse.GetValue(connection), Console.Error);
            if (connectionString is null || !CommonOptions.ValidateTenant(tenantId, Console.Error))
            {
                return 2;
            }

            await using var provider = Services(connectionString);
            var store = provider.GetRequiredService<IThreatListStore>();
            var listName = parse.GetValue(name);
            if (listName is null)
            {
                foreach (var list in (await store.LoadAllAsync(cancellationToken)).Where(list => list.TenantId == tenantId))
                {
                    Console.WriteLine(StatusLine(list.Name, list.Kind, list.Status, list.StatusReason, list.Version, list.EntryCount, list.RejectedCount, list.Sha256));
                }

                return 0;
            }

            var found = await store.FindAsync(tenantId, listName, cancellationToken);
            if (found is null)
            {
                Console.Error.WriteLine($"note: tenant '{tenantId}' has no list named '{LogText.Escape(listName)}' now; its history follows.");
            }
            else
            {
                Console.WriteLine(StatusLine(found.Name, found.Kind, found.Status, found.StatusReason, found.Version, found.EntryCount, found.RejectedCount, found.Sha256));
            }

            await WriteHistoryAsync(store, ListScope.Tenant, tenantId, listName, cancellationToken);
            return 0;
        }));
        return command;
    }

    /// <summary>Writes a list's versions and its latest 50 audit entries.</summary>
    internal static async Task WriteHistoryAsync(IThreatListStore store, ListScope scope, string tenantId, string listName, CancellationToken cancellationToken)
    {
        Console.WriteLine("versions:");
        foreach (var version in await store.LoadVersionsAsync(scope, tenantId, listName, cancellationToken))
        {
            Console.WriteLine($"  {version.Version}  {version.CreatedAt.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}  {LogText.Escape(version.CreatedBy)}  sha256 {version.Sha256}  entries {Count(version.EntryCount)}, rejected {Count(version.RejectedCount)}");
        }

        Console.WriteLine("audit trail (newest first):");
        foreach (var entry in await store.LoadAuditAsync(scope, tenantId, listName, 50, cancellationToken))
        {
            Console.WriteLine($"  {entry.At.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}  {entry.Action}  by {LogText.Escape(entry.Actor)}{(entry.Detail is null ? "" : ": " + LogText.Escape(entry.Detail))}");
        }
    }

    internal static string StatusLine(string name, string kind, string status, string? reason, int version, int? entries, int? rejected, string? sha256) =>
        $"{LogText.Escape(name)}  {kind}  {status}{(reason is null ? "" : $" ({LogText.Escape(reason)})")}  version {version}  entries {Count(entries)}, rejected {Count(rejected)}  sha256 {sha256 ?? "-"}";

    /// <summary>
    /// Runs <paramref name="action"/> with the storage services of the database that <c>--connection</c>
    /// or the environment names. Returns 2 when neither names one, after printing why.
    /// </summary>
    internal static async Task<int> WithServicesAsync(ParseResult parse, Option<string?> connection, Func<ServiceProvider, Task<int>> action)
    {
        var connectionString = CommonOptions.ResolveConnection(parse.GetValue(connection), Console.Error);
        if (connectionString is null)
        {
            return 2;
        }

        await using var provider = Services(connectionString);
        return await action(provider);
    }

    internal static ServiceProvider Services(string connectionString)
    {
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning))
            .AddVigilStorage(connectionString);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ListCatalogue>();
        services.AddSingleton<ListAuditWriter>();
        return services.BuildServiceProvider();
    }

    private static string Count(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
