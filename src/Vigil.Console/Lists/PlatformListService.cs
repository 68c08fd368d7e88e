using Microsoft.Extensions.Logging;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Detection.Intel;
using Vigil.Ingestion.ThreatLists;

namespace Vigil.Console.Lists;

/// <summary>
/// Platform lists as the platform operator changes them in the console and the API. They apply to every
/// tenant, so the callers allow only platform operators. Changes are written to the list trail and to
/// the <see cref="IAuditLog"/> under <see cref="AuditEntry.PlatformTenant"/>.
/// </summary>
public sealed partial class PlatformListService(
    IPlatformListStore store,
    IThreatListStore history,
    PlatformListRefresher refresher,
    IAuditLog audit,
    TimeProvider clock,
    ILogger<PlatformListService> logger)
{
    public const string AuditObjectType = ListAuditWriter.PlatformListObjectType;

    private readonly ListAuditWriter auditWriter = new(audit, clock);

    public async Task<IReadOnlyList<PlatformListView>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await store.LoadAllAsync(cancellationToken)).Select(PlatformListView.From)];

    public async Task<PlatformListDetail?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var list = await FindAsync(name, cancellationToken);
        if (list is null)
        {
            return null;
        }

        var versions = await history.LoadVersionsAsync(ListScope.Platform, "", name, cancellationToken);
        var trail = await history.LoadAuditAsync(ListScope.Platform, "", name, ListService.AuditShown, cancellationToken);
        return new PlatformListDetail(PlatformListView.From(list), versions, trail);
    }

    public async Task<InvalidLinesPage?> InvalidLinesAsync(string name, int offset, int limit, CancellationToken cancellationToken)
    {
        var list = await FindAsync(name, cancellationToken);
        return list is null ? null : InvalidLines.Page(name, list.Definition.Format, list.Content ?? "", offset, limit);
    }

    /// <summary>Adds a platform list or changes its definition, then fetches it once so the operator sees the outcome.</summary>
    public async Task<PlatformChangeResult> DefineAsync(string actor, PlatformListInput input, CancellationToken cancellationToken)
    {
        var errors = Validate(input, out var format, out var purpose);
        if (errors.Count > 0)
        {
            return new PlatformChangeResult(errors, null);
        }

        var before = await FindAsync(input.Name!, cancellationToken);
        var definition = new PlatformListDefinition
        {
            Name = input.Name!,
            Purpose = purpose,
            Format = format,
            Source = input.Source!.Trim(),
            RefreshInterval = TimeSpan.FromMinutes(input.RefreshMinutes ?? 60),
        };
        await store.DefineAsync(definition, input.Activate, actor, cancellationToken);
        var fetched = input.Activate ? await refresher.FetchAsync(definition, actor, cancellationToken) : null;
        return await AfterChangeAsync(actor, before is null ? "created" : "updated", input.Name!, before, cancellationToken, fetched?.FailureReason);
    }

    public async Task<PlatformChangeResult> SetActiveAsync(string actor, string name, bool active, CancellationToken cancellationToken)
    {
        var before = await FindAsync(name, cancellationToken);
        if (before is null || !await store.SetActiveAsync(name, active, actor, cancellationToken))
        {
            return PlatformChangeResult.Missing;
        }

        return await AfterChangeAsync(actor, active ? "activated" : "deactivated", name, before, cancellationToken);
    }

    /// <summary>Fetches a list from its source now, whether or not it is due.</summary>
    public async Task<PlatformChangeResult> FetchAsync(string actor, string name, CancellationToken cancellationToken)
    {
        var before = await FindAsync(name, cancellationToken);
        if (before is null)
        {
            return PlatformChangeResult.Missing;
        }

        var result = await refresher.FetchAsync(before.Definition, actor, cancellationToken);
        return await AfterChangeAsync(actor, "fetched", name, before, cancellationToken, result.FailureReason);
    }

    public async Task<bool> DeleteAsync(string actor, string name, CancellationToken cancellationToken)
    {
        var before = await FindAsync(name, cancellationToken);
        if (before is null || !await store.DeleteAsync(name, actor, cancellationToken))
        {
            return false;
        }

        await auditWriter.WritePlatformListAsync(actor, "deleted", name, before, null, cancellationToken);
        LogChanged(logger, LogText.Escape(name), "deleted", LogText.Escape(actor));
        return true;
    }

    private async Task<PlatformChangeResult> AfterChangeAsync(
        string actor, string action, string name, StoredPlatformList? before, CancellationToken cancellationToken, string? fetchFailure = null)
    {
        var after = await FindAsync(name, cancellationToken);
        var view = after is null ? null : PlatformListView.From(after);
        await auditWriter.WritePlatformListAsync(actor, action, name, before, after, cancellationToken);
        LogChanged(logger, LogText.Escape(name), action, LogText.Escape(actor));
        return new PlatformChangeResult(new Dictionary<string, string[]>(), view) { FetchFailure = fetchFailure };
    }

    private async Task<StoredPlatformList?> FindAsync(string name, CancellationToken cancellationToken) =>
        (await store.LoadAllAsync(cancellationToken)).FirstOrDefault(list => list.Definition.Name == name);

    private static Dictionary<string, string[]> Validate(PlatformListInput input, out string format, out string purpose)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        purpose = "";
        if (!ListInputValidator.IsValidName(input.Name))
        {
            errors["name"] = [$"A list name is required: 1 to {ListInputValidator.MaxNameLength} letters, digits, dots, hyphens and underscores."];
        }

        if (!ListInputValidator.TryNormalizeFormat(input.Format, out format))
        {
            errors["format"] = ["Choose a format: txt, stix, otxcsv, alienvault, proofpoint, fireeye, or csv:COLUMN."];
        }

        if (!ThreatPurposeNames.TryParse(input.Purpose, out var parsed) || parsed == ThreatPurpose.Custom)
        {
            errors["purpose"] = [$"Choose a purpose: {string.Join(", ", ThreatPurposeNames.All.Skip(1))}."];
        }
        else
        {
            purpose = ThreatPurposeNames.NameOf(parsed);
        }

        if (string.IsNullOrWhiteSpace(input.Source) || input.Source.Length > 2_048 || !ListSourceReader.IsSupported(input.Source.Trim(), out _))
        {
            errors["source"] = ["Give an http or https URL, a file URL or an absolute file path."];
        }

        if (input.RefreshMinutes is { } minutes && (minutes < 1 || minutes > ListOptions.MaxRefreshMinutes))
        {
            errors["refreshMinutes"] = [$"{minutes} is out of range; use 1 to {ListOptions.MaxRefreshMinutes} minutes."];
        }

        return errors;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Platform list {ListName} was {Change} by {UserName}")]
    private static partial void LogChanged(ILogger logger, string listName, string change, string userName);
}

