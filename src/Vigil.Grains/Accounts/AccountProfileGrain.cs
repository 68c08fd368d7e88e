using Microsoft.Extensions.Logging;
using Vigil.Abstractions;
using Vigil.Contracts.Profiles;
using Vigil.Contracts.Text;
using Vigil.Detection.Profiles;
using Vigil.Detection.Settings;

namespace Vigil.Grains.Accounts;

/// <summary>
/// Keeps the behaviour profile of one account from the observations its principal grains send, and
/// answers their questions about it. State is written behind, like the principal grain's.
/// </summary>
public sealed partial class AccountProfileGrain(
    [PersistentState("account", VigilGrainStorage.Name)] IPersistentState<AccountProfileState> state,
    DetectorSettingsRegistry settings,
    ILogger<AccountProfileGrain> logger) : WriteBehindGrain<AccountProfileState>(state, logger), IAccountProfileGrain
{
    /// <summary>Most observations or questions accepted in one call; a principal chunk sends far fewer distinct ones.</summary>
    internal const int MaxItemsPerCall = 100_000;

    private BehaviorProfile profile = null!;

    public Task<AccountProfileReply> ObserveAsync(AccountProfileBatch batch)
    {
        var grainKey = this.GetPrimaryKeyString();
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || batch.TenantId != grainKey[..slash])
        {
            throw new ArgumentException($"Account profile batch for tenant '{batch.TenantId}' sent to account grain '{grainKey}'.", nameof(batch));
        }

        if (batch.Observations.Count > MaxItemsPerCall || batch.Questions.Count > MaxItemsPerCall)
        {
            throw new ArgumentException($"Account profile batch has {batch.Observations.Count} observations and {batch.Questions.Count} questions; at most {MaxItemsPerCall} of each are accepted.", nameof(batch));
        }

        // The tenant's learning period applies from its next batch after a change; what was learned stays.
        var options = settings.For(batch.TenantId).Profiles;
        if (profile.Options != options)
        {
            profile = Reload(profile, options);
        }

        var questions = batch.Questions.Select(AccountProfileWire.ToQuestion).ToList();
        var observations = batch.Observations.Select(AccountProfileWire.ToObservation).ToList();
        var answers = AccountProfileAnswers.AnswerThenObserve(profile, questions, observations);
        if (observations.Count > 0)
        {
            MarkDirty();
        }

        return Task.FromResult(AccountProfileWire.ToReply(answers, questions));
    }

    public Task<BehaviorProfileSummary> GetSummaryAsync(string tenantId)
    {
        var grainKey = this.GetPrimaryKeyString();
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || tenantId != grainKey[..slash])
        {
            throw new ArgumentException($"Summary request for tenant '{tenantId}' sent to account grain '{grainKey}'.", nameof(tenantId));
        }

        return Task.FromResult(ProfileSummaryBuilder.Summarize(profile, ProfileSummaryBuilder.AsOf(profile)));
    }

    private static BehaviorProfile Reload(BehaviorProfile current, ProfileOptions options)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            current.WriteTo(writer);
        }

        buffer.Position = 0;
        using var reader = new BinaryReader(buffer);
        return BehaviorProfile.ReadFrom(reader, options);
    }

    protected override void OnStateLoaded()
    {
        var grainKey = this.GetPrimaryKeyString();
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        var options = settings.For(slash > 0 ? grainKey[..slash] : grainKey).Profiles;
        profile = new BehaviorProfile(options);
        if (Persisted.Profile is not { Length: > 0 } data)
        {
            return;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(data));
            profile = BehaviorProfile.ReadFrom(reader, options);
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException)
        {
            // The profile is rebuilt from new events; only what it had learned is lost.
            ProfileLoadFailed(logger, exception, LogText.Escape(this.GetPrimaryKeyString()));
        }
    }

    protected override void PrepareWrite()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            profile.WriteTo(writer);
        }

        Persisted.Profile = buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored account profile of grain {GrainKey} cannot be read; the account starts learning again")]
    private static partial void ProfileLoadFailed(ILogger logger, Exception exception, string grainKey);
}
