using Vigil.Detection.Intel;

namespace Vigil.Detection;

/// <summary>What detectors need besides the event: the tenant, its compiled threat lists and the wall clock for finding timestamps.</summary>
public sealed record DetectionContext(string TenantId, ThreatIntelSnapshot Intel, TimeProvider Clock);
