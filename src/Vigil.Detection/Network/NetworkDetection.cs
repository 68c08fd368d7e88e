using Vigil.Contracts.Detection;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;

namespace Vigil.Detection.Network;

/// <summary>Runs the flow and DNS detectors over a batch of one endpoint's records and merges repeats of a finding id.</summary>
public sealed class NetworkDetection(IReadOnlyList<IFlowDetector> flowDetectors, IReadOnlyList<IDnsDetector> dnsDetectors, FlowThresholdDetection? thresholds = null)
{
    public static NetworkDetection Default { get; } = new(
        [new CustomThreatListFlowDetector(), new PlatformThreatListFlowDetector()],
        [new CustomThreatListDomainDetector(), new PlatformThreatListDomainDetector(), new MetadataDnsRebindDetector()],
        FlowThresholdDetection.Default);

    /// <summary>The default detectors with other flow thresholds, for a tenant that changed them.</summary>
    public static NetworkDetection WithThresholds(FlowThresholdDetection thresholds) => new(
        [new CustomThreatListFlowDetector(), new PlatformThreatListFlowDetector()],
        [new CustomThreatListDomainDetector(), new PlatformThreatListDomainDetector(), new MetadataDnsRebindDetector()],
        thresholds);

    /// <summary>
    /// Runs the flow detectors; flows whose source or destination is on a trusted list raise nothing and
    /// are not counted. With <paramref name="windows"/>, the threshold rules count the flows into it and
    /// raise the findings whose thresholds are reached; without it they do not run. With
    /// <paramref name="changes"/>, the changes to <paramref name="windows"/> are recorded there, so they can be undone.
    /// </summary>
    public IReadOnlyList<Finding> InspectFlows(
        IEnumerable<FlowRecord> records, string endpointKey, DetectionContext context, FlowWindowState? windows = null, FlowWindowChanges? changes = null) =>
        InspectFlowChunks([records.AsReadOnlyList()], endpointKey, context, windows, changes);

    /// <summary>
    /// Runs the flow detectors as <see cref="InspectFlows"/> does over the records of <paramref name="chunks"/>
    /// one chunk after another, without a list of all of them.
    /// </summary>
    public IReadOnlyList<Finding> InspectFlowChunks(
        IReadOnlyList<IReadOnlyList<FlowRecord>> chunks, string endpointKey, DetectionContext context, FlowWindowState? windows = null, FlowWindowChanges? changes = null)
    {
        var raised = new List<Finding>();
        var checkTrusted = context.Intel.TrustedEntryCount > 0;

        // Indexed, because the enumerator of a list seen through an interface is an object per walk.
        for (var chunk = 0; chunk < chunks.Count; chunk++)
        {
            var records = chunks[chunk];
            for (var index = 0; index < records.Count; index++)
            {
                var record = records[index];
                if (checkTrusted && (context.Intel.TryMatchTrusted(record.SourceAddress, out _) || context.Intel.TryMatchTrusted(record.DestinationAddress, out _)))
                {
                    continue;
                }

                foreach (var detector in flowDetectors)
                {
                    detector.Inspect(record, endpointKey, context, raised);
                }

                if (windows is not null)
                {
                    thresholds?.Inspect(record, endpointKey, context, windows, raised, changes);
                }
            }
        }

        return FindingAggregation.MergeById(raised);
    }

    /// <summary>Runs the DNS detectors; queries for a domain on a trusted list (or below it) raise nothing.</summary>
    public IReadOnlyList<Finding> InspectQueries(IEnumerable<DnsQueryRecord> records, string endpointKey, DetectionContext context)
    {
        var raised = new List<Finding>();
        var checkTrusted = context.Intel.TrustedEntryCount > 0;
        var list = records.AsReadOnlyList();
        for (var index = 0; index < list.Count; index++)
        {
            var record = list[index];
            if (checkTrusted && context.Intel.TryMatchTrustedDomain(record.NormalizedQueryName, out _))
            {
                continue;
            }

            foreach (var detector in dnsDetectors)
            {
                detector.Inspect(record, endpointKey, context, raised);
            }
        }

        return FindingAggregation.MergeById(raised);
    }
}
