using Vigil.Abstractions;
using Vigil.Contracts.Events;
using Vigil.Contracts.Findings;
using Vigil.Detection;
using Vigil.Detection.Profiles;
using Vigil.Enrichment;
using Vigil.Grains.Accounts;

namespace Vigil.Grains.Principals;

/// <summary>
/// The anomaly step of a principal grain: scores a chunk against the principal's profile, requests the
/// account profile grain's classes of the unusual values, and returns the anomaly findings. A call
/// without unusual values only sends its observations, through the <see cref="AccountObservationBatcher"/>.
/// </summary>
internal static class PrincipalProfiling
{
    /// <summary>
    /// Scores each chunk of one call in order, with one account call for all of them, and returns
    /// the anomaly findings of each chunk in the same order.
    /// </summary>
    /// <remarks>
    /// The account profile answers every chunk's questions as it was before this call, because the
    /// observations of all chunks reach it in the same call. That is what one larger chunk would get.
    /// </remarks>
    public static async Task<IReadOnlyList<Finding>[]> ScoreAsync(
        IAccountProfileGrain account,
        string accountKey,
        AccountObservationBatcher batcher,
        string principalKey,
        PrincipalProfile profile,
        IReadOnlyList<IReadOnlyList<CloudTrailEvent>> chunks,
        IpEnricher enricher,
        DetectionContext context)
    {
        var findings = new IReadOnlyList<Finding>[chunks.Count];
        var prepared = new PreparedChunk[chunks.Count];
        var observations = new List<AccountObservation>();
        HashSet<ProfileQuestion>? questions = null;
        var candidates = 0;
        for (var index = 0; index < chunks.Count; index++)
        {
            findings[index] = [];
            prepared[index] = ProfileAnomalyDetector.Default.Prepare(chunks[index], profile, enricher, context);
            var chunkObservations = prepared[index].Observations;
            for (var position = 0; position < chunkObservations.Count; position++)
            {
                var (time, observation) = chunkObservations[position];
                observations.Add(AccountProfileWire.FromObservation(time, observation));
            }

            if (prepared[index].Questions.Count > 0)
            {
                (questions ??= []).UnionWith(prepared[index].Questions);
            }

            candidates += prepared[index].Candidates.Count;
        }

        if (observations.Count == 0)
        {
            return findings;
        }

        // Without candidates there are no questions, and the account only counts the observations.
        if (candidates == 0)
        {
            await batcher.ObserveAsync(account, accountKey, context.TenantId, observations);
            return findings;
        }

        List<ProfileQuestion> questionList = questions is null ? [] : [.. questions];
        var batch = new AccountProfileBatch(context.TenantId, observations, [.. questionList.Select(AccountProfileWire.FromQuestion)]);
        var reply = await account.ObserveAsync(batch);

        var answers = AccountProfileWire.ToAnswers(reply, questionList);
        for (var index = 0; index < chunks.Count; index++)
        {
            if (prepared[index].Candidates.Count > 0)
            {
                findings[index] = ProfileAnomalyDetector.Default.Decide(prepared[index], answers, principalKey, context, profile);
            }
        }

        return findings;
    }
}

/// <summary>Loads a principal's stored profile, starting a new one when the stored form cannot be read.</summary>
internal static partial class PrincipalProfileStore
{
    public static PrincipalProfile Load(byte[]? data, ProfileOptions options, Microsoft.Extensions.Logging.ILogger logger, string grainKey)
    {
        try
        {
            return PrincipalProfile.Deserialize(data, options);
        }
        catch (InvalidDataException exception)
        {
            // The profile is rebuilt from new events; only what it had learned is lost.
            ProfileLoadFailed(logger, exception, Vigil.Contracts.Text.LogText.Escape(grainKey));
            return new PrincipalProfile(options);
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "The stored profile of principal grain {GrainKey} cannot be read; the principal starts learning again")]
    private static partial void ProfileLoadFailed(Microsoft.Extensions.Logging.ILogger logger, Exception exception, string grainKey);
}
