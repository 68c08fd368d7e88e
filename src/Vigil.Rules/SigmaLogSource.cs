namespace Vigil.Rules;

/// <summary>The log a rule reads, from its <c>logsource</c>.</summary>
public enum SigmaLogSource
{
    /// <summary><c>product: aws</c>, <c>service: cloudtrail</c>.</summary>
    CloudTrail,

    /// <summary><c>product: aws</c>, <c>service: vpcflowlogs</c> (also <c>vpcflow</c>, <c>vpc_flow_logs</c>).</summary>
    VpcFlow,

    /// <summary><c>product: aws</c>, <c>service: route53resolver</c> (also <c>route53</c>, <c>resolver_query_logs</c>), or <c>category: dns</c>.</summary>
    Route53Resolver,
}

/// <summary>A Sigma <c>level</c>.</summary>
public enum SigmaLevel
{
    Informational,
    Low,
    Medium,
    High,
    Critical,
}
