using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using MudBlazor;
using Vigil.Contracts.Cluster;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>
/// The cluster for platform operators: silos with their status and load, activations per grain type
/// and the platform's ingest throughput. It shows every tenant's work together, so only the platform
/// operator role may open it.
/// </summary>
public partial class Cluster
{
    /// <summary>Minutes of ingest throughput shown, one point per minute.</summary>
    internal const int ThroughputMinutes = 60;

    private const int MaxChartedGrainTypes = 8;

    private readonly LineChartOptions _lineOptions = new() { ShowLegend = true, YAxisFormat = "N0", YAxisTicks = 0, ChartPalette = ["#2196f3", "#f44336"] };
    private readonly BarChartOptions _barOptions = new() { ShowLegend = false, YAxisFormat = "N0", YAxisTicks = 0, ChartPalette = ["#594ae2"] };
    private ClusterStatus? _status;
    private IReadOnlyList<IngestRate>? _throughput;
    private List<ChartSeries<double>> _throughputSeries = [];
    private string[] _throughputLabels = [];
    private List<ChartSeries<double>> _grainSeries = [];
    private string[] _grainLabels = [];
    private string? _error;

    [Inject]
    private IClusterStatusReader ClusterReader { get; set; } = default!;

    [Inject]
    private IIngestStatistics IngestStatistics { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [Inject]
    private ILogger<Cluster> Logger { get; set; } = default!;

    /// <summary>Activations per grain type over every silo, most first.</summary>
    private IReadOnlyList<(string Type, long Activations)> GrainTypeTotals => _status is null ? [] : [.. _status.GrainTypes
        .GroupBy(count => count.GrainType, StringComparer.Ordinal)
        .Select(group => (group.Key, (long)group.Sum(count => count.Activations)))
        .OrderByDescending(total => total.Item2)
        .ThenBy(total => total.Key, StringComparer.Ordinal)];

    private string GrainChartDescription => "Activations per grain type: " + string.Join(", ", GrainTypeTotals.Take(MaxChartedGrainTypes).Select(total => $"{ShortTypeName(total.Type)} {total.Activations}"));

    private string TotalRecords => Number(_throughput?.Sum(rate => rate.Records));

    private string TotalObjects => Number(_throughput?.Sum(rate => rate.Objects));

    private string TotalFailed => Number(_throughput?.Sum(rate => rate.FailedObjects));

    private string PeakRecords => Number(_throughput is { Count: > 0 } rates ? rates.Max(rate => rate.Records) : 0);

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            var now = Clock.GetUtcNow();
            var end = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddMinutes(1);
            _status = await ClusterReader.GetStatusAsync(CancellationToken.None);
            _throughput = await IngestStatistics.GetThroughputAsync(end.AddMinutes(-ThroughputMinutes), end, TimeSpan.FromMinutes(1), CancellationToken.None);
            BuildCharts();
            _error = null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.LoadFailed(Logger, exception);
            _error = "The cluster's state could not be loaded. Try again in a moment; if it keeps failing, check the service logs.";
        }
    }

    private void BuildCharts()
    {
        var rates = _throughput!;
        _throughputLabels = [.. rates.Select((rate, index) => index % 10 == 0 ? rate.Start.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture) : string.Empty)];
        _throughputSeries =
        [
            new ChartSeries<double>([.. rates.Select(rate => (double)rate.Records)]) { Name = "Records read" },
            new ChartSeries<double>([.. rates.Select(rate => (double)rate.RejectedRecords)]) { Name = "Records rejected" },
        ];

        var charted = GrainTypeTotals.Take(MaxChartedGrainTypes).ToList();
        _grainLabels = [.. charted.Select(total => ShortTypeName(total.Type))];
        _grainSeries = [new ChartSeries<double>([.. charted.Select(total => (double)total.Activations)]) { Name = "Activations" }];
    }

    /// <summary>Returns a grain class name without its assembly, such as <c>Vigil.Grains.Principals.PrincipalGrain</c>.</summary>
    internal static string TypeName(string grainType) => grainType.Split(',')[0];

    /// <summary>Returns the last part of a grain class name, such as <c>PrincipalGrain</c>.</summary>
    internal static string ShortTypeName(string grainType)
    {
        var name = grainType.Split(',')[0];
        var dot = name.LastIndexOf('.');
        return dot < 0 ? name : name[(dot + 1)..];
    }

    private static Color StatusColor(SiloSummary silo) => silo.Status switch
    {
        "Active" => Color.Success,
        "Dead" => Color.Error,
        _ => Color.Warning,
    };

    private static string Number(long? value) => value is { } number ? number.ToString("N0", CultureInfo.InvariantCulture) : "–";

    private static string Percent(double? value) => value is { } percent ? percent.ToString("0.0", CultureInfo.InvariantCulture) + " %" : "–";

    private static string Time(DateTimeOffset? time) => time is { } value ? Display.DisplayText.Timestamp(value) : "–";

    /// <summary>Formats a byte count in MiB or GiB, with binary prefixes.</summary>
    internal static string Bytes(long? value) => value switch
    {
        null => "–",
        >= 1L << 30 => (value.Value / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        _ => (value.Value / (double)(1L << 20)).ToString("0", CultureInfo.InvariantCulture) + " MiB",
    };

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Loading the cluster's state failed")]
        public static partial void LoadFailed(ILogger logger, Exception exception);
    }
}
