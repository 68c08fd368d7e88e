using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using MudBlazor;
using Vigil.Console.Lists;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Lists;

/// <summary>The platform lists for platform operators: status, fetches, versions, invalid lines and changes.</summary>
public partial class PlatformListsSection
{
    private const int InvalidLinesPageSize = 100;

    private IReadOnlyList<PlatformListView>? _lists;
    private PlatformListDetail? _detail;
    private List<InvalidLineView> _invalidLines = [];
    private int _rejectedCount;
    private int _listedCount;
    private string? _error;
    private string? _notice;

    [Inject]
    private PlatformListService Lists { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ILogger<PlatformListsSection> Logger { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        // The page shows this section to operators only; checked here too, because it reads every platform list.
        if ((await AuthenticationState).User.IsInRole(ConsoleRoles.PlatformOperator))
        {
            await LoadAsync();
        }
    }

    private static string Count(int? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "–";

    private async Task LoadAsync()
    {
        try
        {
            _lists = await Lists.ListAsync(CancellationToken.None);
            _error = null;
            if (_detail is not null)
            {
                await SelectAsync(_detail.List.Name);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.LoadFailed(Logger, exception);
            _error = "The platform lists could not be loaded. Try again in a moment; if it keeps failing, check the service logs.";
        }
    }

    private async Task SelectAsync(string name)
    {
        _detail = await Lists.GetAsync(name, CancellationToken.None);
        _invalidLines = [];
        if (_detail is not null && await Lists.InvalidLinesAsync(name, 0, InvalidLinesPageSize, CancellationToken.None) is { } page)
        {
            _invalidLines = [.. page.Lines];
            _rejectedCount = page.RejectedCount;
            _listedCount = page.ListedCount;
        }
    }

    private async Task MoreInvalidLinesAsync()
    {
        if (_detail is not null && await Lists.InvalidLinesAsync(_detail.List.Name, _invalidLines.Count, InvalidLinesPageSize, CancellationToken.None) is { } page)
        {
            _invalidLines.AddRange(page.Lines);
        }
    }

    private async Task AddAsync()
    {
        var dialog = await Dialogs.ShowAsync<PlatformListDialog>("Add a platform list", new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: PlatformChangeResult { List: { } list } saved })
        {
            _notice = saved.FetchFailure is null ? $"Stored {list.Name}." : $"Stored {list.Name}, but its first fetch failed: {saved.FetchFailure}";
            await LoadAsync();
        }
    }

    private async Task FetchAsync(PlatformListView list) =>
        await ReportAsync(list.Name, await Lists.FetchAsync(await ActorAsync(), list.Name, CancellationToken.None), "fetched");

    private async Task SetActiveAsync(PlatformListView list, bool active) =>
        await ReportAsync(list.Name, await Lists.SetActiveAsync(await ActorAsync(), list.Name, active, CancellationToken.None), active ? "activating" : "inactive");

    private async Task ReportAsync(string name, PlatformChangeResult result, string what)
    {
        _notice = result.NotFound ? $"The platform list {name} no longer exists."
            : result.FetchFailure is { } failure ? $"Fetching {name} failed: {failure}"
            : $"{name} is {what}.";
        await LoadAsync();
    }

    private async Task DeleteAsync(PlatformListView list)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Delete platform list",
            $"Delete the platform list {list.Name}? Every tenant stops matching against it at once.",
            yesText: "Delete",
            cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        await Lists.DeleteAsync(await ActorAsync(), list.Name, CancellationToken.None);
        if (_detail?.List.Name == list.Name)
        {
            _detail = null;
        }

        await LoadAsync();
    }

    private async Task<string> ActorAsync() => (await AuthenticationState).User.Identity?.Name ?? "(unknown)";

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Loading the platform lists failed")]
        public static partial void LoadFailed(ILogger logger, Exception exception);
    }
}
