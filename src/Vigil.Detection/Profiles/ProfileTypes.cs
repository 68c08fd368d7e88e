namespace Vigil.Detection.Profiles;

/// <summary>
/// How often a value occurs in a profile, in GuardDuty's classes: frequent (on 4 or more days a month,
/// daily to weekly), infrequent (1 to 4 days a month), rare (less than one day a month) and unseen
/// (never, or faded below <see cref="ProfileOptions.ForgetWeight"/>).
/// </summary>
public enum FrequencyClass
{
    Unseen,
    Rare,
    Infrequent,
    Frequent,
}

/// <summary>A feature of an event that profiles count, alone or combined with another.</summary>
public enum ProfileDimension : byte
{
    /// <summary>The API as <c>service:EventName</c>, for example <c>iam:ListUsers</c>.</summary>
    Api = 0,

    /// <summary>The caller's network: the ASN key, or the /24 or /48 network used in its place.</summary>
    Network = 1,

    /// <summary>The caller's country (ISO code); empty without a location database.</summary>
    Country = 2,

    /// <summary>The user agent family, such as <c>aws-cli</c>, <c>boto3</c> or <c>browser</c>, without versions.</summary>
    UserAgent = 3,

    /// <summary>The <c>userIdentity.type</c>, such as IAMUser or AssumedRole.</summary>
    UserType = 4,

    /// <summary>The API and the network together, kept as a hash (see <see cref="ProfileObservation.CombinationKey"/>).</summary>
    ApiNetwork = 5,

    /// <summary>The network and the user agent family together, kept as a hash.</summary>
    NetworkUserAgent = 6,

    /// <summary>The S3 bucket of an S3 data event.</summary>
    Bucket = 7,

    /// <summary>The network of calls made with EC2 instance credentials: the expected remote sources of the role.</summary>
    InstanceSource = 8,

    /// <summary>The account that owns the VPC endpoint of calls made with EC2 instance credentials.</summary>
    InstanceEndpointAccount = 9,
}

/// <summary>The profile features of one event; a null feature is not counted.</summary>
public readonly record struct ProfileObservation(
    string? Api,
    string? Network,
    string? Country,
    string? UserAgent,
    string? UserType,
    string? Bucket = null,
    string? InstanceSource = null,
    string? InstanceEndpointAccount = null)
{
    /// <summary>The dimensions an observation can carry, in the order they are counted.</summary>
    public static IReadOnlyList<ProfileDimension> Dimensions { get; } = Enum.GetValues<ProfileDimension>();

    /// <summary>Returns the value of a dimension, or null when the event has none.</summary>
    public string? KeyOf(ProfileDimension dimension) => dimension switch
    {
        ProfileDimension.Api => Api,
        ProfileDimension.Network => Network,
        ProfileDimension.Country => Country,
        ProfileDimension.UserAgent => UserAgent,
        ProfileDimension.UserType => UserType,
        ProfileDimension.ApiNetwork => Api is null || Network is null ? null : CombinationKey(Api, Network),
        ProfileDimension.NetworkUserAgent => Network is null || UserAgent is null ? null : CombinationKey(Network, UserAgent),
        ProfileDimension.Bucket => Bucket,
        ProfileDimension.InstanceSource => InstanceSource,
        ProfileDimension.InstanceEndpointAccount => InstanceEndpointAccount,
        _ => null,
    };

    /// <summary>
    /// Returns the key of two values together: <c>#</c> and the first 16 hex digits of the SHA-256 of
    /// both, the first prefixed with its length so no two pairs hash the same text. Pairs are only
    /// counted and compared, never shown, so a hash keeps them small, and a cryptographic one keeps log
    /// writers from forging a pair that collides with a known one.
    /// </summary>
    public static string CombinationKey(string first, string second)
    {
        if (CombinationCache.TryGetValue((first, second), out var cached))
        {
            return cached;
        }

        var key = HashPair(first, second);
        if (CombinationCache.Count >= MaxCachedCombinations)
        {
            CombinationCache.Clear();
        }

        CombinationCache.TryAdd((first, second), key);
        return key;
    }

    /// <summary>Most pairs whose keys are cached, so a repeated pair costs one lookup instead of a hash; the cache is emptied when full.</summary>
    private const int MaxCachedCombinations = 65_536;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), string> CombinationCache = new();

    private static string HashPair(string first, string second)
    {
        var text = string.Concat(first.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ":", first, second);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(bytes, hash);
        return "#" + Convert.ToHexStringLower(hash[..8]);
    }
}

/// <summary>A value of a profile with its class, for the baseline shown in a finding.</summary>
public readonly record struct ProfiledValue(string Value, FrequencyClass Class);
