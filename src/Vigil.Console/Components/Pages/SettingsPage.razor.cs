using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using Vigil.Console.Settings;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>
/// The tenant's detector settings: flow thresholds, the learning period of profiles and the finding types
/// turned off. Everyone of the tenant reads them; tenant admins and platform operators change them.
/// </summary>
public partial class SettingsPage
{
    private DetectorSettingsView? _view;
    private readonly HashSet<string> _disabled = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private int? _portscanPorts;
    private int? _portSweepHosts;
    private int? _bruteForceConnections;
    private long? _denialOfServicePackets;
    private int? _learningDays;
    private bool _tenantMissing;
    private bool _canEdit;
    private bool _saving;
    private string? _error;
    private string? _notice;

    [Inject]
    private DetectorSettingsService Settings { get; set; } = default!;

    [Inject]
    private ILogger<SettingsPage> Logger { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _canEdit = user.IsInRole(ConsoleRoles.TenantAdmin) || user.IsInRole(ConsoleRoles.PlatformOperator);
        if (user.FindTenantId() is not { } tenantId)
        {
            _tenantMissing = true;
            return;
        }

        try
        {
            Show(await Settings.GetAsync(tenantId, CancellationToken.None));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.LoadFailed(Logger, exception, tenantId);
            _error = "The settings could not be loaded. Try again in a moment; if it keeps failing, check the service logs.";
        }
    }

    private static string Default(long value) => "default " + value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Range(long minimum, long maximum, long defaultValue) =>
        string.Create(CultureInfo.InvariantCulture, $"{minimum:N0} to {maximum:N0}; empty for the default, {defaultValue:N0}.");

    private bool HasError(string field) => _errors.ContainsKey(field);

    private string? ErrorOf(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private void Show(DetectorSettingsView view)
    {
        _view = view;
        _portscanPorts = view.Settings.PortscanPorts;
        _portSweepHosts = view.Settings.PortSweepHosts;
        _bruteForceConnections = view.Settings.BruteForceConnections;
        _denialOfServicePackets = view.Settings.DenialOfServicePackets;
        _learningDays = view.Settings.LearningDays;
        _disabled.Clear();
        _disabled.UnionWith(view.Settings.DisabledFindingTypes);
    }

    private void Toggle(string type, bool enabled)
    {
        if (enabled)
        {
            _disabled.Remove(type);
        }
        else
        {
            _disabled.Add(type);
        }
    }

    private void ResetToDefaults()
    {
        _portscanPorts = _portSweepHosts = _bruteForceConnections = _learningDays = null;
        _denialOfServicePackets = null;
        _disabled.Clear();
    }

    private async Task SaveAsync()
    {
        var user = (await AuthenticationState).User;
        if (_view is null || user.FindTenantId() is not { } tenantId)
        {
            return;
        }

        var settings = new DetectorSettings
        {
            PortscanPorts = _portscanPorts,
            PortSweepHosts = _portSweepHosts,
            BruteForceConnections = _bruteForceConnections,
            DenialOfServicePackets = _denialOfServicePackets,
            LearningDays = _learningDays,
            DisabledFindingTypes = [.. _disabled],
        };
        _saving = true;
        _notice = null;
        _error = null;
        try
        {
            var outcome = await Settings.SaveAsync(tenantId, user.Identity?.Name ?? "(unknown)", settings, _view.Version, CancellationToken.None);
            _errors = outcome.Errors;
            if (outcome.Conflict)
            {
                _error = "Someone else changed the settings meanwhile. The page now shows their version; make your change again.";
                Show(await Settings.GetAsync(tenantId, CancellationToken.None));
            }
            else if (outcome.Settings is { } saved)
            {
                Show(saved);
                _notice = outcome.Change is { IsEmpty: false } ? $"Saved as version {saved.Version}." : $"Saved as version {saved.Version}; the values in effect did not change.";
            }
        }
        finally
        {
            _saving = false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Loading the detector settings of tenant {TenantId} failed")]
        public static partial void LoadFailed(ILogger logger, Exception exception, string tenantId);
    }
}
