using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using MudBlazor;
using Vigil.Console.Components.Lists;
using Vigil.Console.Display;
using Vigil.Console.Lists;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>
/// The tenant's threat and trusted lists with status, entries, invalid lines and their line numbers,
/// versions and changes. Tenant admins upload, read from S3, activate, deactivate and delete. Platform
/// operators also see the platform lists.
/// </summary>
public partial class ListsPage
{
    private const int InvalidLinesPageSize = 100;

    private static readonly Dictionary<string, object> TableAttributes = new() { ["aria-label"] = "Lists" };

    private IReadOnlyList<ListView>? _lists;
    private ListDetail? _detail;
    private List<InvalidLineView> _invalidLines = [];
    private int _rejectedCount;
    private int _listedCount;
    private bool _tenantMissing;
    private bool _canEdit;
    private bool _isOperator;
    private string? _error;
    private string? _notice;

    [Inject]
    private ListService Lists { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ILogger<ListsPage> Logger { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>The list to show in detail, from the address (<c>/lists?name=…</c>).</summary>
    [SupplyParameterFromQuery(Name = "name")]
    public string? SelectedName { get; set; }

    internal static Color StatusColor(string status) => status switch
    {
        ListStatus.Active => Color.Success,
        ListStatus.Error => Color.Error,
        ListStatus.Activating => Color.Info,
        _ => Color.Default,
    };

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _tenantMissing = user.FindTenantId() is null;
        _isOperator = user.IsInRole(ConsoleRoles.PlatformOperator);
        _canEdit = _isOperator || user.IsInRole(ConsoleRoles.TenantAdmin);
        await LoadAsync();
    }

    private static string Count(int? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "–";

    private static string SourceText(ListView list) => list.Source is null
        ? "uploaded file"
        : $"{DisplayText.SingleLine(list.Source)}, every {list.RefreshMinutes} min";

    private async Task LoadAsync()
    {
        if (await GetTenantIdAsync() is not { } tenantId)
        {
            _tenantMissing = true;
            return;
        }

        try
        {
            _lists = await Lists.ListAsync(tenantId, CancellationToken.None);
            _error = null;
            if (SelectedName is { } name)
            {
                await LoadDetailAsync(tenantId, name);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.LoadFailed(Logger, exception, tenantId);
            _error = "The lists could not be loaded. Try again in a moment; if it keeps failing, check the service logs.";
        }
    }

    private async Task SelectAsync(string name)
    {
        SelectedName = name;
        if (await GetTenantIdAsync() is { } tenantId)
        {
            await LoadDetailAsync(tenantId, name);
        }
    }

    private async Task LoadDetailAsync(string tenantId, string name)
    {
        _detail = await Lists.GetAsync(tenantId, name, CancellationToken.None);
        _invalidLines = [];
        if (_detail is not null && await Lists.InvalidLinesAsync(tenantId, name, 0, InvalidLinesPageSize, CancellationToken.None) is { } page)
        {
            _invalidLines = [.. page.Lines];
            _rejectedCount = page.RejectedCount;
            _listedCount = page.ListedCount;
        }
    }

    private async Task MoreInvalidLinesAsync()
    {
        if (_detail is null || await GetTenantIdAsync() is not { } tenantId)
        {
            return;
        }

        var page = await Lists.InvalidLinesAsync(tenantId, _detail.List.Name, _invalidLines.Count, InvalidLinesPageSize, CancellationToken.None);
        _invalidLines.AddRange(page?.Lines ?? []);
    }

    private async Task AddAsync(bool fromS3)
    {
        var parameters = new DialogParameters<ListDialog> { { dialog => dialog.FromS3, fromS3 } };
        var dialog = await Dialogs.ShowAsync<ListDialog>(fromS3 ? "Read a list from S3" : "Upload a list", parameters, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: ListChangeResult { List: { } list } saved })
        {
            _notice = $"Stored {list.Name} version {list.Version}: {saved.Loaded:N0} entries loaded, {saved.Rejected:N0} invalid.";
            SelectedName = list.Name;
            await LoadAsync();
        }
    }

    private async Task SetActiveAsync(ListView list, bool active)
    {
        if (await GetTenantIdAsync() is not { } tenantId)
        {
            return;
        }

        var result = await Lists.SetActiveAsync(tenantId, await ActorAsync(), list.Name, active, CancellationToken.None);
        _notice = result.NotFound ? $"The list {list.Name} no longer exists." : $"{list.Name} is {(active ? "activating" : "inactive")}.";
        await LoadAsync();
    }

    private async Task DeleteAsync(ListView list)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Delete list",
            $"Delete the list {list.Name}? It stops being used at once; its versions and changes stay in the record.",
            yesText: "Delete",
            cancelText: "Cancel");
        if (confirmed != true || await GetTenantIdAsync() is not { } tenantId)
        {
            return;
        }

        await Lists.DeleteAsync(tenantId, await ActorAsync(), list.Name, CancellationToken.None);
        if (SelectedName == list.Name)
        {
            SelectedName = null;
            _detail = null;
        }

        await LoadAsync();
    }

    private async Task<string> ActorAsync() => (await AuthenticationState).User.Identity?.Name ?? "(unknown)";

    private async Task<string?> GetTenantIdAsync() => (await AuthenticationState).User.FindTenantId();

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Loading the lists of tenant {TenantId} failed")]
        public static partial void LoadFailed(ILogger logger, Exception exception, string tenantId);
    }
}
