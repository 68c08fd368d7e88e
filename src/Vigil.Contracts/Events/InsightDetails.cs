namespace Vigil.Contracts.Events;

/// <summary>The subject of a CloudTrail Insights event: the API whose call rate or error rate changed.</summary>
public sealed record InsightDetails
{
    /// <summary>Start or End.</summary>
    public string? State { get; init; }

    public string? EventSource { get; init; }

    public string? EventName { get; init; }

    /// <summary>ApiCallRateInsight or ApiErrorRateInsight.</summary>
    public string? InsightType { get; init; }
}
