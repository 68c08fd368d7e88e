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
/// account profile grain's classes of the unusual values, and returns the anomaly findings.
/// </summary>
internal static class PrincipalProfiling
{
    public static async Task<IReadOnlyList<Finding>> ScoreAsync(
        IGrainFactory grains,
        string principalKey,
        PrincipalProfile profile,
        IReadOnlyList<CloudTrailEvent> records,
        IpEnricher enricher,
        DetectionContext context)
    {
        var prepared = ProfileAnomalyDetector.Default.Prepare(records, profile, enricher, context);
        if (prepared.Observations.Count == 0)
        {
            return [];
        }

        var account = principalKey[..Math.Max(0, principalKey.IndexOf('/', StringComparison.Ordinal))];
        var batch = new AccountProfileBatch(
            context.TenantId,
            [.. prepared.Observations.Select(item => AccountProfileWire.FromObservation(item.Time, item.Observation))],
            [.. prepared.Questions.Select(AccountProfileWire.FromQuestion)]);
        var reply = await grains.GetGrain<IAccountProfileGrain>($"{context.TenantId}/{account}").ObserveAsync(batch);
        if (prepared.Candidates.Count == 0)
        {
            return [];
        }

        var answers = AccountProfileWire.ToAnswers(reply, prepared.Questions);
        return ProfileAnomalyDetector.Default.Decide(prepared, answers, principalKey, context, profile);
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
