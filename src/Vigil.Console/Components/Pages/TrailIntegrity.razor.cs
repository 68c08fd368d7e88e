using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Components.Pages;

/// <summary>
/// The state of the continuous CloudTrail digest validation of the signed-in tenant's sources: for
/// each folder and S3 source, and each other source that was checked, the newest digest validated,
/// the last check with its verdict counts, chain breaks and error, and links to the integrity findings.
/// Every read takes the tenant from the session.
/// </summary>
public partial class TrailIntegrity
{
    /// <summary>The finding types that continuous validation raises, with the label of their link.</summary>
    internal static readonly IReadOnlyList<(string Type, string Label)> FindingTypes =
    [
        ("Stealth:S3/CloudTrailLogFileModified", "Log file modified"),
        ("Stealth:S3/CloudTrailLogFileDeleted", "Log file deleted"),
        ("Stealth:S3/CloudTrailDigestMissing", "Digest missing"),
        ("Stealth:S3/CloudTrailDigestInvalid", "Digest invalid"),
        ("Stealth:S3/CloudTrailDigestChainBroken", "Digest chain broken"),
    ];

    private static readonly Dictionary<string, object> TableAttributes = new() { ["aria-label"] = "Trail integrity by source" };

    private List<IntegrityRow>? _rows;
    private bool _tenantMissing;
    private ClaimsPrincipal _user = new();

    [Inject]
    private ITrailIntegrityStore Integrity { get; set; } = default!;

    [Inject]
    private ISourceStore Sources { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthenticationState).User;
        await LoadAsync();
    }

    /// <summary>Returns the findings page link narrowed to one finding type.</summary>
    internal static string FindingsLink(string findingType) => "findings?type=" + Uri.EscapeDataString(findingType);

    private async Task LoadAsync()
    {
        if (_user.FindTenantId() is not { } tenantId)
        {
            _tenantMissing = true;
            return;
        }

        var sources = await Sources.ListAsync(tenantId, CancellationToken.None);
        var states = (await Integrity.ListAsync(tenantId, CancellationToken.None)).ToDictionary(state => state.SourceId);
        _rows =
        [
            .. sources
                .Where(source => states.ContainsKey(source.Id) || source.Kind is SourceKind.Folder or SourceKind.S3Listing or SourceKind.S3Notifications)
                .Select(source => new IntegrityRow(source.Name, states.GetValueOrDefault(source.Id)))
                .OrderBy(row => row.SourceName, StringComparer.OrdinalIgnoreCase),
        ];
    }

    private static string Verdicts(int? valid, int? invalid) => valid is null || invalid is null
        ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"{valid:N0} valid, {invalid:N0} invalid");

    private static string Count(long? value) => value is null ? "-" : value.Value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>One source and its validation state, or null before its first check.</summary>
    private sealed record IntegrityRow(string SourceName, TrailIntegrityState? State);
}
