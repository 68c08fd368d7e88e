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
        var actor = CommonOptions.Actor();
        var command = new Command("add", "Add a platform list or change its definition; the host fetches it when due.")
        {
            name, purpose, source, format, refresh, inactive, fetchNow, connection, actor,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var connectionString = CommonOptions.ResolveConnection(parse.GetValue(connection), Console.Error);
            var actorName = CommonOptions.ResolveActor(parse.GetValue(actor), Console.Error);
            if (connectionString is null || actorName is null)
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
            var before = await FindAsync(store, definition.Name, cancellationToken);
            await store.DefineAsync(definition, active: !parse.GetValue(inactive), actorName, cancellationToken);
            var after = await FindAsync(store, definition.Name, cancellationToken);
            await provider.GetRequiredService<ListAuditWriter>().WritePlatformListAsync(actorName, before is null ? "created" : "updated", definition.Name, before, after, cancellationToken);
            Console.WriteLine($"Defined platform list '{definition.Name}' (purpose {definition.Purpose}, format {definition.Format}, every {minutes} minutes from {definition.Source}).");
            return parse.GetValue(fetchNow) && after is not null ? await FetchAsync(provider, after, actorName, cancellationToken) : 0;
        }));
        return command;
    }

    private static Command CreateFetch()
    {
        var name = new Argument<string>("name") { Description = "Name of the platform list." };
        var connection = CommonOptions.Connection();
        var actor = CommonOptions.Actor();
        var command = new Command("fetch", "Fetch a platform list from its source now and store new content as a new version.") { name, connection, actor };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(() => WithActorAsync(parse, connection, actor, async (provider, actorName) =>
        {
            var listName = parse.GetValue(name)!;
            var list = await FindAsync(provider.GetRequiredService<IPlatformListStore>(), listName, cancellationToken);
            if (list is null)
            {
                Console.Error.WriteLine($"error: there is no platform list named '{LogText.Escape(listName)}'.");
                return 1;
            }

            return await FetchAsync(provider, list, actorName, cancellationToken);
        })));
        return command;
    }

    /// <summary>Fetches a list from its source, writes the audit entry whatever the outcome, and prints the outcome.</summary>
    private static async Task<int> FetchAsync(ServiceProvider provider, StoredPlatformList before, string actor, CancellationToken cancellationToken)
    {
        var store = provider.GetRequiredService<IPlatformListStore>();
        var definition = before.Definition;
        using var http = new HttpClient();
        var refresher = new PlatformListRefresher(store, new ListSourceReader(http), TimeProvider.System);
        var result = await refresher.FetchAsync(definition, actor, cancellationToken);
        var after = await FindAsync(store, definition.Name, cancellationToken);
        await provider.GetRequiredService<ListAuditWriter>().WritePlatformListAsync(actor, "fetched", definition.Name, before, after, cancellationToken);
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
        var actor = CommonOptions.Actor();
        var command = new Command(verb, active ? "Use a platform list again; it is fetched at once." : "Stop using and fetching a platform list.") { name, connection, actor };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(() => WithActorAsync(parse, connection, actor, async (provider, actorName) =>
        {
            var listName = parse.GetValue(name)!;
            var store = provider.GetRequiredService<IPlatformListStore>();
            var before = await FindAsync(store, listName, cancellationToken);
            if (before is null || !await store.SetActiveAsync(listName, active, actorName, cancellationToken))
            {
                Console.Error.WriteLine($"error: there is no platform list named '{LogText.Escape(listName)}'.");
                return 1;
            }

            var after = await FindAsync(store, listName, cancellationToken);
            await provider.GetRequiredService<ListAuditWriter>().WritePlatformListAsync(actorName, active ? "activated" : "deactivated", listName, before, after, cancellationToken);

            Console.WriteLine($"Platform list '{listName}' is now {(active ? "activating" : "inactive")}.");
            return 0;
        })));
        return command;
    }

    private static Command CreateDelete()
    {
        var name = new Argument<string>("name") { Description = "Name of the platform list." };
        var connection = CommonOptions.Connection();
        var actor = CommonOptions.Actor();
        var command = new Command("delete", "Delete a platform list; its versions and audit trail are kept.") { name, connection, actor };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(() => WithActorAsync(parse, connection, actor, async (provider, actorName) =>
        {
            var listName = parse.GetValue(name)!;
            var store = provider.GetRequiredService<IPlatformListStore>();
            var before = await FindAsync(store, listName, cancellationToken);
            if (before is null || !await store.DeleteAsync(listName, actorName, cancellationToken))
            {
                Console.Error.WriteLine($"error: there is no platform list named '{LogText.Escape(listName)}'.");
                return 1;
            }

            await provider.GetRequiredService<ListAuditWriter>().WritePlatformListAsync(actorName, "deleted", listName, before, null, cancellationToken);

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

    /// <summary>Runs <paramref name="action"/> with the storage services and the resolved <c>--actor</c>; returns 2 when either is missing or invalid.</summary>
    private static Task<int> WithActorAsync(ParseResult parse, Option<string?> connection, Option<string?> actor, Func<ServiceProvider, string, Task<int>> action)
    {
        var actorName = CommonOptions.ResolveActor(parse.GetValue(actor), Console.Error);
        return actorName is null ? Task.FromResult(2) : ListsCommand.WithServicesAsync(parse, connection, provider => action(provider, actorName));
    }

    private static async Task<StoredPlatformList?> FindAsync(IPlatformListStore store, string name, CancellationToken cancellationToken) =>
        (await store.LoadAllAsync(cancellationToken)).FirstOrDefault(list => list.Definition.Name == name);
}
