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
        ("InstanceSource", "Network of instance credentials"),
        ("InstanceEndpointAccount", "VPC endpoint account of instance credentials"),
        ("ApiNetwork", "API and network pairs"),
        ("NetworkUserAgent", "Network and user agent pairs"),
    ];

    private readonly BarChartOptions _hourOptions = new() { ShowLegend = false, ChartPalette = ["#2196f3"], YAxisTicks = 0 };
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

    private static string DayRange(BehaviorProfileSummary profile) => profile.FirstDay is { } first && profile.LastDay is { } last
        ? $"{first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} to {last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"
        : "none";

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
