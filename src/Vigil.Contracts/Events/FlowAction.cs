namespace Vigil.Contracts.Events;

/// <summary>Values of the <c>action</c> field of a VPC flow log record.</summary>
public static class FlowAction
{
    /// <summary>Security groups and network ACLs allowed the traffic.</summary>
    public const string Accept = "ACCEPT";

    /// <summary>Security groups or network ACLs rejected the traffic.</summary>
    public const string Reject = "REJECT";
}
