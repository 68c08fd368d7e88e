using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>
/// The tenant's audit log, newest first, a page at a time by keyset (the id of the last entry shown).
/// Platform operators can switch to the platform-wide entries.
/// </summary>
public partial class AuditLog
{
    /// <summary>Entries per page.</summary>
    internal const int PageSize = 50;

    private static readonly Dictionary<string, object> TableAttributes = new() { ["aria-label"] = "Audit log" };

    private List<AuditRecord>? _entries;
    private ClaimsPrincipal _actor = new();
    private bool _isOperator;
    private bool _platform;
    private bool _hasMore;
    private string? _objectType;

    [Inject]
    private IAuditLog Log { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _actor = (await AuthenticationState).User;
        _isOperator = _actor.FindConsoleRole() == ConsoleRoles.PlatformOperator;
        await ReloadAsync();
    }

    private async Task SetPlatformAsync(bool platform)
    {
        _platform = platform && _isOperator;
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        _entries = [];
        await LoadPageAsync(null);
    }

    private Task LoadOlderAsync() => LoadPageAsync(_entries is { Count: > 0 } ? _entries[^1].Id : null);

    private async Task LoadPageAsync(long? beforeId)
    {
        // The tenant comes from the session only; the platform log only for platform operators.
        var tenantId = _platform && _isOperator ? AuditEntry.PlatformTenant : _actor.FindTenantId()!;
        var query = new AuditQuery
        {
            BeforeId = beforeId,
            ObjectType = string.IsNullOrWhiteSpace(_objectType) ? null : _objectType.Trim(),
            Limit = PageSize,
        };
        var page = await Log.ListAsync(tenantId, query, CancellationToken.None);
        _entries ??= [];
        _entries.AddRange(page);
        _hasMore = page.Count == PageSize;
    }
}
