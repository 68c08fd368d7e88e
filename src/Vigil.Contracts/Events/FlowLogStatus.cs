namespace Vigil.Contracts.Events;

/// <summary>Values of the <c>log-status</c> field of a flow log record.</summary>
public static class FlowLogStatus
{
    /// <summary>Data is logged normally.</summary>
    public const string Ok = "OK";

    /// <summary>No traffic on the interface during the aggregation interval, so addresses, ports and counters are <c>-</c>.</summary>
    public const string NoData = "NODATA";

    /// <summary>AWS dropped records during the interval for lack of capacity. One such record can be all that is left of many flows.</summary>
    public const string SkipData = "SKIPDATA";
}
