using Vigil.Contracts.Profiles;
using Vigil.Detection.Profiles;

namespace Vigil.Detection.Endpoints;

/// <summary>Copies what an endpoint profile has learned into the bounded summary that the console shows.</summary>
public static class EndpointProfileSummaryBuilder
{
    private static readonly EndpointDimension[] Tables = Enum.GetValues<EndpointDimension>();

    /// <summary>Returns the profile's learning state, its heaviest values per table and its volume baseline as of <paramref name="time"/>.</summary>
    public static EndpointProfileSummary Summarize(EndpointProfile profile, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var tables = new List<EndpointTableSummary>(Tables.Length);
        foreach (var table in Tables)
        {
            var values = profile.Details(table, time, EndpointProfileSummary.MaxValuesPerTable)
                .Select(value => new EndpointValueSummary(value.Value, FrequencyOf(value.Class), Math.Round(value.DaysPerMonth, 2), value.LastDay, value.LastDayBytes))
                .ToList();
            tables.Add(new EndpointTableSummary(table.ToString(), profile.CountOf(table), values));
        }

        var volume = profile.Volume(time);
        var hasVolume = volume.PeerDays > 0;
        return new EndpointProfileSummary
        {
            IsLearning = profile.IsLearning(time),
            FirstDay = profile.FirstDay,
            LastDay = profile.LastDay,
            RecordCount = profile.RecordCount,
            ActiveDays = profile.ActiveDays,
            Tables = tables,
            PeerDays = Math.Round(volume.PeerDays, 2),
            TypicalPeerDayBytes = hasVolume ? Math.Round(Math.Pow(10, volume.MeanLog10)) : null,
            LargestPeerDayBytes = hasVolume ? Math.Round(volume.MaxBytes) : null,
            TimedPeers = profile.TimedPeerCount,
        };
    }

    /// <summary>Returns the time a profile's classes are read at: the end of its newest day, or the Unix epoch for an empty profile.</summary>
    public static DateTimeOffset AsOf(EndpointProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return profile.LastDay is { } day ? new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 59, 59), DateTimeKind.Utc)) : DateTimeOffset.UnixEpoch;
    }

    private static ValueFrequency FrequencyOf(FrequencyClass frequency) => frequency switch
    {
        FrequencyClass.Frequent => ValueFrequency.Frequent,
        FrequencyClass.Infrequent => ValueFrequency.Infrequent,
        FrequencyClass.Rare => ValueFrequency.Rare,
        _ => ValueFrequency.Unseen,
    };
}
