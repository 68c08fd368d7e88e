using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging;
using MudBlazor;
using Vigil.Console.Components.Sources;
using Vigil.Console.Sources;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>The tenant's log sources with their counters, and the dialogs that add, change and delete them.</summary>
public partial class SourceList
{
    private static readonly Dictionary<string, object> TableAttributes = new() { ["aria-label"] = "Sources" };

    private IReadOnlyList<SourceOverview>? _sources;
    private bool _tenantMissing;
    private bool _canEdit;
    private string? _error;

    [Inject]
    private SourceService SourceService { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ILogger<SourceList> Logger { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>Returns the label of a kind as the page and the dialog show it.</summary>
    internal static string KindLabel(SourceKind kind) => kind switch
    {
        SourceKind.Folder => "Folder",
        SourceKind.S3Listing => "S3 listing",
        SourceKind.S3Notifications => "S3 notifications (SQS)",
        SourceKind.Firehose => "Firehose",
        SourceKind.CommandLine => "Command line (vigil ingest)",
        _ => kind.ToString(),
    };

    /// <summary>Returns a lag as the largest two units, such as "2 h 5 min" or "40 s".</summary>
    internal static string LagText(TimeSpan? lag)
    {
        if (lag is not { } value)
        {
            return "–";
        }

        if (value < TimeSpan.Zero)
        {
            return "0 s";
        }

        return value.TotalDays >= 1 ? $"{(int)value.TotalDays} d {value.Hours} h"
            : value.TotalHours >= 1 ? $"{(int)value.TotalHours} h {value.Minutes} min"
            : value.TotalMinutes >= 1 ? $"{(int)value.TotalMinutes} min {value.Seconds} s"
            : $"{(int)value.TotalSeconds} s";
    }

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _tenantMissing = user.FindTenantId() is null;
        _canEdit = user.IsInRole(ConsoleRoles.TenantAdmin) || user.IsInRole(ConsoleRoles.PlatformOperator);
        await LoadAsync();
    }

    private static string Count(long? value) => (value ?? 0).ToString("N0", CultureInfo.InvariantCulture);

    private async Task LoadAsync()
    {
        if (await GetTenantIdAsync() is not { } tenantId)
        {
            _tenantMissing = true;
            return;
        }

        try
        {
            _sources = await SourceService.ListAsync(tenantId, CancellationToken.None);
            _error = null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.ListFailed(Logger, exception, tenantId);
            _error = "The sources could not be loaded. Try again in a moment; if it keeps failing, check the service logs.";
        }
    }

    private async Task AddAsync() => await OpenEditorAsync("Add source", null, new SourceInput { Kind = nameof(SourceKind.Firehose) });

    private async Task EditAsync(SourceDefinition source) => await OpenEditorAsync($"Edit {source.Name}", source.Id, SourceInput.From(source));

    private async Task OpenEditorAsync(string title, Guid? sourceId, SourceInput input)
    {
        var parameters = new DialogParameters<SourceDialog>
        {
            { dialog => dialog.Input, input },
            { dialog => dialog.SourceId, sourceId },
        };
        var dialog = await Dialogs.ShowAsync<SourceDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: SourceSaveResult saved })
        {
            await ShowAccessKeyAsync(saved);
            await LoadAsync();
        }
    }

    private async Task RotateKeyAsync(SourceDefinition source)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "New access key",
            $"Generate a new access key for {source.Name}? The current key stops working at once, so Firehose deliveries fail until the stream uses the new key.",
            yesText: "Generate key",
            cancelText: "Cancel");
        if (confirmed != true || await GetTenantIdAsync() is not { } tenantId)
        {
            return;
        }

        var user = (await AuthenticationState).User;
        var result = await SourceService.RotateKeyAsync(tenantId, user.Identity?.Name ?? "(unknown)", source.Id, CancellationToken.None);
        if (result?.Succeeded == true)
        {
            await ShowAccessKeyAsync(result);
        }
        else
        {
            _error = $"The source {source.Name} no longer exists.";
        }

        await LoadAsync();
    }

    private async Task DeleteAsync(SourceDefinition source)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Delete source",
            $"Delete the source {source.Name} and its counters? Findings it raised stay.",
            yesText: "Delete",
            cancelText: "Cancel");
        if (confirmed != true || await GetTenantIdAsync() is not { } tenantId)
        {
            return;
        }

        await SourceService.DeleteAsync(tenantId, source.Id, CancellationToken.None);
        await LoadAsync();
    }

    private async Task ShowAccessKeyAsync(SourceSaveResult saved)
    {
        if (saved.AccessKey is null)
        {
            return;
        }

        var parameters = new DialogParameters<AccessKeyDialog>
        {
            { dialog => dialog.AccessKey, saved.AccessKey },
            { dialog => dialog.SourceName, saved.Source!.Name },
        };
        var dialog = await Dialogs.ShowAsync<AccessKeyDialog>("Access key", parameters, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, BackdropClick = false });
        await dialog.Result;
    }

    private async Task<string?> GetTenantIdAsync() => (await AuthenticationState).User.FindTenantId();

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Listing the sources of tenant {TenantId} failed")]
        public static partial void ListFailed(ILogger logger, Exception exception, string tenantId);
    }
}
