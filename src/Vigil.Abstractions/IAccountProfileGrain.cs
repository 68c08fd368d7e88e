using Orleans.Concurrency;
using Vigil.Contracts.Profiles;

namespace Vigil.Abstractions;

/// <summary>
/// The behaviour profile of one tenant's AWS account, keyed <c>tenant/account</c>. Principal grains
/// send it what their chunks observed and request the account's classes of their unusual values, so
/// that a value new for the principal but usual for the account is recognised.
/// </summary>
[Alias("Vigil.AccountProfileGrain")]
public interface IAccountProfileGrain : IGrainWithStringKey
{
    /// <summary>Answers the questions from the profile as it was before this batch, then counts the batch's observations.</summary>
    [Alias("Observe")]
    Task<AccountProfileReply> ObserveAsync(AccountProfileBatch batch);

    /// <summary>Returns a bounded copy of the account's profile, for the console; <paramref name="tenantId"/> must be the tenant of the grain key.</summary>
    [Alias("GetSummary")]
    [ReadOnly]
    Task<BehaviorProfileSummary> GetSummaryAsync(string tenantId);
}

/// <summary>A principal chunk's distinct observations and its questions about values, for the account profile.</summary>
[GenerateSerializer]
[Immutable]
[Alias("Vigil.AccountProfileBatch")]
public sealed record AccountProfileBatch(
    [property: Id(0)] string TenantId,
    [property: Id(1)] IReadOnlyList<AccountObservation> Observations,
    [property: Id(2)] IReadOnlyList<AccountQuestion> Questions);

/// <summary>The feature values of one observation, in the order of the profile observation's fields (API, network, country, user agent, user type, bucket, instance source, endpoint account).</summary>
[GenerateSerializer]
[Immutable]
[Alias("Vigil.AccountObservation")]
public sealed record AccountObservation(
    [property: Id(0)] DateTimeOffset Time,
    [property: Id(1)] string?[] Values);

/// <summary>A value of one profile dimension (by its number) whose class in the account profile a principal requests.</summary>
[GenerateSerializer]
[Immutable]
[Alias("Vigil.AccountQuestion")]
public sealed record AccountQuestion(
    [property: Id(0)] int Dimension,
    [property: Id(1)] string Key);

/// <summary>The account profile's answers: whether it is still learning, the class of each question in order, and its baseline of the asked dimensions.</summary>
[GenerateSerializer]
[Immutable]
[Alias("Vigil.AccountProfileReply")]
public sealed record AccountProfileReply(
    [property: Id(0)] bool IsLearning,
    [property: Id(1)] int[] Classes,
    [property: Id(2)] IReadOnlyList<AccountBaselineValue> Baseline);

/// <summary>One value of the account's baseline: dimension number, value and frequency class number.</summary>
[GenerateSerializer]
[Immutable]
[Alias("Vigil.AccountBaselineValue")]
public sealed record AccountBaselineValue(
    [property: Id(0)] int Dimension,
    [property: Id(1)] string Value,
    [property: Id(2)] int Class);
