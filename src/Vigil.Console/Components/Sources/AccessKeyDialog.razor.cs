using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Vigil.Console.Components.Sources;

/// <summary>Shows a newly generated Firehose access key once, with a button that copies it.</summary>
public partial class AccessKeyDialog
{
    private bool _copied;
    private bool _copyFailed;

    [CascadingParameter]
    private IMudDialogInstance MudDialog { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Parameter]
    public string AccessKey { get; set; } = "";

    [Parameter]
    public string SourceName { get; set; } = "";

    private async Task CopyAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", AccessKey);
            _copied = true;
            _copyFailed = false;
        }
        catch (JSException)
        {
            // Browsers allow the clipboard only on secure origins (https or localhost) and with permission.
            _copied = false;
            _copyFailed = true;
        }
    }

    private void Close() => MudDialog.Close(DialogResult.Ok(true));
}
