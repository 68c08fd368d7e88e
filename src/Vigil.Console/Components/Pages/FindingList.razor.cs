using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using MudBlazor;
using Vigil.Console.Components.Shared;
using Vigil.Console.Display;
using Vigil.Console.Findings;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>
/// The tenant's findings: criteria, saved filters, sorting, keyset paging, grouping, bulk archiving,
/// feedback and export. A timer polls the store for findings written since the page loaded and shows
/// them without a reload.
/// </summary>
public partial class FindingList
{
    private static readonly int[] PageSizes = [25, 50, 100];

    private static readonly Dictionary<string, object> TableAttributes = new() { ["aria-label"] = "Findings" };

    private static readonly Dictionary<string, object> DownloadAttributes = new() { ["download"] = string.Empty };

    private MudTable<FindingSummary>? _table;
    private CriteriaBuilder? _builder;
    private FindingCriteria _criteria = FindingCriteria.Empty;
    private bool _includeArchived;
    private bool _tenantMissing;
    private string? _loadError;
    private string? _notice;
    private int _pageSize = PageSizes[0];

    // Keyset paging: the cursors of the pages before the current one, the current page's cursor and the next page's.
    private readonly Stack<string?> _cursors = new();
    private string? _currentAfter;
    private string? _nextCursor;
    private (string? Label, SortDirection Direction) _lastSort = (FindingSortLabels.LastSeen, SortDirection.Descending);
    private FindingPage? _page;

    private HashSet<FindingSummary> _selected = [];
    private string _grouping = string.Empty;
    private IReadOnlyList<FindingGroup>? _groups;
    private IReadOnlyList<SavedFilter> _savedFilters = [];
    private string _selectedSavedFilter = string.Empty;
    private string _saveName = string.Empty;

    private readonly CancellationTokenSource _disposed = new();
    private DateTimeOffset? _watermark;
    private int _changedSinceLoad;
    private bool _liveStarted;

    /// <summary>Criteria as JSON in the query string, for links that open a narrowed list.</summary>
    [SupplyParameterFromQuery(Name = "criteria")]
    public string? CriteriaJson { get; set; }

    /// <summary>The exact finding type, from a <see cref="FindingsLink"/> of the overview.</summary>
    [SupplyParameterFromQuery(Name = "type")]
    public string? LinkType { get; set; }

    /// <summary>A severity band (low, medium, high or critical), from a <see cref="FindingsLink"/>.</summary>
    [SupplyParameterFromQuery(Name = "severity")]
    public string? LinkSeverity { get; set; }

    /// <summary>The resource label as the list shows it, from a <see cref="FindingsLink"/>.</summary>
    [SupplyParameterFromQuery(Name = "resource")]
    public string? LinkResource { get; set; }

    /// <summary>The 12-digit AWS account id, from a <see cref="FindingsLink"/>.</summary>
    [SupplyParameterFromQuery(Name = "account")]
    public string? LinkAccount { get; set; }

    /// <summary>The earliest last occurrence (ISO 8601), from a <see cref="FindingsLink"/>.</summary>
    [SupplyParameterFromQuery(Name = "from")]
    public string? LinkFrom { get; set; }

    /// <summary>The time before which the last occurrence lies (ISO 8601), from a <see cref="FindingsLink"/>.</summary>
    [SupplyParameterFromQuery(Name = "to")]
    public string? LinkTo { get; set; }

    [Inject]
    private IFindingQueries Findings { get; set; } = default!;

    [Inject]
    private IFindingTriage Triage { get; set; } = default!;

    [Inject]
    private ISavedFilterStore SavedFilters { get; set; } = default!;

    [Inject]
    private FindingFeedbackService Feedback { get; set; } = default!;

