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
}
