using Microsoft.Extensions.Logging;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Findings;

/// <summary>
/// Stores an analyst's feedback on a finding and, for "not useful" on an anomaly finding, teaches the
/// principal's behaviour profile that what was unusual is expected.
/// </summary>
public sealed partial class FindingFeedbackService(IFindingQueries queries, IFindingTriage triage, IAnomalyFeedback? anomalyFeedback, ILogger<FindingFeedbackService> logger)
{
    /// <summary>
    /// Returns null when the tenant has no such finding; otherwise whether the principal's profile
    /// learned from it (always false unless the feedback is "not useful" on an anomaly finding).
    /// </summary>
    public async Task<FeedbackResult?> SetAsync(string tenantId, string findingId, FindingFeedback? feedback, CancellationToken cancellationToken)
    {
        var finding = await queries.GetAsync(tenantId, findingId, cancellationToken);
        if (finding is null || !await triage.SetFeedbackAsync(tenantId, findingId, feedback, cancellationToken))
        {
            return null;
        }

        var taught = false;
        if (feedback == FindingFeedback.NotUseful && finding.Service.Detection?.Anomaly is not null && anomalyFeedback is not null)
        {
            try
            {
                taught = await anomalyFeedback.MarkNotUsefulAsync(tenantId, finding, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The feedback is stored; only the profile update failed, and the analyst can send it again.
                LogTeachFailed(logger, exception, findingId, tenantId);
            }
        }

        return new FeedbackResult(taught);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Teaching the profile from feedback on finding {FindingId} of tenant {TenantId} failed")]
    private static partial void LogTeachFailed(ILogger logger, Exception exception, string findingId, string tenantId);
}

public sealed record FeedbackResult(bool ProfileUpdated);
