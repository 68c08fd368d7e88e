using System.Security.Claims;
using System.Text.Json;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Administration;

/// <summary>Writes an admin's change into the <see cref="IAuditLog"/> with the object before and after as JSON.</summary>
public sealed class AuditWriter(IAuditLog auditLog, TimeProvider timeProvider)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Adds one entry for <paramref name="tenantId"/> (or <see cref="AuditEntry.PlatformTenant"/>).
    /// <paramref name="before"/> and <paramref name="after"/> must hold no secrets.
    /// </summary>
    public Task WriteAsync(string tenantId, ClaimsPrincipal actor, string action, string objectType, string objectId, object? before, object? after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var actorName = actor.ActorName();
        if (actorName.Length > AuditEntry.MaxNameLength)
        {
            actorName = actorName[..AuditEntry.MaxNameLength];
        }

        var entry = new AuditEntry(tenantId, actorName, action, objectType, objectId, ToJson(before), ToJson(after), timeProvider.GetUtcNow());
        return auditLog.WriteAsync(entry, cancellationToken);
    }

    private static string? ToJson(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), JsonOptions);
}
