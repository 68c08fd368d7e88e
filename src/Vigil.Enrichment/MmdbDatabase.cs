using System.Net;
using MaxMind.Db;

namespace Vigil.Enrichment;

/// <summary>
/// A MaxMind DB (<c>.mmdb</c>) file read with MaxMind.Db. It reads the fields of the MaxMind and DB-IP
/// ASN, country and city databases: <c>autonomous_system_number</c> and
/// <c>autonomous_system_organization</c>; <c>country.iso_code</c> (else <c>registered_country</c>),
/// <c>country.names.en</c>, <c>city.names.en</c> and <c>location.latitude</c>/<c>longitude</c>.
/// One file may carry both kinds. Thread-safe.
/// </summary>
public sealed class MmdbDatabase : IDisposable
{
    /// <summary>The marker that starts the metadata section of every MaxMind DB file.</summary>
    private static readonly byte[] MetadataMarker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];

    private readonly Reader reader;

    private MmdbDatabase(Reader reader, string path)
    {
        this.reader = reader;
        Path = path;
    }

    public string Path { get; }

    /// <summary>The <c>database_type</c> of the metadata, for example <c>GeoLite2-ASN</c>.</summary>
    public string DatabaseType => reader.Metadata.DatabaseType;

    /// <summary>True when the file ends with a MaxMind DB metadata section (the marker is within its last 128 KiB).</summary>
    public static bool LooksLikeMmdb(string path)
    {
        using var file = File.OpenRead(path);
        var length = (int)Math.Min(file.Length, 128 * 1024);
        file.Seek(-length, SeekOrigin.End);
        var tail = new byte[length];
        file.ReadExactly(tail);
        return tail.AsSpan().LastIndexOf(MetadataMarker) >= 0;
    }

    /// <summary>Opens a MaxMind DB file.</summary>
    /// <exception cref="EnrichmentFileException">The file is missing or is not a valid MaxMind DB file.</exception>
    public static MmdbDatabase Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new EnrichmentFileException($"The MaxMind DB file '{path}' was not found.");
        }

        try
        {
            return new MmdbDatabase(new Reader(path, FileAccessMode.Memory), path);
        }
        catch (Exception exception) when (exception is InvalidDatabaseException or IOException or ArgumentException or InvalidOperationException)
        {
            throw new EnrichmentFileException($"The MaxMind DB file '{path}' cannot be read: {exception.Message}", exception);
        }
    }

    /// <summary>Looks an address up; returns the owner and place it records, either of which may be null.</summary>
    /// <exception cref="EnrichmentFileException">The record of this address cannot be decoded (a damaged file).</exception>
    public (NetworkOwner? Owner, GeoPlace? Place) Find(IPAddress address)
    {
        MmdbRecord? record;
        try
        {
            record = reader.Find<MmdbRecord>(address);
        }
        catch (Exception exception) when (exception is InvalidDatabaseException or DeserializationException)
        {
            throw new EnrichmentFileException($"The MaxMind DB file '{Path}' has a damaged record for {address}: {exception.Message}", exception);
        }

        if (record is null)
        {
            return (null, null);
        }

        NetworkOwner? owner = null;
        if (record.AsNumber is > 0 and <= uint.MaxValue || record.AsOrganization is not null)
        {
            var number = record.AsNumber is > 0 and <= uint.MaxValue ? (uint?)record.AsNumber : null;
            owner = new NetworkOwner(number, Bounded(record.AsOrganization));
        }

        GeoPlace? place = null;
        var country = record.Country?.IsoCode is { Length: 2 } ? record.Country : record.RegisteredCountry;
        if (country?.IsoCode is { Length: 2 } code)
        {
            place = new GeoPlace(
                code.ToUpperInvariant(),
                Bounded(EnglishName(country.Names)),
                Bounded(EnglishName(record.City?.Names)),
                record.Location?.Latitude,
                record.Location?.Longitude);
        }

        return (owner, place);
    }

    public void Dispose() => reader.Dispose();

    private static string? EnglishName(Dictionary<string, string>? names) => names is not null && names.TryGetValue("en", out var name) ? name : null;

    private static string? Bounded(string? text) => text is null || text.Length <= CsvRangeFile.MaxNameLength ? text : text[..CsvRangeFile.MaxNameLength];
}

/// <summary>The fields Vigil reads from a MaxMind DB record.</summary>
internal sealed class MmdbRecord
{
    [Constructor]
    public MmdbRecord(
        [MapKey("autonomous_system_number")] long? asNumber,
        [MapKey("autonomous_system_organization")] string? asOrganization,
        [MapKey("country")] MmdbCountry? country,
        [MapKey("registered_country")] MmdbCountry? registeredCountry,
        [MapKey("city")] MmdbCity? city,
        [MapKey("location")] MmdbLocation? location)
    {
        AsNumber = asNumber;
        AsOrganization = asOrganization;
        Country = country;
        RegisteredCountry = registeredCountry;
        City = city;
        Location = location;
    }

    public long? AsNumber { get; }

    public string? AsOrganization { get; }

    public MmdbCountry? Country { get; }

    public MmdbCountry? RegisteredCountry { get; }

    public MmdbCity? City { get; }

    public MmdbLocation? Location { get; }
}

internal sealed class MmdbCountry
{
    [Constructor]
    public MmdbCountry([MapKey("iso_code")] string? isoCode, [MapKey("names")] Dictionary<string, string>? names)
    {
        IsoCode = isoCode;
        Names = names;
    }

    public string? IsoCode { get; }

    public Dictionary<string, string>? Names { get; }
}

internal sealed class MmdbCity
{
    [Constructor]
    public MmdbCity([MapKey("names")] Dictionary<string, string>? names) => Names = names;

    public Dictionary<string, string>? Names { get; }
}

internal sealed class MmdbLocation
{
    [Constructor]
    public MmdbLocation([MapKey("latitude")] double? latitude, [MapKey("longitude")] double? longitude)
    {
        Latitude = latitude;
        Longitude = longitude;
    }

    public double? Latitude { get; }

    public double? Longitude { get; }
}