    [Inject]
    private FindingLiveOptions LiveOptions { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [Inject]
    private ILogger<FindingList> Logger { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private string MatchCountText => _page is null
        ? string.Empty
        : _page.MatchCountIsLowerBound
            ? $"More than {_page.MatchCount.ToString("N0", CultureInfo.InvariantCulture)} findings match"
            : $"{_page.MatchCount.ToString("N0", CultureInfo.InvariantCulture)} findings match";

    protected override async Task OnInitializedAsync()
    {
        var tenantId = await GetTenantIdAsync();
        _tenantMissing = tenantId is null;
        if (CriteriaJson is not null)
        {
            try
            {
                _criteria = JsonSerializer.Deserialize<FindingCriteria>(CriteriaJson, FindingCriteriaJson.Options) ?? FindingCriteria.Empty;
            }
            catch (JsonException)
            {
                _notice = "The link's filter could not be read, so all findings are shown.";
            }
        }
        else
        {
            var (linked, invalid) = FindingsLinkCriteria.FromQuery(LinkType, LinkSeverity, LinkResource, LinkAccount, LinkFrom, LinkTo);
            _criteria = linked ?? _criteria;
            if (invalid.Count > 0)
            {
                _notice = $"The link's {string.Join(" and ", invalid)} could not be read and {(invalid.Count == 1 ? "is" : "are")} left out of the filter.";
            }
        }

        if (tenantId is not null)
        {
            await LoadSavedFiltersAsync(tenantId);
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && !_tenantMissing && !_liveStarted)
        {
            _liveStarted = true;
            _ = WatchForChangesAsync(_disposed.Token);
        }
    }

    /// <summary>Loads one page for the table. The tenant comes from the signed-in user's claim, never from the page.</summary>
    private async Task<TableData<FindingSummary>> LoadPageAsync(TableState state, CancellationToken cancellationToken)
    {
        var tenantId = await GetTenantIdAsync();
        if (tenantId is null)
        {
            _tenantMissing = true;
            StateHasChanged();
            return new TableData<FindingSummary> { Items = [], TotalItems = 0 };
        }

        // A new sort order starts again from the first page, because cursors belong to one order.
        var sort = (state.SortLabel, state.SortDirection);
        if (sort != _lastSort)
        {
            _lastSort = sort;
            ResetPaging();
        }

        var query = CreateQuery(state, _criteria, _includeArchived, _pageSize, _currentAfter);
        try
        {
            _page = await Findings.ListAsync(tenantId, query, cancellationToken);
            _nextCursor = _page.NextCursor;
            SetLoadError(null);
            return new TableData<FindingSummary> { Items = _page.Items, TotalItems = _page.Items.Count };
        }
        catch (ArgumentException exception)
        {
            ResetPaging();
            SetLoadError(exception.Message.Split(" (Parameter", 2)[0]);
            return new TableData<FindingSummary> { Items = [], TotalItems = 0 };
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.ListFailed(Logger, exception, tenantId);
            SetLoadError("The findings could not be loaded. Try again in a moment; if it keeps failing, check the service logs.");
            return new TableData<FindingSummary> { Items = [], TotalItems = 0 };
        }
    }

    /// <summary>Maps the table's sort column, the criteria and the page's cursor to the store's query.</summary>
    internal static FindingListQuery CreateQuery(TableState state, FindingCriteria criteria, bool includeArchived, int pageSize, string? after)
    {
        var field = state.SortDirection == SortDirection.None ? null : FindingSortLabels.GetField(state.SortLabel);
        return new FindingListQuery
        {
            Criteria = criteria,
            After = after,
            Limit = Math.Clamp(pageSize, 1, PageSizes[^1]),
            SortBy = field ?? FindingSortField.LastSeen,
            Descending = field is null || state.SortDirection == SortDirection.Descending,
            IncludeArchived = includeArchived,
        };
    }

    private async Task ApplyFilterAsync()
    {
        if (_builder is null || !_builder.TryBuild(out var criteria))
        {
            return;
        }

        _criteria = criteria;
        _notice = null;
        await ReloadFromFirstPageAsync();
    }

    private async Task ClearFilterAsync()
    {
        _criteria = FindingCriteria.Empty;
        _selectedSavedFilter = string.Empty;
        await ReloadFromFirstPageAsync();
    }

    private async Task NarrowToGroupAsync(FindingGroup group)
    {
        var field = _grouping == nameof(FindingGrouping.Type) ? "type" : FindingFields.ResourceKey;
        _criteria = _criteria.With(new FindingCriterion(field, CriterionOperator.Equals, [group.Key]));
        _grouping = string.Empty;
        _groups = null;
        await ReloadFromFirstPageAsync();
    }

    private async Task NextPageAsync()
    {
        if (_nextCursor is null)
        {
            return;
        }

        _cursors.Push(_currentAfter);
        _currentAfter = _nextCursor;
        await ReloadTableAsync();
    }

    private async Task PreviousPageAsync()
    {
        if (_cursors.Count > 0)
        {
            _currentAfter = _cursors.Pop();
            await ReloadTableAsync();
        }
    }

    private async Task FirstPageAsync() => await ReloadFromFirstPageAsync();

    private async Task OnPageSizeChangedAsync(ChangeEventArgs args)
    {
        if (int.TryParse(args.Value?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) && PageSizes.Contains(size))
        {
            _pageSize = size;
            await ReloadFromFirstPageAsync();
        }
    }

    private async Task OnIncludeArchivedChanged(bool includeArchived)
    {
        _includeArchived = includeArchived;
        await ReloadFromFirstPageAsync();
    }

    private async Task OnGroupingChangedAsync(ChangeEventArgs args)
    {
        _grouping = args.Value?.ToString() ?? string.Empty;
        await LoadGroupsAsync();
    }

    private async Task ArchiveSelectedAsync(bool archived)
    {
        var tenantId = await GetTenantIdAsync();
        if (tenantId is null || _selected.Count == 0)
        {
            return;
        }

        await RunTriageAsync(tenantId, async () =>
        {
            var changed = await Triage.SetArchivedAsync(tenantId, [.. _selected.Select(finding => finding.Id)], archived, CancellationToken.None);
            _notice = $"{changed.ToString("N0", CultureInfo.InvariantCulture)} findings {(archived ? "archived" : "unarchived")}.";
        });
    }

    private async Task ArchiveMatchingAsync(bool archived)
    {
        var tenantId = await GetTenantIdAsync();
        if (tenantId is null)
        {
            return;
        }

        await RunTriageAsync(tenantId, async () =>
        {
            var changed = await Triage.SetArchivedMatchingAsync(tenantId, _criteria, archived, CancellationToken.None);
            _notice = $"{changed.ToString("N0", CultureInfo.InvariantCulture)} findings matching the filter {(archived ? "archived" : "unarchived")}.";
        });
    }

    private async Task SetFeedbackAsync(FindingSummary finding, FindingFeedback feedback)
    {
        var tenantId = await GetTenantIdAsync();
        if (tenantId is null)
        {
            return;
        }

        // A second click on the same verdict takes it back.
        FindingFeedback? value = finding.UserFeedback == feedback.ToText() ? null : feedback;
        await RunTriageAsync(tenantId, async () =>
        {
            var result = await Feedback.SetAsync(tenantId, finding.Id, value, CancellationToken.None);
            _notice = result is { ProfileUpdated: true }
                ? "Feedback stored; the principal's profile now treats what was unusual in this finding as expected."
                : result is null ? "The finding no longer exists." : "Feedback stored.";
        });
    }

    private async Task RunTriageAsync(string tenantId, Func<Task> action)
    {
        try
        {
            await action();
            _selected = [];
            await ReloadTableAsync();
            await LoadGroupsAsync();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.TriageFailed(Logger, exception, tenantId);
            SetLoadError("The change could not be saved. Try again; if it keeps failing, check the service logs.");
        }
    }

    private async Task LoadGroupsAsync()
    {
        var tenantId = await GetTenantIdAsync();
        if (tenantId is null || !Enum.TryParse<FindingGrouping>(_grouping, out var grouping))
        {
            _groups = null;
            return;
        }

        try
        {
            _groups = await Triage.GroupAsync(tenantId, _criteria, _includeArchived, grouping, 50, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.ListFailed(Logger, exception, tenantId);
            SetLoadError("The groups could not be loaded. Try again in a moment.");
        }
    }

    private async Task LoadSavedFiltersAsync(string tenantId)
    {
        try
        {
            _savedFilters = await SavedFilters.ListAsync(tenantId, await GetUserNameAsync(), CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.ListFailed(Logger, exception, tenantId);
            _savedFilters = [];
        }
    }

    private async Task OnSavedFilterSelectedAsync(ChangeEventArgs args)
    {
        _selectedSavedFilter = args.Value?.ToString() ?? string.Empty;
        var saved = _savedFilters.FirstOrDefault(filter => filter.Name == _selectedSavedFilter);
        if (saved is null)
        {
            return;
        }

        _criteria = saved.Criteria;
        _includeArchived = saved.IncludeArchived;
        _saveName = saved.Name;
        await ReloadFromFirstPageAsync();
    }

    private async Task SaveFilterAsync()
    {
        var tenantId = await GetTenantIdAsync();
        if (tenantId is null || _builder is null || !_builder.TryBuild(out var criteria))
        {
            return;
        }

        var field = FindingSortLabels.GetField(_lastSort.Label) ?? FindingSortField.LastSeen;
        var filter = new SavedFilter(_saveName, criteria, field, _lastSort.Direction != SortDirection.Ascending, _includeArchived);
        try
        {
            await SavedFilters.SaveAsync(tenantId, await GetUserNameAsync(), filter, CancellationToken.None);
            _criteria = criteria;
            _selectedSavedFilter = _saveName.Trim();
            _notice = $"Filter \"{_selectedSavedFilter}\" saved.";
            await LoadSavedFiltersAsync(tenantId);
            await ReloadFromFirstPageAsync();
        }
        catch (ArgumentException exception)
        {
            _builder.ShowErrors([exception.Message.Split(" (Parameter", 2)[0]]);
        }
    }

    private async Task DeleteFilterAsync()
    {
        var tenantId = await GetTenantIdAsync();
        if (tenantId is null || string.IsNullOrEmpty(_selectedSavedFilter))
        {
            return;
        }

        await SavedFilters.DeleteAsync(tenantId, await GetUserNameAsync(), _selectedSavedFilter, CancellationToken.None);
        _notice = $"Filter \"{_selectedSavedFilter}\" deleted.";
        _selectedSavedFilter = string.Empty;
        await LoadSavedFiltersAsync(tenantId);
    }

    private async Task ShowLatestAsync()
    {
        _changedSinceLoad = 0;
        await ReloadFromFirstPageAsync();
    }

    /// <summary>
    /// Polls the store for findings written after the newest one this page has seen. On the first page
    /// with nothing selected, the table reloads at once. Elsewhere a banner offers to show them, so rows
    /// do not move under the analyst's cursor.
    /// </summary>
    private async Task WatchForChangesAsync(CancellationToken cancellationToken)
    {
        var tenantId = await GetTenantIdAsync();
        if (tenantId is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(LiveOptions.PollInterval, Clock);
        try
        {
            _watermark = (await Triage.GetChangesSinceAsync(tenantId, DateTimeOffset.MaxValue, cancellationToken)).LatestUpdatedAt;
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var changes = await Triage.GetChangesSinceAsync(tenantId, _watermark ?? DateTimeOffset.MinValue, cancellationToken);
                if (changes.ChangedCount == 0)
                {
                    continue;
                }

                _watermark = changes.LatestUpdatedAt;
                await InvokeAsync(async () =>
                {
                    if (_currentAfter is null && _selected.Count == 0)
                    {
                        _changedSinceLoad = 0;
                        await ReloadTableAsync();
                    }
                    else
                    {
                        _changedSinceLoad += changes.ChangedCount;
                    }

                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
        catch (Exception exception)
        {
            Log.LiveFailed(Logger, exception, tenantId);
        }
    }

    private void ResetPaging()
    {
        _cursors.Clear();
        _currentAfter = null;
        _nextCursor = null;
    }

    private async Task ReloadFromFirstPageAsync()
    {
        ResetPaging();
        _selected = [];
        await ReloadTableAsync();
        await LoadGroupsAsync();
    }

    private async Task ReloadTableAsync()
    {
        if (_table is not null)
        {
            await _table.ReloadServerData();
        }
    }

    // The table calls LoadPageAsync as a plain delegate, which does not re-render this page, so the
    // alert above the table needs an explicit render when the error changes.
    private void SetLoadError(string? message)
    {
        if (_loadError != message)
        {
            _loadError = message;
            StateHasChanged();
        }
    }

    private string ExportHref(string format)
    {
        var criteria = Uri.EscapeDataString(JsonSerializer.Serialize(_criteria, FindingCriteriaJson.Options));
        var archived = _includeArchived ? "true" : "false";
        return $"api/v1/findings/export?format={format}&includeArchived={archived}&criteria={criteria}";
    }

    private async Task<string?> GetTenantIdAsync() => (await AuthenticationState).User.FindTenantId();

    private async Task<string> GetUserNameAsync() => (await AuthenticationState).User.Identity?.Name ?? "(unknown)";

    private static string DetailHref(FindingSummary finding) => "findings/" + Uri.EscapeDataString(finding.Id);

    private static string GetRowClass(FindingSummary finding, int index) =>
        finding.Archived ? "vigil-row-archived" : string.Empty;

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        _disposed.Dispose();
        GC.SuppressFinalize(this);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Listing the findings of tenant {TenantId} failed")]
        public static partial void ListFailed(ILogger logger, Exception exception, string tenantId);

        [LoggerMessage(Level = LogLevel.Error, Message = "Changing findings of tenant {TenantId} failed")]
        public static partial void TriageFailed(ILogger logger, Exception exception, string tenantId);

        [LoggerMessage(Level = LogLevel.Error, Message = "Watching the findings of tenant {TenantId} for changes failed; the page no longer updates live")]
        public static partial void LiveFailed(ILogger logger, Exception exception, string tenantId);
    }
}
