using System.Collections.Concurrent;
using System.Net;

namespace Vigil.Enrichment;

/// <summary>The enrichment files to load; every one is optional.</summary>
public sealed class EnrichmentSettings
{
    /// <summary>ASN database: a MaxMind DB file or a CSV range file (see <see cref="CsvRangeLayout"/>).</summary>
    public string? AsnFile { get; set; }

    /// <summary>Country or city database: a MaxMind DB file or a CSV range file. May be the same file as <see cref="AsnFile"/>.</summary>
    public string? LocationFile { get; set; }

    /// <summary>AWS's <c>ip-ranges.json</c>.</summary>
    public string? AwsIpRangesFile { get; set; }
}

/// <summary>
/// Enriches source addresses with their autonomous system, location and AWS range. Private and
/// reserved addresses are never looked up. Without an ASN database the /24 (IPv4) or /48 (IPv6)
/// network stands in for the autonomous system in <see cref="IpEnrichment.NetworkKey"/>, and
/// <see cref="HasLocationDatabase"/> tells location-based detections that they are disabled.
/// Thread-safe; results are cached per source text, so a repeated caller costs one dictionary lookup.
/// </summary>
public sealed class IpEnricher : IDisposable
{
    /// <summary>Most source texts cached; the cache is emptied when it grows past this.</summary>
    public const int MaxCachedSources = 65_536;

    /// <summary>Longest non-address source text kept in a network key, in characters.</summary>
    private const int MaxServiceNameLength = 64;

    private readonly Func<IPAddress, NetworkOwner?>? findOwner;
    private readonly Func<IPAddress, GeoPlace?>? findPlace;
    private readonly AwsIpRanges? aws;
    private readonly IReadOnlyList<IDisposable> resources;
    private readonly ConcurrentDictionary<string, IpEnrichment> cache = new(StringComparer.Ordinal);

    private IpEnricher(Func<IPAddress, NetworkOwner?>? findOwner, Func<IPAddress, GeoPlace?>? findPlace, AwsIpRanges? aws, IReadOnlyList<IDisposable> resources, string description)
    {
        this.findOwner = findOwner;
        this.findPlace = findPlace;
        this.aws = aws;
        this.resources = resources;
        Description = description;
    }

    /// <summary>An enricher without databases: network stand-ins only.</summary>
    public static IpEnricher None { get; } = new(
        null,
        null,
        null,
        [],
        "no enrichment files: the /24 or /48 network stands in for the ASN, and the location-based and instance credential exfiltration detections are disabled");

    public bool HasAsnDatabase => findOwner is not null;

    public bool HasLocationDatabase => findPlace is not null;

    public bool HasAwsRanges => aws is not null;

    /// <summary>What was loaded, for the start-up log.</summary>
    public string Description { get; }

    /// <summary>
    /// Loads the configured files. A file that cannot be used at all raises; rows or entries that
    /// cannot be read are added to <paramref name="errors"/> (the first 100 of each file) and skipped.
    /// </summary>
    /// <exception cref="EnrichmentFileException">A configured file is missing or unusable.</exception>
    public static IpEnricher Load(EnrichmentSettings settings, IList<EnrichmentError> errors)
    {
        var resources = new List<IDisposable>();
        try
        {
            var parts = new List<string>();
            MmdbDatabase? OpenMmdb(string path)
            {
                var existing = resources.OfType<MmdbDatabase>().FirstOrDefault(database => database.Path == path);
                if (existing is not null)
                {
                    return existing;
                }

                if (!File.Exists(path))
                {
                    throw new EnrichmentFileException($"The enrichment file '{path}' was not found.");
                }

                if (!MmdbDatabase.LooksLikeMmdb(path))
                {
                    return null;
                }

                var database = MmdbDatabase.Open(path);
                resources.Add(database);
                return database;
            }

            Func<IPAddress, NetworkOwner?>? owners = null;
            if (!string.IsNullOrWhiteSpace(settings.AsnFile))
            {
                if (OpenMmdb(settings.AsnFile) is { } database)
                {
                    owners = address => database.Find(address).Owner;
                    parts.Add($"ASN database {settings.AsnFile} (MaxMind DB, {database.DatabaseType})");
                }
                else
                {
                    var collector = new EnrichmentErrorCollector(settings.AsnFile);
                    var table = CsvRangeFile.LoadOwners(settings.AsnFile, collector);
                    AddAll(errors, collector);
                    owners = address => Find(table, address);
                    parts.Add($"ASN database {settings.AsnFile} (CSV, {table.Count} ranges, {collector.Count} rows skipped)");
                }
            }

            Func<IPAddress, GeoPlace?>? places = null;
            if (!string.IsNullOrWhiteSpace(settings.LocationFile))
            {
                if (OpenMmdb(settings.LocationFile) is { } database)
                {
                    places = address => database.Find(address).Place;
                    parts.Add($"location database {settings.LocationFile} (MaxMind DB, {database.DatabaseType})");
                }
                else
                {
                    var collector = new EnrichmentErrorCollector(settings.LocationFile);
                    var table = CsvRangeFile.LoadPlaces(settings.LocationFile, collector);
                    AddAll(errors, collector);
                    places = address => Find(table, address);
                    parts.Add($"location database {settings.LocationFile} (CSV, {table.Count} ranges, {collector.Count} rows skipped)");
                }
            }
            else
            {
                parts.Add("no location database: location-based detections are disabled");
            }

            if (owners is null)
            {
                parts.Add("no ASN database: the /24 or /48 network stands in for the ASN");
            }

            AwsIpRanges? aws = null;
            if (!string.IsNullOrWhiteSpace(settings.AwsIpRangesFile))
            {
                aws = AwsIpRanges.Load(settings.AwsIpRangesFile, errors);
                parts.Add($"AWS ranges {settings.AwsIpRangesFile} ({aws.Count} prefixes, sync token {aws.SyncToken ?? "none"})");
            }
            else
            {
                parts.Add("no AWS ranges: the instance credential exfiltration detections are disabled");
            }

            return new IpEnricher(owners, places, aws, resources, string.Join("; ", parts));
        }
        catch
        {
            foreach (var resource in resources)
            {
                resource.Dispose();
            }

            throw;
        }
    }

