namespace Vigil.Contracts.Storage;

/// <summary>
/// The finding export destinations of each tenant, the tenant's publishing frequency and the
/// dead-letter records of failed deliveries. Every call that takes a tenant id acts on that
/// tenant's rows only.
/// </summary>
public interface IExportDestinationStore
{
    /// <summary>The tenant's destinations, ordered by name, with their delivery state.</summary>
    Task<IReadOnlyList<ExportDestinationOverview>> ListAsync(string tenantId, CancellationToken cancellationToken);

    Task<ExportDestinationOverview?> GetAsync(string tenantId, Guid destinationId, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts the destination, which starts with the findings written from now on, or updates the
    /// tenant's destination with the same id and keeps its position. A null <paramref name="secret"/>
    /// keeps the stored secret.
    /// </summary>
    /// <exception cref="ExportDestinationConflictException">The tenant already has another destination with that name.</exception>
    Task SaveAsync(ExportDestination destination, string? secret, CancellationToken cancellationToken);

    /// <summary>Deletes the tenant's destination; returns false when there was none. Its dead-letter records stay.</summary>
    Task<bool> DeleteAsync(string tenantId, Guid destinationId, CancellationToken cancellationToken);

    /// <summary>The tenant's publishing frequency; <see cref="PublishingFrequency.SixHours"/> when never set.</summary>
    Task<PublishingFrequency> GetPublishingFrequencyAsync(string tenantId, CancellationToken cancellationToken);

    Task SetPublishingFrequencyAsync(string tenantId, PublishingFrequency frequency, string updatedBy, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The tenant's dead-letter records, newest first, at most <paramref name="limit"/> (1 to 500).</summary>
    Task<IReadOnlyList<ExportDeadLetter>> ListDeadLettersAsync(string tenantId, int limit, CancellationToken cancellationToken);
}

/// <summary>Where an export destination sends.</summary>
public enum ExportDestinationKind
{
    /// <summary>An HTTPS or HTTP endpoint that receives one signed JSON document per finding.</summary>
    Webhook,

    /// <summary>An S3 bucket that receives gzip JSON Lines objects in GuardDuty's export key layout.</summary>
    S3,

    /// <summary>A syslog receiver that gets RFC 5424 messages over TCP or TLS.</summary>
    Syslog,
}

/// <summary>The document a destination receives for each finding.</summary>
public enum ExportDocumentFormat
{
    /// <summary>GuardDuty's finding JSON inside the Amazon EventBridge event envelope.</summary>
    EventBridge,

    /// <summary>An OCSF 1.1 Detection Finding (class 2004).</summary>
    Ocsf,
}

/// <summary>How often updates of existing findings are sent, in minutes; new findings are sent at once.</summary>
public enum PublishingFrequency
{
    FifteenMinutes = 15,
    OneHour = 60,
    SixHours = 360,
}

/// <summary>One export destination of a tenant. Settings of other kinds are null.</summary>
public sealed record ExportDestination
{
    public required Guid Id { get; init; }

    public required string TenantId { get; init; }

    /// <summary>Name shown in the console; unique within the tenant.</summary>
    public required string Name { get; init; }

    public required ExportDestinationKind Kind { get; init; }

    public ExportDocumentFormat Format { get; init; } = ExportDocumentFormat.EventBridge;

    public bool Enabled { get; init; } = true;

    /// <summary>Webhook: the absolute http or https URL findings are posted to.</summary>
    public string? Url { get; init; }

    /// <summary>S3: bucket name.</summary>
    public string? Bucket { get; init; }

    /// <summary>S3: key prefix in front of <c>AWSLogs/</c> (empty for none).</summary>
    public string? Prefix { get; init; }

    /// <summary>S3: AWS region; the standard AWS configuration applies when empty.</summary>
    public string? Region { get; init; }

    /// <summary>S3: endpoint of an S3-compatible store; AWS's endpoint when empty.</summary>
    public string? EndpointUrl { get; init; }

    /// <summary>Syslog: receiver host name or address.</summary>
    public string? Host { get; init; }

    /// <summary>Syslog: receiver TCP port.</summary>
    public int? Port { get; init; }

    /// <summary>Syslog: true to send inside TLS (RFC 5425).</summary>
    public bool UseTls { get; init; }

    /// <summary>
    /// Syslog over TLS: the lower-case hex SHA-256 of the receiver's certificate, which is then
    /// trusted in place of the system's chain validation (for a receiver with its own certificate).
    /// </summary>
    public string? TlsCertificateSha256 { get; init; }

    /// <summary>True when a webhook secret is stored; the secret itself is never read back.</summary>
    public bool HasSecret { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public required string UpdatedBy { get; init; }
}

/// <summary>A destination with its delivery state.</summary>
public sealed record ExportDestinationOverview(ExportDestination Destination, ExportDeliveryState State);

/// <summary>The delivery state of a destination: failed tries of the current batch, the last error and the last delivery.</summary>
public sealed record ExportDeliveryState
{
    public int Attempts { get; init; }

    public DateTimeOffset? NextAttemptAt { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? LastErrorAt { get; init; }

    public DateTimeOffset? LastDeliveryAt { get; init; }

    /// <summary>When the running batch of updates started; the next one starts a publishing interval later.</summary>
    public DateTimeOffset UpdatesStartedAt { get; init; }
}

/// <summary>A finding version that a destination did not accept after its last try.</summary>
public sealed record ExportDeadLetter
{
    public long Id { get; init; }

    public required string TenantId { get; init; }

    public required Guid DestinationId { get; init; }

    public required string DestinationName { get; init; }

    public required string FindingId { get; init; }

    public required DateTimeOffset FindingUpdatedAt { get; init; }

    public required int Attempts { get; init; }

    public required string LastError { get; init; }

    /// <summary>The document that was sent.</summary>
    public required string Body { get; init; }

    public required DateTimeOffset FailedAt { get; init; }
}

/// <summary>Raised when a tenant already has another destination with the same name.</summary>
public sealed class ExportDestinationConflictException(string name)
    : Exception($"The tenant already has an export destination named '{name}'.")
{
    public string Name { get; } = name;
}
