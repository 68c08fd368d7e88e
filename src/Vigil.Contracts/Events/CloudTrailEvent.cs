using Vigil.Contracts.Text;

namespace Vigil.Contracts.Events;

/// <summary>
/// One CloudTrail record after normalisation. Every string comes from the log and is
/// attacker-controlled: render it as text and never trust its length beyond the reader's bounds.
/// </summary>
public sealed record CloudTrailEvent
{
    /// <summary>The record's <c>eventID</c>, or a hash of the raw record when the field is missing.</summary>
    public required string EventId { get; init; }

    /// <summary>The record's <c>eventTime</c> in UTC.</summary>
    public required DateTimeOffset EventTime { get; init; }

    /// <summary>When Vigil read the record (wall clock, UTC); kept apart from <see cref="EventTime"/>.</summary>
    public required DateTimeOffset IngestTime { get; init; }

    public string? EventVersion { get; init; }

    public string? EventSource { get; init; }

    public string? EventName { get; init; }

    public string? AwsRegion { get; init; }

    public string? SourceIpAddress { get; init; }

    public string? UserAgent { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    public string? EventType { get; init; }

    public string? EventCategory { get; init; }

    public bool? ReadOnly { get; init; }

    public bool? ManagementEvent { get; init; }

    public string? RecipientAccountId { get; init; }

    private readonly DeferredText requestId;

    /// <summary>The record's <c>requestID</c>. From the CloudTrail object reader it is decoded from the record's bytes on every read.</summary>
    public string? RequestId
    {
        get => requestId.ToString();
        init => requestId = new DeferredText(value);
    }

    /// <summary>Sets <see cref="RequestId"/> in either form. The reader passes a slice of the record, because little reads the value.</summary>
    internal DeferredText RequestIdText
    {
        init => requestId = value;
    }

    /// <summary>The caller; null for records without <c>userIdentity</c>, such as Insights events.</summary>
    public UserIdentity? UserIdentity { get; init; }

    /// <summary><c>requestParameters</c> as raw JSON text of whatever shape the record had, or null.</summary>
    public string? RequestParametersJson { get; init; }

    /// <summary><c>responseElements</c> as raw JSON text of whatever shape the record had, or null.</summary>
    public string? ResponseElementsJson { get; init; }

    /// <summary><c>additionalEventData</c> as raw JSON text, or null.</summary>
    public string? AdditionalEventDataJson { get; init; }

    /// <summary>The <c>insightDetails</c> of a CloudTrail Insights event; null for other events.</summary>
    public InsightDetails? Insight { get; init; }

    /// <summary>
    /// The whole record as delivered, as its UTF-8 bytes. Readers hand it on without decoding it;
    /// <see cref="Utf8JsonText.ToString"/> gives it as a string.
    /// </summary>
    /// <remarks>
    /// From the CloudTrail object reader, the bytes are a slice of a read buffer that the neighbouring
    /// records share, of up to 64 KiB (more when one record is longer), so keeping one event keeps
    /// that buffer alive. <see cref="RequestId"/> and the identity's <see cref="UserIdentity.AccessKeyId"/>
    /// and <see cref="UserIdentity.UserName"/> from that reader slice the same buffer. To keep a few events
    /// out of many for long, copy the bytes and set those three values to their strings.
    /// </remarks>
    public required Utf8JsonText RawJson { get; init; }

    /// <summary>The account the event belongs to: <c>recipientAccountId</c>, else the caller's account.</summary>
    public string AccountId => RecipientAccountId ?? UserIdentity?.AccountId ?? "unknown";

    /// <summary>True when the call succeeded (no <c>errorCode</c>).</summary>
    public bool Succeeded => string.IsNullOrEmpty(ErrorCode);
}
