namespace Vigil.Contracts.Profiles;

/// <summary>How often a profile has seen a value, in GuardDuty's frequency classes.</summary>
public enum ValueFrequency
{
    Unseen,
    Rare,
    Infrequent,
    Frequent,
}

/// <summary>
/// A bounded, read-only copy of a behaviour profile: its learning state, the heaviest values of each
/// dimension with their classes, and its activity per UTC hour. Values are log text.
/// </summary>
public sealed record BehaviorProfileSummary
{
    /// <summary>Most values listed per dimension; <see cref="ProfileDimensionSummary.ValueCount"/> gives how many the profile keeps.</summary>
    public const int MaxValuesPerDimension = 20;

    /// <summary>An empty profile, for a grain that has learned nothing.</summary>
    public static BehaviorProfileSummary Empty { get; } = new()
    {
        IsLearning = true,
        Dimensions = [],
        HourWeights = new double[24],
    };

    /// <summary>True while the profile is in its learning period; its classes then raise no anomaly.</summary>
    public required bool IsLearning { get; init; }

    /// <summary>The UTC day of the first event counted, or null when the profile is empty.</summary>
    public DateOnly? FirstDay { get; init; }

    /// <summary>The UTC day of the newest event counted; classes and hour weights are as of this day.</summary>
    public DateOnly? LastDay { get; init; }

    public long EventCount { get; init; }

    public int ActiveDays { get; init; }

    public required IReadOnlyList<ProfileDimensionSummary> Dimensions { get; init; }

    /// <summary>The decayed activity of each UTC hour of the day, 24 values from hour 0.</summary>
    public required IReadOnlyList<double> HourWeights { get; init; }
}

/// <summary>One dimension of a profile (named as the detection library names it, such as <c>Api</c> or <c>Network</c>).</summary>
public sealed record ProfileDimensionSummary(string Dimension, int ValueCount, IReadOnlyList<ProfileValueSummary> Values);

/// <summary>One value of a dimension with its frequency class.</summary>
public sealed record ProfileValueSummary(string Value, ValueFrequency Frequency);

/// <summary>What a principal grain has applied and learned.</summary>
public sealed record PrincipalSummary
{
    /// <summary>The key without the tenant: <c>account/principal</c>.</summary>
    public required string Key { get; init; }

    public long EventsApplied { get; init; }

    public long DuplicatesDropped { get; init; }

    /// <summary>Event time of the newest event applied.</summary>
    public DateTimeOffset? LastEventTime { get; init; }

    /// <summary>The last successful console sign-in whose place was known, as country and city.</summary>
    public string? LastSignInPlace { get; init; }

    public DateTimeOffset? LastSignInTime { get; init; }

    /// <summary>Anomaly findings whose unusual values are remembered, so that "not useful" feedback can teach them.</summary>
    public int RememberedAnomalies { get; init; }

    public required BehaviorProfileSummary Profile { get; init; }
}

/// <summary>What an endpoint grain has applied.</summary>
public sealed record EndpointSummary
{
    /// <summary>The key without the tenant: <c>account/eni:id</c>, <c>account/instance:id</c> or <c>account/address:vpc/ip</c>.</summary>
    public required string Key { get; init; }

    public long FlowsApplied { get; init; }

    public long QueriesApplied { get; init; }

    /// <summary>Event time of the newest record applied.</summary>
    public DateTimeOffset? LastEventTime { get; init; }

    /// <summary>Event-time windows whose flow counters the grain keeps for the threshold findings.</summary>
    public int FlowWindows { get; init; }

    /// <summary>What the endpoint's behaviour profile has learned.</summary>
    public EndpointProfileSummary Profile { get; init; } = EndpointProfileSummary.Empty;
}

/// <summary>
/// A bounded, read-only copy of an endpoint's behaviour profile: its learning state, the heaviest
/// values of each table (remote ports, peers, DNS resolvers, DoH and DoT servers, domains) and its
/// baseline of outbound bytes per peer and day. Values are log text.
/// </summary>
public sealed record EndpointProfileSummary
{
    /// <summary>Most values listed per table; <see cref="EndpointTableSummary.ValueCount"/> gives how many the profile keeps.</summary>
    public const int MaxValuesPerTable = 20;

    /// <summary>The remote port value that means mail delivery (SMTP).</summary>
    public const string MailPort = "tcp/25";

    /// <summary>An empty profile, for a grain that has learned nothing.</summary>
    public static EndpointProfileSummary Empty { get; } = new() { IsLearning = true, Tables = [] };

    /// <summary>True while the profile is in its learning period; its classes then raise no anomaly.</summary>
    public required bool IsLearning { get; init; }

    /// <summary>The UTC day of the first record counted, or null when the profile is empty.</summary>
    public DateOnly? FirstDay { get; init; }

    /// <summary>The UTC day of the newest record counted; classes are as of this day.</summary>
    public DateOnly? LastDay { get; init; }

    public long RecordCount { get; init; }

    public int ActiveDays { get; init; }

    /// <summary>One entry per table, named as the detection library names it (<c>RemotePort</c>, <c>Peer</c>, <c>DnsResolver</c>, <c>DohServer</c>, <c>DotServer</c>, <c>Domain</c>).</summary>
    public required IReadOnlyList<EndpointTableSummary> Tables { get; init; }

    /// <summary>Decayed number of peer-days in the volume baseline.</summary>
    public double PeerDays { get; init; }

    /// <summary>Typical outbound bytes of one peer and day (10 to the mean of log10), or null without a baseline.</summary>
    public double? TypicalPeerDayBytes { get; init; }

    /// <summary>Largest outbound bytes of one peer and day, decayed, or null without a baseline.</summary>
    public double? LargestPeerDayBytes { get; init; }

    /// <summary>Peers whose connection times are kept for the beaconing rule.</summary>
    public int TimedPeers { get; init; }

    /// <summary>Returns a table by name, or null when the profile has none.</summary>
    public EndpointTableSummary? Table(string name) => Tables.FirstOrDefault(table => table.Table == name);
}

/// <summary>One table of an endpoint profile with its heaviest values.</summary>
public sealed record EndpointTableSummary(string Table, int ValueCount, IReadOnlyList<EndpointValueSummary> Values);

/// <summary>
/// One value of an endpoint table: its frequency class, its decayed days of use a month, the UTC day it
/// was last used and, for a peer, the outbound bytes of that day.
/// </summary>
public sealed record EndpointValueSummary(string Value, ValueFrequency Frequency, double DaysPerMonth, DateOnly LastDay, double? LastDayBytes);
