using Microsoft.Extensions.Options;
using Vigil.Host.Configuration;
using Vigil.Ingestion.Integrity;

namespace Vigil.Host.Integrity;

/// <summary>
/// The CloudTrail public keys that continuous validation uses: the keys of <c>Vigil:Integrity:PublicKeysFile</c>,
/// read again on each call, and with <c>Vigil:Integrity:PublicKeysFromApi</c> the keys that
/// <c>ListPublicKeys</c> returns for each Region whose digests are validated. The keys are the same
/// for every tenant, because CloudTrail signs every account's digests in a Region with that
/// Region's key pair, so one host-wide setting serves all sources. API keys are kept per Region
/// for <see cref="ApiRefreshPeriod"/> and fetched again sooner when an older time range is needed.
/// </summary>
public sealed class TrailPublicKeySource(IOptions<VigilHostOptions> options, CloudTrailPublicKeyClient? api, TimeProvider clock)
{
    /// <summary>How long keys fetched from the API are used before they are fetched again.</summary>
    public static readonly TimeSpan ApiRefreshPeriod = TimeSpan.FromHours(1);

    private readonly Dictionary<string, CachedKeys> byRegion = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>
    /// Returns the keys for validating the digests among <paramref name="digestKeys"/> that end at or
    /// after <paramref name="startTime"/> (all of them when null). Raises <see cref="CloudTrailApiException"/>
    /// when the API call fails, so a check never runs with keys missing for a Region.
    /// </summary>
    public async Task<PublicKeyList> ForDigestsAsync(IReadOnlyList<string> digestKeys, DateTimeOffset? startTime, CancellationToken cancellationToken)
    {
        var settings = options.Value.Integrity;
        var keys = new List<CloudTrailPublicKey>();
        if (!string.IsNullOrEmpty(settings.PublicKeysFile))
        {
            keys.AddRange(PublicKeyList.Parse(await File.ReadAllBytesAsync(settings.PublicKeysFile, cancellationToken)).Keys);
        }

        if (settings.PublicKeysFromApi && api is not null)
        {
            foreach (var (region, from) in PublicKeyRequests.ForDigests(digestKeys, startTime))
            {
                keys.AddRange(await ForRegionAsync(region, from, cancellationToken));
            }
        }

        return new PublicKeyList(keys);
    }

    private async Task<IReadOnlyList<CloudTrailPublicKey>> ForRegionAsync(string region, DateTimeOffset from, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            if (byRegion.TryGetValue(region, out var cached) && cached.From <= from && now - cached.FetchedAt < ApiRefreshPeriod)
            {
                return cached.Keys;
            }

            var start = cached is not null && cached.From < from ? cached.From : from;
            var list = await api!.ListPublicKeysAsync(region, start, now, cancellationToken);
            byRegion[region] = new CachedKeys(start, now, list.Keys);
            return list.Keys;
        }
        finally
        {
            gate.Release();
        }
    }

    private sealed record CachedKeys(DateTimeOffset From, DateTimeOffset FetchedAt, IReadOnlyList<CloudTrailPublicKey> Keys);
}
