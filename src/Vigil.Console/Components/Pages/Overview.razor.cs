using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using MudBlazor;
using Vigil.Console.Components.Shared;
using Vigil.Console.Display;
using Vigil.Console.Sources;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>
/// The tenant's findings at a glance: severities over time, top types, resources and principals,
/// and the health of its sources. Every figure links to the findings list narrowed to it.
/// </summary>
public partial class Overview
{
    // Low first, so the stack grows from low at the bottom to critical at the top.
    private static readonly SeverityLevel[] ChartLevels = [SeverityLevel.Low, SeverityLevel.Medium, SeverityLevel.High, SeverityLevel.Critical];

    private readonly StackedBarChartOptions _chartOptions = new()
    {
        // The light theme's info, warning and error colours and the console's critical red, as hex,
        // because SVG attributes cannot read the theme's CSS variables.
        ChartPalette = ["#2196f3", "#ff9800", "#f44336", "#8e0b2e"],
        ShowLegend = true,
        ShowZeroValues = false,
        YAxisFormat = "N0",
        // Zero picks a round tick spacing that fits the counts.
        YAxisTicks = 0,
    };

    private OverviewRange _range = OverviewRange.Week;
    private OverviewWindow? _window;
    private FindingOverview? _overview;
    private IReadOnlyList<SourceOverview> _sources = [];
    private List<ChartSeries<double>> _series = [];
    private string[] _labels = [];
    private bool _tenantMissing;
    private string? _error;

    [Inject]
    private IOverviewQueries Queries { get; set; } = default!;

    [Inject]
    private SourceService SourceService { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ILogger<Overview> Logger { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>The time range from the URL: <c>24h</c>, <c>7d</c> or <c>30d</c>; anything else means 7 days.</summary>
    [SupplyParameterFromQuery(Name = "range")]
    public string? RangeParameter { get; set; }

    private bool Hourly => _window?.Bucket == OverviewBucket.Hour;

    private string ChartDescription => _overview is null ? string.Empty : string.Join("; ", ChartLevels.Select(level =>
        $"{level}: {_overview.Timeline.Sum(bucket => CountOf(bucket, level)).ToString("N0", CultureInfo.InvariantCulture)}"));

    private IReadOnlyList<TopListItem> TopTypes => [.. _overview!.TopTypes.Select(type => new TopListItem(
        type.Type, null, type.Findings, type.MaxSeverity, new FindingsLink { Type = type.Type, From = _window!.From, To = _window.To }.Href))];

    private IReadOnlyList<TopListItem> TopResources => [.. _overview!.TopResources.Select(resource => new TopListItem(
        resource.Resource, resource.ResourceType, resource.Findings, resource.MaxSeverity, new FindingsLink { Resource = resource.Resource, From = _window!.From, To = _window.To }.Href))];

    private IReadOnlyList<TopListItem> TopPrincipals => [.. _overview!.TopPrincipals.Select(principal => new TopListItem(
        principal.Label, ProfileLink.NameOf(principal.PrincipalKey), principal.Findings, principal.MaxSeverity,
        new FindingsLink { Resource = principal.Label, Account = principal.AccountId, From = _window!.From, To = _window.To }.Href,
        ProfileLink.For(principal.PrincipalKey)))];

    protected override async Task OnParametersSetAsync()
    {
        _range = OverviewRanges.Parse(RangeParameter);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var tenantId = (await AuthenticationState).User.FindTenantId();
        if (tenantId is null)
        {
            _tenantMissing = true;
            return;
        }

        try
        {
            var newest = await Queries.GetNewestFindingTimeAsync(tenantId, CancellationToken.None);
            _window = OverviewWindow.For(_range, Clock.GetUtcNow(), newest);
            _overview = await Queries.GetOverviewAsync(tenantId, _window.ToQuery(), CancellationToken.None);
            _sources = await SourceService.ListAsync(tenantId, CancellationToken.None);
            BuildChart(_overview.Timeline);
            _error = null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.LoadFailed(Logger, exception, tenantId);
            _error = "The overview could not be loaded. Try again in a moment; if it keeps failing, check the service logs.";
        }
    }

    private void BuildChart(IReadOnlyList<SeverityBucket> timeline)
    {
        _labels = [.. timeline.Select((bucket, index) => LabelEvery(timeline.Count, index) ? BucketLabel(bucket.Start) : string.Empty)];
        _series = [.. ChartLevels.Select(level => new ChartSeries<double>([.. timeline.Select(bucket => (double)CountOf(bucket, level))]) { Name = level.ToString() })];
    }

    // About eight labels across the axis, so hour labels do not overlap.
    private static bool LabelEvery(int count, int index) => index % Math.Max(1, count / 8) == 0;

    private string BucketLabel(DateTimeOffset start) => Hourly
        ? start.UtcDateTime.ToString("MM-dd HH:00", CultureInfo.InvariantCulture)
        : start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static long CountOf(SeverityBucket bucket, SeverityLevel level) => level switch
    {
        SeverityLevel.Low => bucket.Low,
        SeverityLevel.Medium => bucket.Medium,
        SeverityLevel.High => bucket.High,
        _ => bucket.Critical,
    };

    private FindingsLink BucketLink(SeverityBucket bucket, SeverityLevel level) => new()
    {
        Severity = level,
        From = bucket.Start,
        To = bucket.Start + _window!.Step,
    };

    /// <summary>Opens the findings of the severity the user selected in the chart, over the whole range.</summary>
    private void OpenSeverity(int seriesIndex)
    {
        if (_window is null || seriesIndex < 0 || seriesIndex >= ChartLevels.Length)
        {
            return;
        }

        Navigation.NavigateTo(new FindingsLink { Severity = ChartLevels[seriesIndex], From = _window.From, To = _window.To }.Href);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Loading the overview of tenant {TenantId} failed")]
        public static partial void LoadFailed(ILogger logger, Exception exception, string tenantId);
    }
}
