using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;

namespace Vigil.Detection.Detectors;

/// <summary>A single-event rule over CloudTrail records. Implementations are stateless and thread-safe.</summary>
public interface ICloudTrailDetector
{
    /// <summary>Adds a finding occurrence to <paramref name="findings"/> when the event matches.</summary>
    void Inspect(CloudTrailEvent record, string principalKey, DetectionContext context, List<Finding> findings);
}
