using System.Security.Cryptography;
using System.Text.Json;
using Vigil.Console.Administration;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Export;

/// <summary>The outcome of a save: the destination, or the problems per field; a new webhook's secret, returned only here.</summary>
public sealed record ExportSaveResult(ExportDestination? Destination, IReadOnlyDictionary<string, string[]> Errors, string? Secret = null)
{
    public bool Succeeded => Destination is not null;
}

/// <summary>
/// Lists, creates, changes and deletes one tenant's export destinations and sets its publishing
/// frequency, for the Export page and the REST API alike, and writes every change to the audit log.
/// Every method takes the tenant from its caller, which takes it from the signed-in user's claim.
/// </summary>
public sealed class ExportDestinationService(IExportDestinationStore store, IAuditLog audit, TimeProvider clock)
{
    public const string AuditObjectType = "export-destination";

    public const string SettingsAuditObjectType = "export-settings";


    public Task<IReadOnlyList<ExportDestinationOverview>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        store.ListAsync(tenantId, cancellationToken);

    public Task<ExportDestinationOverview?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken) =>
        store.GetAsync(tenantId, id, cancellationToken);

    public Task<IReadOnlyList<ExportDeadLetter>> ListDeadLettersAsync(string tenantId, int limit, CancellationToken cancellationToken) =>
        store.ListDeadLettersAsync(tenantId, Math.Clamp(limit, 1, 500), cancellationToken);

    public Task<PublishingFrequency> GetPublishingFrequencyAsync(string tenantId, CancellationToken cancellationToken) =>
        store.GetPublishingFrequencyAsync(tenantId, cancellationToken);

    public async Task SetPublishingFrequencyAsync(string tenantId, string userName, PublishingFrequency frequency, CancellationToken cancellationToken)
    {
        var before = await store.GetPublishingFrequencyAsync(tenantId, cancellationToken);
        var now = clock.GetUtcNow();
        await store.SetPublishingFrequencyAsync(tenantId, frequency, userName, now, cancellationToken);
        await audit.WriteAsync(new AuditEntry(tenantId, userName, "update", SettingsAuditObjectType, "publishing-frequency", Frequency(before), Frequency(frequency), now), cancellationToken);
    }

    /// <summary>Creates a destination; a webhook gets a new secret, returned here only.</summary>
    public async Task<ExportSaveResult> CreateAsync(string tenantId, string userName, ExportDestinationInput input, CancellationToken cancellationToken)
    {
        var errors = ExportDestinationValidator.Validate(input);
        if (errors.Count > 0)
        {
            return new ExportSaveResult(null, errors);
        }

        var destination = ExportDestinationValidator.ToDestination(input, Guid.NewGuid(), tenantId, clock.GetUtcNow(), userName);
        var secret = destination.Kind == ExportDestinationKind.Webhook ? NewSecret() : null;
        return await SaveAsync(null, destination with { HasSecret = secret is not null }, secret, "create", cancellationToken);
    }

    /// <summary>Changes a destination; returns null when the tenant has none with that id. A webhook keeps its secret.</summary>
    public async Task<ExportSaveResult?> UpdateAsync(string tenantId, string userName, Guid id, ExportDestinationInput input, CancellationToken cancellationToken)
    {
        var existing = await store.GetAsync(tenantId, id, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        var errors = ExportDestinationValidator.Validate(input);
        if (errors.Count > 0)
        {
            return new ExportSaveResult(null, errors);
        }

        var destination = ExportDestinationValidator.ToDestination(input, id, tenantId, clock.GetUtcNow(), userName);
        var secret = destination.Kind == ExportDestinationKind.Webhook && !existing.Destination.HasSecret ? NewSecret() : null;
        destination = destination with { HasSecret = destination.Kind == ExportDestinationKind.Webhook };
        return await SaveAsync(existing.Destination, destination, secret, "update", cancellationToken);
    }

    public async Task<bool> DeleteAsync(string tenantId, string userName, Guid id, CancellationToken cancellationToken)
    {
        var existing = await store.GetAsync(tenantId, id, cancellationToken);
        if (existing is null || !await store.DeleteAsync(tenantId, id, cancellationToken))
        {
            return false;
        }

        await audit.WriteAsync(new AuditEntry(tenantId, userName, "delete", AuditObjectType, id.ToString(), Document(existing.Destination), null, clock.GetUtcNow()), cancellationToken);
        return true;
    }

    private async Task<ExportSaveResult> SaveAsync(ExportDestination? before, ExportDestination destination, string? secret, string action, CancellationToken cancellationToken)
    {
        try
        {
            await store.SaveAsync(destination, secret, cancellationToken);
        }
        catch (ExportDestinationConflictException)
        {
            return new ExportSaveResult(null, new Dictionary<string, string[]> { ["name"] = [$"Another destination is already named '{destination.Name}'."] });
        }

        // The audit documents carry whether a secret exists, never the secret itself.
        await audit.WriteAsync(new AuditEntry(destination.TenantId, destination.UpdatedBy, action, AuditObjectType, destination.Id.ToString(), before is null ? null : Document(before), Document(destination), destination.UpdatedAt), cancellationToken);
        return new ExportSaveResult(destination, new Dictionary<string, string[]>(), secret);
    }

    private static string Document(ExportDestination destination) => AuditWriter.ToJson(destination)!;

    private static string Frequency(PublishingFrequency frequency) => JsonSerializer.Serialize(new { minutes = (int)frequency });

    private static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
