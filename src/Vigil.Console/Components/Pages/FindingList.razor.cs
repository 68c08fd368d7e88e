using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using MudBlazor;
using Vigil.Console.Display;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>The tenant's findings, sorted and paged by the store.</summary>
public partial class FindingList
{
    private static readonly int[] PageSizes = [25, 50, 100];

    private static readonly Dictionary<string, object> TableAttributes = new() { ["aria-label"] = "Findings" };

    private MudTable<FindingSummary>? _table;
    private bool _includeArchived;
    private bool _tenantMissing;
    private string? _loadError;

    [Inject]
    private IFindingQueries Findings { get; set; } = default!;

    [Inject]
    private ILogger<FindingList> Logger { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _tenantMissing = await GetTenantIdAsync() is null;
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

        var query = CreateQuery(state, _includeArchived);
        try
        {
            var page = await Findings.ListAsync(tenantId, query, cancellationToken);
            SetLoadError(null);
            return new TableData<FindingSummary>
            {
                Items = page.Items,
                TotalItems = (int)Math.Min(page.TotalCount, int.MaxValue),
            };
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.ListFailed(Logger, exception, tenantId);
            SetLoadError("The findings could not be loaded. Try again in a moment; if it keeps failing, check the service logs.");
            return new TableData<FindingSummary> { Items = [], TotalItems = 0 };
        }
    }

    /// <summary>Maps the table's page, page size and sort column to the store's query.</summary>
    internal static FindingListQuery CreateQuery(TableState state, bool includeArchived)
    {
        var field = state.SortDirection == SortDirection.None ? null : FindingSortLabels.GetField(state.SortLabel);
        var pageSize = Math.Clamp(state.PageSize, 1, PageSizes[^1]);
        return new FindingListQuery
        {
            Offset = Math.Max(0, state.Page) * pageSize,
            Limit = pageSize,
            SortBy = field ?? FindingSortField.LastSeen,
            Descending = field is null || state.SortDirection == SortDirection.Descending,
            IncludeArchived = includeArchived,
        };
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

    private async Task OnIncludeArchivedChanged(bool includeArchived)
    {
        _includeArchived = includeArchived;
        if (_table is not null)
        {
            await _table.ReloadServerData();
        }
    }

    private async Task<string?> GetTenantIdAsync() => (await AuthenticationState).User.FindTenantId();

    private static string DetailHref(FindingSummary finding) => "findings/" + Uri.EscapeDataString(finding.Id);

    private static string GetRowClass(FindingSummary finding, int index) =>
        finding.Archived ? "vigil-row-archived" : string.Empty;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Listing the findings of tenant {TenantId} failed")]
        public static partial void ListFailed(ILogger logger, Exception exception, string tenantId);
    }
}
