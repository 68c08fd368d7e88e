using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>
/// Searches the tenant's principals and network endpoints that have findings, and links each to its
/// profile. The search text is in the URL (<c>principals?q=</c>), so a result can be shared.
/// </summary>
public partial class PrincipalSearch
{
    /// <summary>Most results shown; the newest principals and endpoints come first.</summary>
    internal const int MaxResults = 50;

    private const int MinLength = 3;
    private const int MaxLength = 256;

    private string _text = string.Empty;
    private IReadOnlyList<ProfileSearchHit>? _hits;
    private string? _message;
    private bool _failed;
    private bool _tenantMissing;

    [Inject]
    private IOverviewQueries Queries { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ILogger<PrincipalSearch> Logger { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "q")]
    public string? Query { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _text = Query?.Trim() ?? string.Empty;
        _hits = null;
        _message = null;
        _failed = false;
        var tenantId = (await AuthenticationState).User.FindTenantId();
        if (tenantId is null)
        {
            _tenantMissing = true;
            return;
        }

        if (_text.Length == 0)
        {
            return;
        }

        if (_text.Length is < MinLength or > MaxLength)
        {
            _message = $"Enter {MinLength} to {MaxLength} characters to search.";
            return;
        }

        try
        {
            _hits = await Queries.SearchProfilesAsync(tenantId, _text, MaxResults, CancellationToken.None);
            _message = _hits.Count == 0
                ? "No principal or endpoint with findings matches. Principals and endpoints without findings are not listed."
                : _hits.Count == MaxResults ? $"Showing the {MaxResults} most recent matches; refine the search to see others." : null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.SearchFailed(Logger, exception, tenantId);
            _failed = true;
            _message = "The search failed. Try again in a moment; if it keeps failing, check the service logs.";
        }
    }

    private void OnTextChanged(ChangeEventArgs change) => _text = change.Value?.ToString() ?? string.Empty;

    private void Search() => Navigation.NavigateTo(QueryHelpers.AddQueryString("principals", "q", _text.Trim()));

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Searching the principals of tenant {TenantId} failed")]
        public static partial void SearchFailed(ILogger logger, Exception exception, string tenantId);
    }
}