    /// <summary>Enriches a CloudTrail <c>sourceIPAddress</c>: an address, or the name of the AWS service that made the call.</summary>
    public IpEnrichment Enrich(string? source)
    {
        if (string.IsNullOrEmpty(source))
        {
            return new IpEnrichment(IpAddressScope.NotAnAddress, null, null, null, "service:(none)");
        }

        if (cache.TryGetValue(source, out var cached))
        {
            return cached;
        }

        var result = IPAddress.TryParse(source, out var address)
            ? Enrich(address)
            : new IpEnrichment(IpAddressScope.NotAnAddress, null, null, null, ServiceKey(source));
        if (cache.Count >= MaxCachedSources)
        {
            cache.Clear();
        }

        cache.TryAdd(source, result);
        return result;
    }

    /// <summary>Enriches an address. Private and reserved addresses get only their scope and the key <c>private</c>.</summary>
    public IpEnrichment Enrich(IPAddress address)
    {
        address = IpBits.Unmap(address);
        var scope = IpAddressScopes.Classify(address);
        if (scope == IpAddressScope.Private)
        {
            return new IpEnrichment(scope, null, null, null, "private");
        }

        var owner = findOwner?.Invoke(address);
        var place = findPlace?.Invoke(address);
        var range = aws?.Find(address);
        return new IpEnrichment(scope, owner, place, range, owner?.Key ?? StandInKey(address));
    }

    /// <summary>Returns the network that stands in for an unknown autonomous system: <c>net:</c> and the /24 (IPv4) or /48 (IPv6) network.</summary>
    public static string StandInKey(IPAddress address)
    {
        address = IpBits.Unmap(address);
        return IpBits.IsV4(address)
            ? $"net:{IpBits.ToAddress(IpBits.MaskV4(IpBits.V4(address), 24))}/24"
            : $"net:{IpBits.ToAddress(IpBits.MaskV6(IpBits.V6(address), 48))}/48";
    }

    public void Dispose()
    {
        foreach (var resource in resources)
        {
            resource.Dispose();
        }
    }

    private static NetworkOwner? Find(RangeTable<NetworkOwner> table, IPAddress address) =>
        IpBits.IsV4(address) ? table.Find(IpBits.V4(address)) : table.Find(IpBits.V6(address));

    private static GeoPlace? Find(RangeTable<GeoPlace> table, IPAddress address) =>
        IpBits.IsV4(address) ? table.Find(IpBits.V4(address)) : table.Find(IpBits.V6(address));

    private static string ServiceKey(string source)
    {
        var text = source.Length <= MaxServiceNameLength ? source : source[..MaxServiceNameLength];
        return "service:" + text.ToLowerInvariant();
    }

    private static void AddAll(IList<EnrichmentError> errors, EnrichmentErrorCollector collector)
    {
        foreach (var error in collector.Kept)
        {
            errors.Add(error);
        }

        if (collector.Count > collector.Kept.Count)
        {
            errors.Add(new EnrichmentError(collector.File, "(rest of file)", $"{collector.Count - collector.Kept.Count} more rows were skipped for errors like the ones above"));
        }
    }
}
