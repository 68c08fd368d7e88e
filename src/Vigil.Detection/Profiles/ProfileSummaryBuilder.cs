using Vigil.Contracts.Profiles;

namespace Vigil.Detection.Profiles;

/// <summary>Copies what a profile has learned into the bounded summaries that the console shows.</summary>
public static class ProfileSummaryBuilder
{
    /// <summary>
    /// Returns the profile's learning state, its heaviest values per dimension and its hour weights as
    /// of <paramref name="time"/>. Pair dimensions are kept as hashes, so they report a count only.
    /// </summary>
    public static BehaviorProfileSummary Summarize(BehaviorProfile profile, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var dimensions = new List<ProfileDimensionSummary>(ProfileObservation.Dimensions.Count);
        foreach (var dimension in ProfileObservation.Dimensions)
        {
            var values = dimension is ProfileDimension.ApiNetwork or ProfileDimension.NetworkUserAgent
                ? []
                : profile.Top(dimension, time, BehaviorProfileSummary.MaxValuesPerDimension)
                    .Select(value => new ProfileValueSummary(value.Value, FrequencyOf(value.Class)))
                    .ToList();
            dimensions.Add(new ProfileDimensionSummary(dimension.ToString(), profile.CountOf(dimension), values));
        }

        return new BehaviorProfileSummary
        {
            IsLearning = profile.IsLearning(time),
            FirstDay = profile.FirstDay,
            LastDay = profile.LastDay,
            EventCount = profile.EventCount,
            ActiveDays = profile.ActiveDays,
            Dimensions = dimensions,
            HourWeights = profile.HourWeights(time),
        };
    }

    private static ValueFrequency FrequencyOf(FrequencyClass frequency) => frequency switch
    {
        FrequencyClass.Frequent => ValueFrequency.Frequent,
        FrequencyClass.Infrequent => ValueFrequency.Infrequent,
        FrequencyClass.Rare => ValueFrequency.Rare,
        _ => ValueFrequency.Unseen,
    };

    /// <summary>Returns the time a profile's classes are read at: the end of its newest day, or the Unix epoch for an empty profile.</summary>
    public static DateTimeOffset AsOf(BehaviorProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return profile.LastDay is { } day ? new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 59, 59), DateTimeKind.Utc)) : DateTimeOffset.UnixEpoch;
    }
}
