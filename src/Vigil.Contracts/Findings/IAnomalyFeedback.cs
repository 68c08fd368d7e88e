namespace Vigil.Contracts.Findings;

/// <summary>Hands an analyst's "not useful" on an anomaly finding to the principal whose profile raised it.</summary>
public interface IAnomalyFeedback
{
    /// <summary>
    /// Teaches the principal's behaviour profile that what was unusual in the finding is expected.
    /// Returns false when the finding is not an anomaly finding or the principal no longer remembers it.
    /// </summary>
    Task<bool> MarkNotUsefulAsync(string tenantId, Finding finding, CancellationToken cancellationToken);
}
