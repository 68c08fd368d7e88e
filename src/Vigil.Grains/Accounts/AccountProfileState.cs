namespace Vigil.Grains.Accounts;

/// <summary>
/// Persisted state of an account profile grain. Field ids are part of the stored format: never reuse
/// or renumber them.
/// </summary>
[GenerateSerializer]
[Alias("Vigil.AccountProfileState")]
public sealed class AccountProfileState
{
    /// <summary>The account's behaviour profile in the compact binary form of <c>BehaviorProfile.WriteTo</c>.</summary>
    [Id(0)]
    public byte[]? Profile { get; set; }
}