/// <summary>The fields of a platform list.</summary>
public sealed record PlatformListInput
{
    public string? Name { get; init; }

    /// <summary>The threat purpose: malicious-ip, tor, command-and-control, crypto-mining, blackhole, drop-point, scanner, dga-domain, drive-by-source or phishing.</summary>
    public string? Purpose { get; init; }

    public string? Format { get; init; }

    /// <summary>An http or https URL, a file URL or an absolute file path on the hosts.</summary>
    public string? Source { get; init; }

    public int? RefreshMinutes { get; init; }

    public bool Activate { get; init; } = true;
}

/// <summary>A platform list with its versions and trail.</summary>
public sealed record PlatformListDetail(PlatformListView List, IReadOnlyList<ListVersion> Versions, IReadOnlyList<ListAuditEntry> Audit);

/// <summary>The outcome of a change to a platform list. <see cref="FetchFailure"/> is the reason a fetch made with the change failed.</summary>
public sealed record PlatformChangeResult(IReadOnlyDictionary<string, string[]> Errors, PlatformListView? List, bool NotFound = false)
{
    public bool Succeeded => Errors.Count == 0 && !NotFound;

    public string? FetchFailure { get; init; }

    public static PlatformChangeResult Missing { get; } = new(new Dictionary<string, string[]>(), null, NotFound: true);
}
