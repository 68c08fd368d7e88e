using Microsoft.AspNetCore.Components;

namespace Vigil.Console.Components.Pages;

/// <summary>
/// The page for an address with no console page, and for other error responses that carry no body
/// (the status code pages middleware re-executes the request at <c>/error/{code}</c>).
/// </summary>
public partial class NotFound
{
    /// <summary>The HTTP status code of the original response; 404 when the page is opened as "not found".</summary>
    [Parameter]
    public int StatusCode { get; set; } = 404;

    private string Title => StatusCode switch
    {
        404 => "Page not found",
        400 => "Invalid request",
        403 => "Access denied",
        _ => $"Error {StatusCode}",
    };

    private string Explanation => StatusCode switch
    {
        404 => "There is no console page at this address.",
        400 => "The console could not process this request. Reload the page and try again.",
        403 => "Your role does not allow this page.",
        _ => "The console could not complete this request. The host's log has the details.",
    };
}

/// <summary>Where the console's status code pages are re-executed.</summary>
internal static class StatusPage
{
    /// <summary>The path format given to the status code pages middleware; {0} is the status code.</summary>
    public const string PathFormat = "/error/{0}";
}
