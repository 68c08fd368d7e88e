namespace Vigil.Detection.Profiles;

/// <summary>The account profile's classes for the values of one chunk, as of before the chunk.</summary>
public interface IAccountProfileView
{
    /// <summary>True while the account profile is still learning; its classes then suppress nothing.</summary>
    bool IsLearning { get; }

    FrequencyClass Classify(ProfileDimension dimension, string? key);

    /// <summary>Returns the account's heaviest values of a dimension, for the baseline in a finding.</summary>
    IReadOnlyList<ProfiledValue> Top(ProfileDimension dimension);
}

/// <summary>A value of a dimension whose class in the account profile a chunk requests.</summary>
public readonly record struct ProfileQuestion(ProfileDimension Dimension, string Key);

/// <summary>The answers of an account profile to a chunk's questions, with its baseline of the asked dimensions.</summary>
public sealed class AccountProfileAnswers(
    bool isLearning,
    IReadOnlyDictionary<ProfileQuestion, FrequencyClass> classes,
    IReadOnlyDictionary<ProfileDimension, IReadOnlyList<ProfiledValue>> baseline) : IAccountProfileView
{
    /// <summary>Answers for an account that has no profile yet, or when the account could not be asked.</summary>
    public static AccountProfileAnswers Unknown { get; } = new(true, new Dictionary<ProfileQuestion, FrequencyClass>(), new Dictionary<ProfileDimension, IReadOnlyList<ProfiledValue>>());

    /// <summary>Most baseline values returned per dimension; GuardDuty's console shows up to 20 usual APIs.</summary>
    public const int BaselineSize = 20;

    public bool IsLearning => isLearning;

    public IReadOnlyDictionary<ProfileQuestion, FrequencyClass> Classes => classes;

    public IReadOnlyDictionary<ProfileDimension, IReadOnlyList<ProfiledValue>> Baseline => baseline;

    public FrequencyClass Classify(ProfileDimension dimension, string? key) =>
        key is not null && classes.TryGetValue(new ProfileQuestion(dimension, key), out var frequency) ? frequency : FrequencyClass.Unseen;

    public IReadOnlyList<ProfiledValue> Top(ProfileDimension dimension) => baseline.TryGetValue(dimension, out var values) ? values : [];

    /// <summary>
    /// Answers the questions from an account profile as it is, then counts the chunk's observations
    /// in it. The baseline is returned only when there are questions, so a chunk without candidates
    /// costs the account only the counting.
    /// </summary>
    public static AccountProfileAnswers AnswerThenObserve(
        BehaviorProfile account,
        IReadOnlyList<ProfileQuestion> questions,
        IReadOnlyList<(DateTimeOffset Time, ProfileObservation Observation)> observations)
    {
        var time = observations.Count > 0 ? observations[0].Time : DateTimeOffset.UnixEpoch;
        for (var index = 1; index < observations.Count; index++)
        {
            if (observations[index].Time > time)
            {
                time = observations[index].Time;
            }
        }

        var learning = account.IsLearning(time);
        var classes = new Dictionary<ProfileQuestion, FrequencyClass>();
        var baseline = new Dictionary<ProfileDimension, IReadOnlyList<ProfiledValue>>();
        foreach (var question in questions)
        {
            classes[question] = account.Classify(question.Dimension, question.Key, time);
            if (!baseline.ContainsKey(question.Dimension))
            {
                baseline[question.Dimension] = account.Top(question.Dimension, time, BaselineSize);
            }
        }

        for (var index = 0; index < observations.Count; index++)
        {
            var (eventTime, observation) = observations[index];
            account.Observe(observation, eventTime);
        }

        return new AccountProfileAnswers(learning, classes, baseline);
    }
}
