using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Administration;

/// <summary>Writes an admin's change into the <see cref="IAuditLog"/> with the object before and after as JSON.</summary>
public sealed class AuditWriter(IAuditLog auditLog, TimeProvider timeProvider)
{
    /// <summary>Web defaults, with enumerations written by name so that the audit log reads "Webhook" and not 0.</summary>
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

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

    /// <summary>The audit log's JSON form of an object before or after a change.</summary>
    public static string? ToJson(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), JsonOptions);
}
