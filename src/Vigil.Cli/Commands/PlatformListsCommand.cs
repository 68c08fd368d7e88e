using System.CommandLine;
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil lists platform</c>: defines, fetches, activates, deactivates, deletes and shows the lists
/// the platform operator manages for every tenant. Each has a threat purpose, which decides the
/// finding types its matches raise, and a source fetched on a schedule by the host.
/// </summary>
internal static class PlatformListsCommand
{
    public static Command Create() => new("platform", "Manage the platform lists every tenant shares (threat purposes such as tor, scanner or command-and-control).")
    {
        CreateAdd(),
        CreateFetch(),
        CreateSetActive("activate", active: true),
        CreateSetActive("deactivate", active: false),
        CreateDelete(),
        CreateShow(),
    };

    private static Command CreateAdd()
    {
        var name = new Argument<string>("name") { Description = "List name shown in findings." };
        var purpose = new Option<string>("--purpose") { Description = "What the entries are known for: " + string.Join(", ", ThreatPurposeNames.All.Skip(1)) + ".", Required = true };
        var source = new Option<string>("--source") { Description = "http or https URL, file URL or absolute file path to fetch the list from.", Required = true };
        var format = new Option<string>("--format") { Description = "List format: txt, stix, otxcsv, alienvault, proofpoint, fireeye or csv:COLUMN.", DefaultValueFactory = _ => "txt" };
        var refresh = new Option<int>("--refresh-minutes") { Description = "Minutes between fetches.", DefaultValueFactory = _ => 60 };
        var inactive = new Option<bool>("--inactive") { Description = "Define the list without activating it." };
        var fetchNow = new Option<bool>("--fetch") { Description = "Fetch the list once now, instead of leaving the first fetch to the host." };
        var connection = CommonOptions.Connection();
        var command = new Command("add", "Add a platform list or change its definition; the host fetches it when due.")
        {
            name, purpose, source, format, refresh, inactive, fetchNow, connection,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var connectionString = CommonOptions.ResolveConnection(parse.GetValue(connection), Console.Error);
            if (connectionString is null)
            {
                return 2;
            }

            var purposeName = parse.GetValue(purpose)!;
            if (!ThreatPurposeNames.TryParse(purposeName, out var threatPurpose) || threatPurpose == ThreatPurpose.Custom)
            {
                Console.Error.WriteLine($"error: invalid --purpose '{LogText.Escape(purposeName)}'; use one of {string.Join(", ", ThreatPurposeNames.All.Skip(1))}.");
                return 2;
            }

            var formatName = parse.GetValue(format)!;
            if (!ThreatListParsers.TryParseStoredFormat(formatName, out _, out _))
            {
                Console.Error.WriteLine($"error: invalid --format '{LogText.Escape(formatName)}'; use txt, stix, otxcsv, alienvault, proofpoint, fireeye or csv:COLUMN.");
                return 2;
            }

            var sourceText = parse.GetValue(source)!;
            if (Path.IsPathFullyQualified(sourceText))
            {
                sourceText = new Uri(sourceText).AbsoluteUri;
            }

            if (!ListSourceReader.IsSupported(sourceText, out var reason))
            {
                Console.Error.WriteLine($"error: invalid --source: {LogText.Escape(reason)}.");
                return 2;
            }

            var minutes = parse.GetValue(refresh);
            if (minutes is < 1 or > 525_600)
            {
                Console.Error.WriteLine("error: --refresh-minutes must be 1 to 525600 (one year).");
                return 2;
            }

            var definition = new PlatformListDefinition
            {
                Name = parse.GetValue(name)!,
                Purpose = ThreatPurposeNames.NameOf(threatPurpose),
                Format = formatName,
                Source = sourceText,
                RefreshInterval = TimeSpan.FromMinutes(minutes),
            };
            await using var provider = ListsCommand.Services(connectionString);
            var store = provider.GetRequiredService<IPlatformListStore>();
            await store.DefineAsync(definition, active: !parse.GetValue(inactive), ListsCommand.Actor(), cancellationToken);
            Console.WriteLine($"Defined platform list '{definition.Name}' (purpose {definition.Purpose}, format {definition.Format}, every {minutes} minutes from {definition.Source}).");
            return parse.GetValue(fetchNow) ? await FetchAsync(store, definition, cancellationToken) : 0;
        }));
        return command;
    }

    private static Command CreateFetch()
    {
        var name = new Argument<string>("name") { Description = "Name of the platform list." };
        var connection = CommonOptions.Connection();
        var command = new Command("fetch", "Fetch a platform list from its source now and store new content as a new version.") { name, connection };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(() => ListsCommand.WithServicesAsync(parse, connection, async provider =>
        {
            var store = provider.GetRequiredService<IPlatformListStore>();
            var listName = parse.GetValue(name)!;
            var list = (await store.LoadAllAsync(cancellationToken)).FirstOrDefault(list => list.Definition.Name == listName);
            if (list is null)
            {
                Console.Error.WriteLine($"error: there is no platform list named '{LogText.Escape(listName)}'.");
                return 1;
            }

            return await FetchAsync(store, list.Definition, cancellationToken);
        })));
        return command;
    }

    private static async Task<int> FetchAsync(IPlatformListStore store, PlatformListDefinition definition, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var refresher = new PlatformListRefresher(store, new ListSourceReader(http), TimeProvider.System);
        var result = await refresher.FetchAsync(definition, ListsCommand.Actor(), cancellationToken);
        if (result.FailureReason is not null)
        {
            Console.Error.WriteLine($"error: fetching platform list '{LogText.Escape(definition.Name)}' failed: {LogText.Escape(result.FailureReason)}");
            return 1;
        }

        foreach (var error in result.Parsed!.Errors)
        {
            Console.Error.WriteLine($"warning: {LogText.Escape(error.ToString())}");
        }

        Console.WriteLine(
            $"Fetched platform list '{definition.Name}': {result.Parsed.Entries.Count} addresses or ranges, {result.Parsed.Domains.Count} domains, {result.Parsed.RejectedCount} entries rejected; " +
            $"version {result.Saved!.Version}{(result.Saved.ContentChanged ? "" : " (content unchanged)")}.");
        return 0;
    }

    private static Command CreateSetActive(string verb, bool active)
    {
        var name = new Argument<string>("name") { Description = "Name of the platform list." };
        var connection = CommonOptions.Connection();
        var command = new Command(verb, active ? "Use a platform list again; it is fetched at once." : "Stop using and fetching a platform list.") { name, connection };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(() => ListsCommand.WithServicesAsync(parse, connection, async provider =>
        {
            var listName = parse.GetValue(name)!;
            if (!await provider.GetRequiredService<IPlatformListStore>().SetActiveAsync(listName, active, ListsCommand.Actor(), cancellationToken))
            {
                Console.Error.WriteLine($"error: there is no platform list named '{LogText.Escape(listName)}'.");
                return 1;
            }

            Console.WriteLine($"Platform list '{listName}' is now {(active ? "activating" : "inactive")}.");
            return 0;
        })));
        return command;
    }

    private static Command CreateDelete()
    {
        var name = new Argument<string>("name") { Description = "Name of the platform list." };
        var connection = CommonOptions.Connection();
        var command = new Command("delete", "Delete a platform list; its versions and audit trail are kept.") { name, connection };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(() => ListsCommand.WithServicesAsync(parse, connection, async provider =>
        {
            var listName = parse.GetValue(name)!;
            if (!await provider.GetRequiredService<IPlatformListStore>().DeleteAsync(listName, ListsCommand.Actor(), cancellationToken))
            {
                Console.Error.WriteLine($"error: there is no platform list named '{LogText.Escape(listName)}'.");
                return 1;
            }

            Console.WriteLine($"Deleted platform list '{listName}'.");
            return 0;
        })));
        return command;
    }

    private static Command CreateShow()
    {
        var name = new Argument<string?>("name") { Description = "Name of one platform list, to show its versions and audit trail.", Arity = ArgumentArity.ZeroOrOne };
        var connection = CommonOptions.Connection();
        var command = new Command("show", "Show the platform lists with their status, or one list's versions and audit trail.") { name, connection };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(() => ListsCommand.WithServicesAsync(parse, connection, async provider =>
        {
            var listName = parse.GetValue(name);
            foreach (var list in await provider.GetRequiredService<IPlatformListStore>().LoadAllAsync(cancellationToken))
            {
                if (listName is null || list.Definition.Name == listName)
                {
                    Console.WriteLine(ListsCommand.StatusLine(list.Definition.Name, list.Definition.Purpose, list.Status, list.StatusReason, list.Version, list.EntryCount, list.RejectedCount, list.Sha256)
                        + $"  source {LogText.Escape(list.Definition.Source)}  next fetch {list.NextFetchAt.UtcDateTime:u}");
                }
            }

            if (listName is not null)
            {
                await ListsCommand.WriteHistoryAsync(provider.GetRequiredService<IThreatListStore>(), ListScope.Platform, "", listName, cancellationToken);
            }

            return 0;
        })));
        return command;
    }
}
