using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using Vigil.Console.Lists;

namespace Vigil.Console.Components.Lists;

/// <summary>
/// Stores a tenant list from an uploaded file or from an S3 object. Each error from
/// <see cref="ListInputValidator"/> or the service shows under its field. Closes with the <see cref="ListChangeResult"/>.
/// </summary>
public partial class ListDialog
{
    internal static readonly (string Value, string Label)[] Formats =
    [
        ("txt", "Plain text (TXT): one address, range or domain a line"),
        ("stix", "STIX 2.1 bundle"),
        ("otxcsv", "AlienVault OTX pulse CSV"),
        ("alienvault", "AlienVault IP reputation"),
        ("proofpoint", "Proofpoint Emerging Threats"),
        ("fireeye", "FireEye iSIGHT CSV"),
        ("csv", "CSV, one chosen column"),
    ];

    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _name;
    private string _kind = "threat";
    private string _format = "txt";
    private string? _csvColumn;
    private bool _activate = true;
    private string? _url;
    private int? _refreshMinutes;
    private IBrowserFile? _file;
    private string? _saveError;
    private bool _saving;

    [CascadingParameter]
    private IMudDialogInstance MudDialog { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    private ListService Lists { get; set; } = default!;

    /// <summary>True to read the list from an S3 object, false to upload a file.</summary>
    [Parameter]
    public bool FromS3 { get; set; }

    private bool HasError(string field) => _errors.ContainsKey(field);

    private string? ErrorOf(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private void Cancel() => MudDialog.Cancel();

    private void OnFileChosen(IBrowserFile? file) => _file = file;

    private async Task SaveAsync()
    {
        var user = (await AuthenticationState).User;
        if (user.FindTenantId() is not { } tenantId)
        {
            _saveError = "Your session carries no tenant. Sign out and sign in again.";
            return;
        }

        var input = new ListInput
        {
            Name = _name?.Trim(),
            Kind = _kind,
            Format = _format == "csv" ? "csv:" + _csvColumn?.Trim() : _format,
            Activate = _activate,
            Url = _url?.Trim(),
            RefreshMinutes = _refreshMinutes,
        };
        if (!FromS3 && _file is null)
        {
            _errors = new Dictionary<string, string[]> { ["file"] = ["Choose the list file to upload."] };
            return;
        }

        _saving = true;
        _saveError = null;
        try
        {
            var actor = user.Identity?.Name ?? "(unknown)";
            ListChangeResult result;
            if (FromS3)
            {
                result = await Lists.ImportFromS3Async(tenantId, actor, input, CancellationToken.None);
            }
            else if (_file!.Size > Lists.Options.MaxUploadBytes)
            {
                result = ListChangeResult.Invalid("file", $"The file has {_file.Size:N0} bytes; a list may have at most {Lists.Options.MaxUploadBytes:N0}.");
            }
            else
            {
                await using var stream = _file.OpenReadStream(Lists.Options.MaxUploadBytes);
                result = await Lists.UploadAsync(tenantId, actor, input, stream, CancellationToken.None);
            }

            _errors = result.Errors;
            if (result.Succeeded)
            {
                MudDialog.Close(DialogResult.Ok(result));
            }
        }
        catch (IOException exception)
        {
            _saveError = $"The file could not be read: {exception.Message}";
        }
        finally
        {
            _saving = false;
        }
    }
}
