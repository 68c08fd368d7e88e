using System.Collections.Concurrent;
using System.Net;
using Vigil.Contracts.Events;
using Vigil.Detection.Detectors;
using Vigil.Enrichment;

namespace Vigil.Detection.Profiles;

/// <summary>Turns a CloudTrail event and its enriched source address into the features profiles count.</summary>
public static class ProfileFeatures
{
    /// <summary>Longest feature value kept, in characters; longer log values are cut, so a forged value cannot grow a profile.</summary>
    public const int MaxValueLength = 128;

    private const int MaxUserAgentFamilyLength = 48;

    /// <summary>Returns the features of an event. The country is left out when <paramref name="enrichment"/> has no place.</summary>
    public static ProfileObservation Of(CloudTrailEvent record, in IpEnrichment enrichment)
    {
        var api = ApiOf(record);
        var network = Bound(enrichment.NetworkKey);
        var instanceCredentials = IsInstanceCredential(record.UserIdentity);
        var bucket = S3Events.IsDataEvent(record) ? S3Events.BucketName(record) : null;
        var endpointAccount = instanceCredentials ? JsonFields.TopLevelText(record.RawJson, "vpcEndpointAccountId") : null;
        return new ProfileObservation(
            api,
            network,
            enrichment.Place?.CountryCode,
            UserAgentFamily(record.UserAgent),
            BoundOrNull(record.UserIdentity?.Type),
            BoundOrNull(bucket),
            instanceCredentials ? InstanceSourceKey(record.SourceIpAddress, enrichment, network) : null,
            BoundOrNull(endpointAccount));
    }

    /// <summary>Prefix of an <see cref="ProfileDimension.InstanceSource"/> value that is one public AWS address.</summary>
    public const string AwsAddressPrefix = "aws:";

    /// <summary>
    /// Returns the source key of a call made with instance credentials. For a public address inside
    /// AWS this is <c>aws:</c> and the address, because the AWS network is shared by every AWS
    /// customer: only the address separates the estate's own NAT gateway or instance from
    /// another account's instance. Any other source keeps its network key.
    /// </summary>
    public static string InstanceSourceKey(string? sourceIpAddress, in IpEnrichment enrichment, string network) =>
        enrichment is { Scope: IpAddressScope.Public or IpAddressScope.Documentation, Aws: not null } && IPAddress.TryParse(sourceIpAddress, out var address)
            ? AwsAddressPrefix + (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)
            : network;

    /// <summary>True for an instance source key that is one public AWS address (see <see cref="InstanceSourceKey"/>).</summary>
    public static bool IsAwsAddressSource(string? key) => key is not null && key.StartsWith(AwsAddressPrefix, StringComparison.Ordinal);

    /// <summary>Returns the API as <c>service:EventName</c>, the service being the event source without <c>.amazonaws.com</c>.</summary>
    public static string? ApiOf(CloudTrailEvent record)
    {
        if (string.IsNullOrEmpty(record.EventName))
        {
            return null;
        }

        var source = record.EventSource ?? "unknown";
        if (source.EndsWith(".amazonaws.com", StringComparison.Ordinal))
        {
            source = source[..^".amazonaws.com".Length];
        }

        return Bound(source + ":" + record.EventName);
    }

    /// <summary>
    /// True for a session of EC2 instance credentials: an assumed role whose session name is the
    /// instance id (<c>i-</c> and 8 or 17 hex digits), which is how EC2 names the sessions it creates
    /// for instance profiles.
    /// </summary>
    public static bool IsInstanceCredential(UserIdentity? identity)
    {
        if (identity is not { Type: "AssumedRole", PrincipalId: { } principalId })
        {
            return false;
        }

        var colon = principalId.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        var session = principalId.AsSpan(colon + 1);
        if (!session.StartsWith("i-", StringComparison.Ordinal) || (session.Length != 10 && session.Length != 19))
        {
            return false;
        }

        foreach (var character in session[2..])
        {
            if (!char.IsAsciiHexDigitLower(character))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Returns the family of a user agent without versions, so an upgrade is not new behaviour: the
    /// first product name, lower case, with characters other than letters, digits, '.', '-' and '_'
    /// dropped (<c>aws-cli/2.15.0 Python/3.11</c> is <c>aws-cli</c>, <c>[Boto3/1.34.0 ...]</c> is
    /// <c>boto3</c>); <c>browser</c> for web browsers; <c>(none)</c> when there is none.
    /// </summary>
    public static string UserAgentFamily(string? userAgent) =>
        userAgent is null ? FamilyOf(null) : (families ??= new()).Get(userAgent, FamilyOf);

    [ThreadStatic]
    private static ReferenceMemo<string>? families;

    private static string FamilyOf(string? userAgent)
    {
        var text = userAgent.AsSpan().TrimStart(" [\"'".AsSpan());
        if (text.StartsWith("Mozilla/", StringComparison.OrdinalIgnoreCase))
        {
            return "browser";
        }

        Span<char> family = stackalloc char[MaxUserAgentFamilyLength];
        var length = 0;
        foreach (var character in text)
        {
            if (character is '/' or ' ' or ';' or '(' or ',' or ']')
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(character) || character is '.' or '-' or '_')
            {
                family[length++] = char.ToLowerInvariant(character);
                if (length == MaxUserAgentFamilyLength)
                {
                    break;
                }
            }
        }

        return length == 0 ? "(none)" : UserAgentFamilies.Get(family[..length]);
    }

    /// <summary>
    /// The user agent families made so far, so that the few families of an estate are not made as new
    /// strings for every event. At most <see cref="MaxCachedUserAgentFamilies"/> are kept, and a family
    /// beyond that is made anew each time.
    /// </summary>
    private static class UserAgentFamilies
    {
        private static readonly ConcurrentDictionary<string, string> Families = new(StringComparer.Ordinal);
        private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> BySpan = Families.GetAlternateLookup<ReadOnlySpan<char>>();

        // Counted here because ConcurrentDictionary.Count takes every lock of the dictionary.
        private static int cached;

        public static string Get(ReadOnlySpan<char> family)
        {
            if (BySpan.TryGetValue(family, out var known))
            {
                return known;
            }

            var text = family.ToString();
            if (Volatile.Read(ref cached) < MaxCachedUserAgentFamilies && Families.TryAdd(text, text))
            {
                Interlocked.Increment(ref cached);
            }

            return text;
        }
    }

    private const int MaxCachedUserAgentFamilies = 4_096;

    private static string Bound(string value) => value.Length <= MaxValueLength ? value : value[..MaxValueLength];

    private static string? BoundOrNull(string? value) => value is null ? null : Bound(value);
}
