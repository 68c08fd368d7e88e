using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Vigil.Console.Export;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>The tenant's export destinations with their delivery state, the publishing frequency, and the dead letters.</summary>
public partial class ExportList
{
    private static readonly Dictionary<string, object> TableAttributes = new() { ["aria-label"] = "Export destinations" };

    private IReadOnlyList<ExportDestinationOverview>? _destinations;
    private IReadOnlyList<ExportDeadLetter>? _deadLetters;
    private PublishingFrequency _frequency = PublishingFrequency.SixHours;
    private ExportDestinationInput _input = NewInput();
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();

    /// <summary>The error keys of the fields the form shows for the chosen kind; their errors appear under the field.</summary>
    private HashSet<string> ShownFields => _input.Kind switch
    {
        "Webhook" => ["name", "kind", "format", "url"],
        "S3" => ["name", "kind", "format", "bucket", "prefix", "region", "endpointUrl"],
        _ => ["name", "kind", "format", "host", "port", "tlsCertificateSha256"],
    };

    private bool HasError(string field) => _errors.ContainsKey(field);

    private string? ErrorText(string field) => _errors.TryGetValue(field, out var problems) ? string.Join(" ", problems) : null;
    private bool _tenantMissing;
    private bool _canEdit;
    private string? _status;
    private bool _statusIsError;
    private string? _secret;

    [Inject]
    private ExportDestinationService Export { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _tenantMissing = user.FindTenantId() is null;
        _canEdit = user.IsInRole(ConsoleRoles.TenantAdmin) || user.IsInRole(ConsoleRoles.PlatformOperator);
        await LoadAsync();
    }

    /// <summary>Returns where a destination sends, as the table shows it.</summary>
    internal static string Target(ExportDestination destination) => destination.Kind switch
    {
        ExportDestinationKind.Webhook => destination.Url ?? "",
        ExportDestinationKind.S3 => $"s3://{destination.Bucket}/{destination.Prefix}",
        _ => $"{destination.Host}:{destination.Port}{(destination.UseTls ? " (TLS)" : "")}",
    };

    private static ExportDestinationInput NewInput() => new() { Kind = "Webhook", Format = "EventBridge" };

    private async Task LoadAsync()
    {
        if (await TenantAsync() is not { } tenantId)
        {
            return;
        }

        _destinations = await Export.ListAsync(tenantId, CancellationToken.None);
        _deadLetters = await Export.ListDeadLettersAsync(tenantId, 100, CancellationToken.None);
        _frequency = await Export.GetPublishingFrequencyAsync(tenantId, CancellationToken.None);
    }

    private async Task SetFrequencyAsync(PublishingFrequency frequency)
    {
        if (await TenantAsync() is { } tenantId)
        {
            await Export.SetPublishingFrequencyAsync(tenantId, await UserNameAsync(), frequency, CancellationToken.None);
            _frequency = frequency;
            (_status, _statusIsError) = ("Publishing frequency saved.", false);
        }
    }

    private async Task AddAsync()
    {
        if (await TenantAsync() is not { } tenantId)
        {
            return;
        }

        var result = await Export.CreateAsync(tenantId, await UserNameAsync(), _input, CancellationToken.None);
        _errors = result.Errors;
        if (result.Succeeded)
        {
            _secret = result.Secret;
            (_status, _statusIsError) = ($"Added {result.Destination!.Name}. Findings written from now on are sent to it.", false);
            _input = NewInput();
            await LoadAsync();
        }
        else
        {
            (_status, _statusIsError) = ("The destination was not added; check the fields below.", true);
        }
    }

    private async Task DeleteAsync(ExportDestination destination)
    {
        if (await TenantAsync() is { } tenantId)
        {
            await Export.DeleteAsync(tenantId, await UserNameAsync(), destination.Id, CancellationToken.None);
            (_status, _statusIsError, _secret) = ($"Deleted {destination.Name}.", false, null);
            await LoadAsync();
        }
    }

    private async Task<string?> TenantAsync() => (await AuthenticationState).User.FindTenantId();

    private async Task<string> UserNameAsync() => (await AuthenticationState).User.Identity?.Name ?? "(unknown)";
}
