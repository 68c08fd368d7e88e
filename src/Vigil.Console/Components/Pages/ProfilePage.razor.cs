using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using MudBlazor;
using Vigil.Contracts.Profiles;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>
/// What the grain of one principal or endpoint has learned, and its recent findings. The key comes
/// from the URL (<c>principals/profile?key=account/principal</c>) and the tenant from the signed-in
/// user, and the profile reader joins them into the grain key.
/// </summary>
public partial class ProfilePage
{
    /// <summary>Most recent findings listed.</summary>
    internal const int MaxFindings = 20;

    private static readonly string[] HourLabels = [.. Enumerable.Range(0, 24).Select(hour => hour % 3 == 0 ? hour.ToString("00", CultureInfo.InvariantCulture) : string.Empty)];

    // The order and names of the features, as the detection library names its profile dimensions.
    private static readonly (string Dimension, string Label)[] Features =
    [
        ("Api", "API"),
        ("Network", "Network (ASN or address block)"),
        ("Country", "Country"),
        ("UserAgent", "User agent"),
        ("UserType", "Identity type"),
        ("Bucket", "S3 bucket"),
        ("InstanceSource", "Source of instance credentials (network, or address inside AWS)"),
        ("InstanceEndpointAccount", "VPC endpoint account of instance credentials"),
        ("ApiNetwork", "API and network pairs"),
        ("NetworkUserAgent", "Network and user agent pairs"),
    ];

    // The DNS tables of an endpoint profile, as the detection library names them.
    private static readonly (string Table, string Label)[] DnsTables =
    [
        ("DnsResolver", "DNS resolvers (port 53)"),
        ("DohServer", "DNS-over-HTTPS servers"),
        ("DotServer", "DNS-over-TLS servers (port 853)"),
        ("Domain", "Domains queried"),
    ];

    /// <summary>Peers shown in the bytes chart; the table lists up to <see cref="EndpointProfileSummary.MaxValuesPerTable"/>.</summary>
    internal const int MaxChartedPeers = 10;

    /// <summary>Longest chart label; longer values are cut, the table shows them whole.</summary>
    private const int MaxChartLabel = 40;

    private readonly BarChartOptions _hourOptions = new() { ShowLegend = false, ChartPalette = ["#2196f3"], YAxisTicks = 0 };
    private readonly BarChartOptions _endpointOptions = new() { ShowLegend = false, ChartPalette = ["#2196f3"] };
    private List<ChartSeries<double>> _portSeries = [];
    private string[] _portLabels = [];
    private List<ChartSeries<double>> _peerSeries = [];
    private string[] _peerLabels = [];
    private PrincipalProfileView? _principal;
    private EndpointSummary? _endpoint;
    private IReadOnlyList<FindingSummary> _findings = [];
    private List<ChartSeries<double>> _hourSeries = [];
    private string? _account;
    private bool _isEndpoint;
    private string? _message;

    [Inject]
    private IProfileReader Profiles { get; set; } = default!;

    [Inject]
    private IOverviewQueries Queries { get; set; } = default!;

