using System.Text.Json;
using Vigil.Contracts.Storage;

namespace Vigil.Detection.Intel;

/// <summary>
/// Writes changes of tenant and platform lists to the <see cref="IAuditLog"/>, with the list before
/// and after the change as a JSON document of the fields a reviewer compares, never the content.
/// The console, the REST API and the <c>vigil lists</c> command all write through it, so their
/// entries have the same shape on the Audit page.
/// </summary>
public sealed class ListAuditWriter(IAuditLog audit, TimeProvider clock)
{
    /// <summary>The audit object type of tenant lists.</summary>
    public const string TenantListObjectType = "list";

    /// <summary>The audit object type of platform lists, whose entries go under <see cref="AuditEntry.PlatformTenant"/>.</summary>
    public const string PlatformListObjectType = "platform-list";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Adds an entry for a change of one of the tenant's lists; <paramref name="before"/> or <paramref name="after"/> is null when the list did not exist.</summary>
    public Task WriteTenantListAsync(string tenantId, string actor, string action, string name, StoredThreatList? before, StoredThreatList? after, CancellationToken cancellationToken) =>
        audit.WriteAsync(
            new AuditEntry(tenantId, Bounded(actor), action, TenantListObjectType, Bounded(name), DocumentOf(before), DocumentOf(after), clock.GetUtcNow()),
            cancellationToken);

    /// <summary>Adds an entry for a change of a platform list.</summary>
    public Task WritePlatformListAsync(string actor, string action, string name, StoredPlatformList? before, StoredPlatformList? after, CancellationToken cancellationToken) =>
        audit.WriteAsync(
            new AuditEntry(AuditEntry.PlatformTenant, Bounded(actor), action, PlatformListObjectType, Bounded(name), DocumentOf(before), DocumentOf(after), clock.GetUtcNow()),
            cancellationToken);

    /// <summary>Returns the audit document of a tenant list: its definition, status, version and counts.</summary>
    public static string? DocumentOf(StoredThreatList? list) => list is null
        ? null
        : JsonSerializer.Serialize(
            new
            {
                list.Name,
                list.Kind,
                list.Format,
                list.Status,
                list.Version,
                list.Sha256,
                list.EntryCount,
                list.RejectedCount,
                list.Source,
                RefreshMinutes = list.RefreshInterval is { } refresh ? (int?)refresh.TotalMinutes : null,
            },
            JsonOptions);

    /// <summary>Returns the audit document of a platform list: its definition, status, version and counts.</summary>
    public static string? DocumentOf(StoredPlatformList? list) => list is null
        ? null
        : JsonSerializer.Serialize(
            new
            {
                list.Definition.Name,
                list.Definition.Purpose,
                list.Definition.Format,
                list.Definition.Source,
                RefreshMinutes = (int)list.Definition.RefreshInterval.TotalMinutes,
                list.Status,
                list.Version,
                list.Sha256,
                list.EntryCount,
                list.RejectedCount,
            },
            JsonOptions);

    /// <summary>Cuts text to <see cref="AuditEntry.MaxNameLength"/>, which the audit log rejects beyond.</summary>
    public static string Bounded(string text) => text.Length > AuditEntry.MaxNameLength ? text[..AuditEntry.MaxNameLength] : text;
}
