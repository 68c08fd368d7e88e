using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Findings;
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
    private ILogger<FindingDetail> Logger { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private AccessKeyDetails? Principal => _finding?.Resource.AccessKeyDetails;

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