    [Inject]
    private ILogger<ProfilePage> Logger { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>The key without the tenant: <c>account/principal</c> or <c>account/endpoint</c>.</summary>
    [SupplyParameterFromQuery(Name = "key")]
    public string? Key { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _principal = null;
        _endpoint = null;
        _findings = [];
        _message = null;
        _account = ProfileKeys.AccountOf(Key);
        _isEndpoint = Key is not null && ProfileKeys.IsEndpoint(Key);

        var tenantId = (await AuthenticationState).User.FindTenantId();
        if (tenantId is null)
        {
            _message = "Your session carries no tenant, so no profile can be shown. Sign out and sign in again.";
            return;
        }

        if (_account is null)
        {
            _message = $"The key is missing or invalid. Open a profile from the search; a key is account/principal or account/endpoint with at most {ProfileKeys.MaxKeyLength} characters.";
            return;
        }

        try
        {
            if (_isEndpoint)
            {
                _endpoint = await Profiles.GetEndpointAsync(tenantId, Key!, CancellationToken.None);
                BuildEndpointCharts(_endpoint.Profile);
            }
            else
            {
                _principal = await Profiles.GetPrincipalAsync(tenantId, Key!, CancellationToken.None);
                _hourSeries = [new ChartSeries<double>([.. _principal.Principal.Profile.HourWeights]) { Name = "Activity" }];
            }

            _findings = await Queries.ListByResourceKeyAsync(tenantId, Key!, MaxFindings, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.LoadFailed(Logger, exception, tenantId);
            _principal = null;
            _endpoint = null;
            _message = "The profile could not be loaded. Try again in a moment; if it keeps failing, check the service logs.";
        }
    }

    /// <summary>Returns the rows of the features table, pairing the principal's dimensions with the account's.</summary>
    internal static IEnumerable<(string Label, ProfileDimensionSummary? Principal, ProfileDimensionSummary? Account)> DimensionRows(PrincipalProfileView view) =>
        Features.Select(feature => (
            feature.Label,
            view.Principal.Profile.Dimensions.FirstOrDefault(dimension => dimension.Dimension == feature.Dimension),
            view.Account.Dimensions.FirstOrDefault(dimension => dimension.Dimension == feature.Dimension)));

    /// <summary>Returns the rows of the endpoint's DNS table.</summary>
    internal static IEnumerable<(string Label, ProfileDimensionSummary? Values)> DnsRows(EndpointProfileSummary profile) =>
        DnsTables.Select(table => (table.Label, profile.Table(table.Table) is { } found
            ? new ProfileDimensionSummary(found.Table, found.ValueCount, [.. found.Values.Select(value => new ProfileValueSummary(value.Value, value.Frequency))])
            : null));

    internal static string EndpointLearningText(EndpointProfileSummary profile) => profile switch
    {
        { RecordCount: 0 } => "Nothing learned yet",
        { IsLearning: true } => "Learning: unusual values raise no anomaly yet",
        _ => "Scoring: unusual values raise anomaly findings",
    };

    /// <summary>Says whether the endpoint sends mail: port 25 in its remote port table, with its class.</summary>
    internal static string MailPortText(EndpointProfileSummary profile)
    {
        var port = profile.Table("RemotePort")?.Values.FirstOrDefault(value => value.Value == EndpointProfileSummary.MailPort);
        return port is null
            ? "not used: a first connection to port 25 raises Backdoor:EC2/Spambot"
            : $"used ({port.Frequency.ToString().ToLowerInvariant()}, {port.DaysPerMonth.ToString("0.0", CultureInfo.InvariantCulture)} days a month, last {port.LastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})";
    }

    internal static string VolumeText(EndpointProfileSummary profile) =>
        profile is { TypicalPeerDayBytes: { } typical, LargestPeerDayBytes: { } largest }
            ? $"typically {Shared.EndpointValueTable.ByteText(typical)}, at most {Shared.EndpointValueTable.ByteText(largest)}, over {profile.PeerDays.ToString("0.0", CultureInfo.InvariantCulture)} peer-days"
            : "no finished peer-day yet";

    private void BuildEndpointCharts(EndpointProfileSummary profile)
    {
        var ports = profile.Table("RemotePort")?.Values ?? [];
        _portSeries = [new ChartSeries<double>([.. ports.Select(value => value.DaysPerMonth)]) { Name = "Days of use a month" }];
        _portLabels = [.. ports.Select(value => ChartLabel(value.Value))];
        var peers = (profile.Table("Peer")?.Values ?? []).Take(MaxChartedPeers).ToList();
        _peerSeries = [new ChartSeries<double>([.. peers.Select(value => Math.Round((value.LastDayBytes ?? 0) / 1e6, 3))]) { Name = "MB sent on the newest day" }];
        _peerLabels = [.. peers.Select(value => ChartLabel(value.Value))];
    }

    private static string ChartLabel(string value)
    {
        var text = Display.DisplayText.SingleLine(value);
        return text.Length <= MaxChartLabel ? text : text[..MaxChartLabel] + "…";
    }

    /// <summary>Describes a chart of days of use for screen readers: the heaviest values.</summary>
    private static string ChartText(string title, EndpointTableSummary table) =>
        title + ": " + string.Join(", ", table.Values.Take(5).Select(value =>
            $"{ChartLabel(value.Value)} {value.DaysPerMonth.ToString("0.0", CultureInfo.InvariantCulture)}"));

    private static string PeerChartText(EndpointTableSummary table) =>
        "Bytes sent to each peer on its newest day: " + string.Join(", ", table.Values.Take(5).Select(value =>
            $"{ChartLabel(value.Value)} {Shared.EndpointValueTable.ByteText(value.LastDayBytes)}"));

    private static string DayRange(DateOnly? first, DateOnly? last) => first is { } from && last is { } to
        ? $"{from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} to {to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"
        : "none";

    internal static string LearningText(BehaviorProfileSummary profile) => profile switch
    {
        { EventCount: 0 } => "Nothing learned yet",
        { IsLearning: true } => "Learning: unusual values raise no anomaly yet",
        _ => "Scoring: unusual values raise anomaly findings",
    };

    /// <summary>Describes the chart for screen readers: the hours with the most activity.</summary>
    private static string BusiestHoursText(BehaviorProfileSummary profile)
    {
        var busiest = profile.HourWeights
            .Select((weight, hour) => (weight, hour))
            .Where(item => item.weight > 0)
            .OrderByDescending(item => item.weight)
            .Take(3)
            .Select(item => item.hour.ToString("00", CultureInfo.InvariantCulture) + ":00");
        return "Activity per UTC hour; busiest hours " + string.Join(", ", busiest);
    }

    private static string DayRange(BehaviorProfileSummary profile) => DayRange(profile.FirstDay, profile.LastDay);

    private static string SignInText(PrincipalSummary principal) => principal.LastSignInPlace is { } place
        ? $"{place} at {Time(principal.LastSignInTime)}"
        : "none with a known place";

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset? time) => time is { } value ? Display.DisplayText.Timestamp(value) : "none";

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Loading a profile of tenant {TenantId} failed")]
        public static partial void LoadFailed(ILogger logger, Exception exception, string tenantId);
    }
}
