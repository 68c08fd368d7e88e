using Vigil.Contracts.Findings;

namespace Vigil.Detection.Findings;

/// <summary>
/// Assembles one finding occurrence from what every detector supplies: the template, the
/// aggregation key parts, the resource and the action. The id comes from the aggregation key,
/// and the count starts at 1 with the first and last seen times at the event time.
/// </summary>
internal static class FindingFactory
{
    public static Finding Create(
        DetectionContext context,
        FindingTemplate template,
        FindingOccurrence occurrence,
        FindingResource resource,
        FindingAction action,
        FindingEvidence? evidence,
        IReadOnlyDictionary<string, string> additionalInfo)
    {
        var (account, region, resourceKey, resourceRole, eventTime) = occurrence;
        var id = FindingId.For(context.TenantId, template.Type, account, region, resourceKey, resourceRole);
        var detectorId = FindingId.DetectorFor(context.TenantId);
        var now = context.Clock.GetUtcNow();
        return new Finding
        {
            AccountId = account,
            Region = region,
            Id = id,
            Arn = FindingId.ArnFor(region, account, detectorId, id),
            Type = template.Type,
            Severity = template.Severity,
            CreatedAt = now,
            UpdatedAt = now,
            Title = template.Title,
            Description = template.Description,
            Resource = resource,
            Service = new FindingService
            {
                DetectorId = detectorId,
                Action = action,
                Evidence = evidence,
                Count = 1,
                EventFirstSeen = eventTime,
                EventLastSeen = eventTime,
                ResourceRole = resourceRole,
                AdditionalInfo = additionalInfo,
            },
        };
    }
}

/// <summary>
/// The aggregation key of one occurrence (account, region, resource key such as the principal or
/// endpoint, resource role) and its event time.
/// </summary>
internal readonly record struct FindingOccurrence(string AccountId, string Region, string ResourceKey, string ResourceRole, DateTimeOffset EventTime);
