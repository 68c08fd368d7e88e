namespace Vigil.Detection.Profiles;

/// <summary>
/// Settings of behaviour profiles. Times are event time. The defaults are Vigil's choice, because
/// GuardDuty does not publish its own: two weeks of learning and a 30-day half-life. With that
/// half-life a value used once fades out after about 100 days, and a daily one about 9 months after
/// its last use. The bounds keep a principal's serialised profile to a few kilobytes.
/// </summary>
public sealed record ProfileOptions
{
    public static ProfileOptions Default { get; } = new();

    /// <summary>Event time from a profile's first event before it raises anomaly findings (default 14 days).</summary>
    public TimeSpan LearningPeriod { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Distinct days with events a profile needs before it raises anomaly findings (default 3).</summary>
    public int MinimumActiveDays { get; init; } = 3;

    /// <summary>Time after which the weight of one day of use halves (default 30 days).</summary>
    public TimeSpan HalfLife { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Weight below which a value counts as unseen and is dropped (default 0.1, one day of use about 100 days ago).</summary>
    public double ForgetWeight { get; init; } = 0.1;

    /// <summary>Days of use a month from which a value is frequent (default 4, weekly).</summary>
    public double FrequentDaysPerMonth { get; init; } = 4;

    /// <summary>Days of use a month from which a value is infrequent, below that it is rare (default 1).</summary>
    public double InfrequentDaysPerMonth { get; init; } = 1;

    /// <summary>Most values kept per dimension; when a dimension is full the value of least current weight is dropped.</summary>
    public int MaxEntriesPerDimension { get; init; } = 64;

    /// <summary>Most APIs and API-network pairs kept, which vary more than the other dimensions (default 128).</summary>
    public int MaxApiEntries { get; init; } = 128;

    /// <summary>Most remote ports kept per endpoint profile (default 64).</summary>
    public int MaxEndpointPorts { get; init; } = 64;

    /// <summary>Most peers (public addresses) kept per endpoint profile, with their bytes of the current day (default 192).</summary>
    public int MaxEndpointPeers { get; init; } = 192;

    /// <summary>Most DNS resolvers, DoH servers and DoT servers kept per endpoint profile, each (default 16).</summary>
    public int MaxEndpointResolvers { get; init; } = 16;

    /// <summary>Most registrable domains kept per endpoint profile (default 128).</summary>
    public int MaxEndpointDomains { get; init; } = 128;

    /// <summary>Most peers whose connection times an endpoint profile keeps for the beaconing rule (default 24).</summary>
    public int MaxTimedPeers { get; init; } = 24;

    /// <summary>Connection starts kept per timed peer; the beaconing rule needs at least 12 (default 20).</summary>
    public int ConnectionSamplesPerPeer { get; init; } = 20;

    /// <summary>Outbound bytes to one peer in one day below which no volume finding is raised (default 100 MB).</summary>
    public long VolumeMinimumBytes { get; init; } = 100_000_000;

    /// <summary>Returns the bound of one dimension.</summary>
    public int MaxEntries(ProfileDimension dimension) =>
        dimension is ProfileDimension.Api or ProfileDimension.ApiNetwork ? MaxApiEntries : MaxEntriesPerDimension;

    /// <summary>Returns the problems of these settings, each naming the option; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (LearningPeriod < TimeSpan.Zero || LearningPeriod > TimeSpan.FromDays(365))
        {
            problems.Add($"LearningPeriod is {LearningPeriod.TotalDays} days; use 0 to 365.");
        }

        if (MinimumActiveDays is < 0 or > 365)
        {
            problems.Add($"MinimumActiveDays is {MinimumActiveDays}; use 0 to 365.");
        }

        if (HalfLife < TimeSpan.FromDays(1) || HalfLife > TimeSpan.FromDays(3650))
        {
            problems.Add($"HalfLife is {HalfLife.TotalDays} days; use 1 to 3650.");
        }

        if (ForgetWeight is <= 0 or >= 1)
        {
            problems.Add($"ForgetWeight is {ForgetWeight}; use a value above 0 and below 1.");
        }

        if (InfrequentDaysPerMonth <= 0 || FrequentDaysPerMonth <= InfrequentDaysPerMonth)
        {
            problems.Add($"InfrequentDaysPerMonth ({InfrequentDaysPerMonth}) must be above 0 and below FrequentDaysPerMonth ({FrequentDaysPerMonth}).");
        }

        if (MaxEntriesPerDimension is < 4 or > 4096 || MaxApiEntries is < 4 or > 4096)
        {
            problems.Add($"MaxEntriesPerDimension ({MaxEntriesPerDimension}) and MaxApiEntries ({MaxApiEntries}) must be 4 to 4096.");
        }

        if (MaxEndpointPorts is < 4 or > 4096 || MaxEndpointPeers is < 4 or > 4096 || MaxEndpointResolvers is < 1 or > 256 || MaxEndpointDomains is < 4 or > 4096)
        {
            problems.Add($"MaxEndpointPorts ({MaxEndpointPorts}), MaxEndpointPeers ({MaxEndpointPeers}) and MaxEndpointDomains ({MaxEndpointDomains}) must be 4 to 4096, MaxEndpointResolvers ({MaxEndpointResolvers}) 1 to 256.");
        }

        if (MaxTimedPeers is < 0 or > 1024 || ConnectionSamplesPerPeer is < 12 or > 256)
        {
            problems.Add($"MaxTimedPeers ({MaxTimedPeers}) must be 0 to 1024 and ConnectionSamplesPerPeer ({ConnectionSamplesPerPeer}) 12 to 256.");
        }

        if (VolumeMinimumBytes < 0)
        {
            problems.Add($"VolumeMinimumBytes is {VolumeMinimumBytes}; use 0 or more.");
        }

        return problems;
    }
}
