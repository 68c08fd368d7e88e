using Vigil.Abstractions;
using Vigil.Detection.Profiles;

namespace Vigil.Grains.Accounts;

/// <summary>Converts between the profile types of the detection library and the grain-call records of <see cref="IAccountProfileGrain"/>.</summary>
internal static class AccountProfileWire
{
    private static readonly int DimensionCount = ProfileObservation.Dimensions.Count;

    public static AccountObservation FromObservation(DateTimeOffset time, ProfileObservation observation) => new(
        time,
        [
            observation.Api, observation.Network, observation.Country, observation.UserAgent, observation.UserType,
            observation.Bucket, observation.InstanceSource, observation.InstanceEndpointAccount,
        ]);

    public static (DateTimeOffset Time, ProfileObservation Observation) ToObservation(AccountObservation item)
    {
        string? At(int index) => index < item.Values.Length ? Bounded(item.Values[index]) : null;

        return (item.Time, new ProfileObservation(At(0), At(1), At(2), At(3), At(4), At(5), At(6), At(7)));
    }

    public static AccountQuestion FromQuestion(ProfileQuestion question) => new((int)question.Dimension, question.Key);

    public static ProfileQuestion ToQuestion(AccountQuestion question)
    {
        if (question.Dimension < 0 || question.Dimension >= DimensionCount)
        {
            throw new ArgumentException($"Account profile question names dimension {question.Dimension}; dimensions are 0 to {DimensionCount - 1}.", nameof(question));
        }

        return new ProfileQuestion((ProfileDimension)question.Dimension, Bounded(question.Key) ?? string.Empty);
    }

    public static AccountProfileReply ToReply(AccountProfileAnswers answers, IReadOnlyList<ProfileQuestion> questions)
    {
        // Most calls only count observations, so their reply skips the two LINQ pipelines.
        if (questions.Count == 0 && answers.Baseline.Count == 0)
        {
            return new(answers.IsLearning, [], []);
        }

        return new(
            answers.IsLearning,
            [.. questions.Select(question => (int)answers.Classify(question.Dimension, question.Key))],
            [.. answers.Baseline.SelectMany(pair => pair.Value.Select(value => new AccountBaselineValue((int)pair.Key, value.Value, (int)value.Class)))]);
    }

    public static AccountProfileAnswers ToAnswers(AccountProfileReply reply, IReadOnlyList<ProfileQuestion> questions)
    {
        var classes = new Dictionary<ProfileQuestion, FrequencyClass>();
        for (var i = 0; i < questions.Count && i < reply.Classes.Length; i++)
        {
            classes[questions[i]] = (FrequencyClass)reply.Classes[i];
        }

        var baseline = reply.Baseline
            .GroupBy(value => (ProfileDimension)value.Dimension)
            .ToDictionary(group => group.Key, group => (IReadOnlyList<ProfiledValue>)[.. group.Select(value => new ProfiledValue(value.Value, (FrequencyClass)value.Class))]);
        return new AccountProfileAnswers(reply.IsLearning, classes, baseline);
    }

    private static string? Bounded(string? value) => value is null || value.Length <= ProfileFeatures.MaxValueLength ? value : value[..ProfileFeatures.MaxValueLength];
}
