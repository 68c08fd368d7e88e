using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Vigil.Ingestion.Integrity;

namespace Vigil.Cli.Commands;

/// <summary>
/// Fetches the public keys that <c>vigil validate-trail</c> needs with CloudTrail's <c>ListPublicKeys</c>,
/// signed with the credentials of the standard AWS configuration (environment variables, shared
/// credentials and config files, container and instance roles), as the AWS CLI finds them.
/// </summary>
internal static class PublicKeysFromApi
{
    /// <summary>
    /// Returns the keys of every Region in <paramref name="regions"/>, or of every Region that has digests
    /// in the folder at or after <paramref name="startTime"/> when none is given, valid up to
    /// <paramref name="endTime"/>. Returns null after printing why when no credentials or no digests
    /// are found. Raises <see cref="CloudTrailApiException"/> when a call fails.
    /// </summary>
    public static async Task<PublicKeyList?> LoadAsync(
        ITrailObjectStore store, IReadOnlyList<string> regions, Uri? endpoint, DateTimeOffset? startTime, DateTimeOffset endTime, CancellationToken cancellationToken)
    {
        var requests = PublicKeyRequests.ForDigests(await store.ListDigestKeysAsync(cancellationToken), startTime);
        if (regions.Count > 0)
        {
            var from = requests.Count > 0 ? requests.Min(request => request.From) : startTime?.AddHours(-1) ?? endTime.AddDays(-1);
            requests = [.. regions.Distinct(StringComparer.Ordinal).Select(region => (region, from))];
        }

        if (requests.Count == 0)
        {
            Console.Error.WriteLine("error: no digest files in the time range name a Region whose public keys to request; pass --region or --public-keys.");
            return null;
        }

        AwsCredentialValues credentials;
        try
        {
            credentials = await ResolveCredentialsAsync();
        }
        catch (AmazonClientException exception)
        {
            Console.Error.WriteLine($"error: no --public-keys file and no AWS credentials to call ListPublicKeys with ({exception.Message}). " +
                "Configure credentials as for the AWS CLI, or write the keys with 'aws cloudtrail list-public-keys' and pass --public-keys.");
            return null;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var client = new CloudTrailPublicKeyClient(http, _ => ValueTask.FromResult(credentials), TimeProvider.System, endpoint);
        var keys = new List<CloudTrailPublicKey>();
        foreach (var (region, from) in requests)
        {
            var list = await client.ListPublicKeysAsync(region, from, endTime, cancellationToken);
            Console.Error.WriteLine($"note: ListPublicKeys in {region} returned {list.Keys.Count} public keys.");
            keys.AddRange(list.Keys);
        }

        return new PublicKeyList(keys);
    }

    private static async Task<AwsCredentialValues> ResolveCredentialsAsync()
    {
        var credentials = await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync();
        var values = await credentials.GetCredentialsAsync();
        return new AwsCredentialValues(values.AccessKey, values.SecretKey, values.UseToken ? values.Token : null);
    }
}
