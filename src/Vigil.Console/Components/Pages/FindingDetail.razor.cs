using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Profiles;
using Vigil.Console.Display;
using Vigil.Console.Findings;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>One finding of the signed-in user's tenant, with its principal, source, evidence and JSON document.</summary>
public partial class FindingDetail
{
    private LoadState _state = LoadState.Loading;
    private Finding? _finding;
    private string _json = string.Empty;
    private string? _loadedId;

    private enum LoadState
    {
        Loading,
        Loaded,
        TenantMissing,
        Failed,
    }

    /// <summary>The finding id from the URL. It selects a finding within the tenant of the signed-in user only.</summary>
    [Parameter]
    public string Id { get; set; } = string.Empty;

    [Inject]
    private IFindingQueries Findings { get; set; } = default!;

    [Inject]
    private IFindingTriage Triage { get; set; } = default!;

    [Inject]
    private FindingFeedbackService Feedback { get; set; } = default!;

    [Inject]
    private ILogger<FindingDetail> Logger { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private AccessKeyDetails? Principal => _finding?.Resource.AccessKeyDetails;

    /// <summary>The profile page of the principal or endpoint grain that raised the finding, when the finding names it.</summary>
    private string? ProfileHref =>
        _finding?.Service.AdditionalInfo is { } info
        && (info.GetValueOrDefault("principalKey") ?? info.GetValueOrDefault("endpointKey")) is { } key
        && ProfileKeys.AccountOf(key) is not null
            ? ProfileLink.For(key)
            : null;

    private AwsApiCallAction? ApiCall => _finding?.Service.Action.AwsApiCallAction;

    private NetworkConnectionAction? Connection => _finding?.Service.Action.NetworkConnectionAction;

    private DnsRequestAction? DnsRequest => _finding?.Service.Action.DnsRequestAction;

    private InstanceDetails? Instance => _finding?.Resource.InstanceDetails;

    private NetworkInterfaceDetails? NetworkInterface => Instance?.NetworkInterfaces is { Count: > 0 } interfaces ? interfaces[0] : null;

    private string? RemoteIp
    {
        get
        {
            var details = ApiCall?.RemoteIpDetails ?? Connection?.RemoteIpDetails;
            return details?.IpAddressV4 ?? details?.IpAddressV6;
        }
    }

    private string Count => _finding?.Service.Count.ToString("N0", CultureInfo.InvariantCulture) ?? string.Empty;

    private IReadOnlyList<ThreatIntelligenceDetail> ThreatIntelligence =>
        _finding?.Service.Evidence?.ThreatIntelligenceDetails ?? [];

    private bool _archiving;
    private string? _archiveError;
    private string? _feedbackNotice;
    private IReadOnlyList<FindingOccurrenceDay> _occurrences = [];
    private IReadOnlyList<FindingSummary> _related = [];

    private const string ManagerRoles = ConsoleRoles.TenantAdmin + "," + ConsoleRoles.PlatformOperator;

    private string ArchivedText => _finding is null ? string.Empty
        : !_finding.Service.Archived ? "No"
        : "Yes";

    private RemoteIpDetails? RemoteDetails => ApiCall?.RemoteIpDetails ?? Connection?.RemoteIpDetails;

    private string? Asn => RemoteDetails?.Organization is { } organization
        ? string.Join(" ", new[] { organization.Asn is null ? null : "AS" + organization.Asn, organization.AsnOrg }.Where(part => !string.IsNullOrEmpty(part)))
        : null;

    private string? Location => RemoteDetails is { } details && (details.City?.CityName ?? details.Country?.CountryName ?? details.Country?.CountryCode) is not null
        ? string.Join(", ", new[] { details.City?.CityName, details.Country?.CountryName ?? details.Country?.CountryCode }.Where(part => !string.IsNullOrEmpty(part)))
        : null;

    private string SuppressHref => "suppression-rules?fromFinding=" + Uri.EscapeDataString(_finding?.Id ?? string.Empty);

    private List<MudBlazor.ChartSeries<double>> OccurrenceSeries =>
    [
        new() { Name = "Occurrences", Data = _occurrences.Select(day => (double)day.Count).ToArray() },
    ];

    private string[] OccurrenceLabels => [.. _occurrences.Select(day => day.Day.ToString("MM-dd", CultureInfo.InvariantCulture))];

    /// <summary>Stores the verdict (a second click on the same one takes it back) and shows whether the principal's profile learned from it.</summary>
    private async Task SetFeedbackAsync(FindingFeedback feedback)
    {
        var tenantId = (await AuthenticationState).User.FindTenantId();
        if (_finding is null || tenantId is null)
        {
            return;
        }

        FindingFeedback? value = _finding.Service.UserFeedback == feedback.ToText() ? null : feedback;
        try
        {
            var result = await Feedback.SetAsync(tenantId, _finding.Id, value, CancellationToken.None);
            _finding = await Findings.GetAsync(tenantId, _finding.Id, CancellationToken.None) ?? _finding;
            _json = SerializeForDisplay(_finding, tenantId);
            _feedbackNotice = result is { ProfileUpdated: true }
                ? "Feedback stored. The principal's behaviour profile now expects what was unusual in this finding."
                : "Feedback stored.";
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.ArchiveFailed(Logger, exception, tenantId, _finding.Id);
            _archiveError = "The feedback could not be stored. Try again; if it keeps failing, check the service logs.";
        }
    }

    /// <summary>Archives or unarchives the finding for the signed-in user's tenant, then shows it again as stored.</summary>
    private async Task ToggleArchivedAsync()
    {
        var tenantId = (await AuthenticationState).User.FindTenantId();
        if (_finding is null || tenantId is null)
        {
            return;
        }

        _archiving = true;
        _archiveError = null;
        try
        {
            var archived = !_finding.Service.Archived;
            if (await Findings.SetArchivedAsync(tenantId, _finding.Id, archived, CancellationToken.None))
            {
                _finding = await Findings.GetAsync(tenantId, _finding.Id, CancellationToken.None) ?? _finding;
                _json = SerializeForDisplay(_finding, tenantId);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.ArchiveFailed(Logger, exception, tenantId, _finding.Id);
            _archiveError = "The finding could not be archived or unarchived. Try again; if it keeps failing, check the service logs.";
        }
        finally
        {
            _archiving = false;
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        if (Id == _loadedId)
        {
            return;
        }

        _loadedId = Id;
        _state = LoadState.Loading;
        _finding = null;
        _json = string.Empty;
        _occurrences = [];
        _related = [];
        _feedbackNotice = null;

        var tenantId = (await AuthenticationState).User.FindTenantId();
        if (tenantId is null)
        {
            _state = LoadState.TenantMissing;
            return;
        }

        try
        {
            _finding = await Findings.GetAsync(tenantId, Id, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.GetFailed(Logger, exception, tenantId, Id);
            _state = LoadState.Failed;
            return;
        }

        _state = LoadState.Loaded;
        if (_finding is not null)
        {
            _json = SerializeForDisplay(_finding, tenantId);
            await LoadContextAsync(tenantId, _finding.Id);
        }
    }

    // Occurrences and related findings are extras: when they fail, the finding still shows.
    private async Task LoadContextAsync(string tenantId, string findingId)
    {
        try
        {
            _occurrences = await Triage.GetOccurrencesAsync(tenantId, findingId, CancellationToken.None);
            _related = await Triage.ListRelatedAsync(tenantId, findingId, 20, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.GetFailed(Logger, exception, tenantId, findingId);
        }
    }

    // A document that cannot be serialised should not hide the fields above it, so the failure
    // stays inside the JSON block.
    private string SerializeForDisplay(Finding finding, string tenantId)
    {
        try
        {
            return FindingJson.Serialize(finding, indented: true);
        }
        catch (Exception exception) when (exception is NotSupportedException or InvalidOperationException or TypeInitializationException)
        {
            Log.SerializeFailed(Logger, exception, tenantId, finding.Id);
            return "The finding JSON could not be produced; the service log has the error.";
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Reading finding {FindingId} of tenant {TenantId} failed")]
        public static partial void GetFailed(ILogger logger, Exception exception, string tenantId, string findingId);

        [LoggerMessage(Level = LogLevel.Error, Message = "Archiving or unarchiving finding {FindingId} of tenant {TenantId} failed")]
        public static partial void ArchiveFailed(ILogger logger, Exception exception, string tenantId, string findingId);

        [LoggerMessage(Level = LogLevel.Error, Message = "Serialising finding {FindingId} of tenant {TenantId} to JSON failed")]
        public static partial void SerializeFailed(ILogger logger, Exception exception, string tenantId, string findingId);
    }
}
