using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;

namespace Vigil.Detection.Network;

/// <summary>A single-record rule over VPC flow records. Implementations are stateless and thread-safe.</summary>
public interface IFlowDetector
{
    void Inspect(FlowRecord record, string endpointKey, DetectionContext context, List<Finding> findings);
}

/// <summary>A single-record rule over Route 53 Resolver queries. Implementations are stateless and thread-safe.</summary>
public interface IDnsDetector
{
    void Inspect(DnsQueryRecord record, string endpointKey, DetectionContext context, List<Finding> findings);
}
