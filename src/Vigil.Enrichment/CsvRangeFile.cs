using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using CsvHelper;

namespace Vigil.Enrichment;

/// <summary>The column layout of a CSV range file, recognised from its first row.</summary>
public enum CsvRangeLayout
{
    /// <summary>DB-IP "IP to ASN Lite": <c>start_ip,end_ip,as_number,as_organization</c>, no header.</summary>
    DbIpAsn,

    /// <summary>iptoasn.com <c>ip2asn-*.tsv</c>: <c>range_start TAB range_end TAB as_number TAB country_code TAB as_description</c>; AS 0 marks unrouted space.</summary>
    IpToAsnTsv,

    /// <summary>MaxMind GeoLite2 ASN CSV: header <c>network,autonomous_system_number,autonomous_system_organization</c>.</summary>
    GeoLite2AsnCsv,

    /// <summary>IP2Location LITE ASN: <c>ip_from,ip_to,cidr,asn,as</c> with decimal address numbers, no header.</summary>
    Ip2LocationAsn,

    /// <summary>DB-IP "IP to Country Lite": <c>start_ip,end_ip,country_code</c>, no header.</summary>
    DbIpCountry,

    /// <summary>DB-IP "IP to City Lite": <c>start_ip,end_ip,continent,country,stateprov,city,latitude,longitude</c>, no header.</summary>
    DbIpCity,

    /// <summary>IP2Location LITE DB1: <c>ip_from,ip_to,country_code,country_name</c> with decimal address numbers.</summary>
    Ip2LocationCountry,

    /// <summary>IP2Location LITE DB3: <c>ip_from,ip_to,country_code,country_name,region_name,city_name</c>.</summary>
    Ip2LocationCityDb3,

    /// <summary>IP2Location LITE DB5: DB3 followed by <c>latitude,longitude</c>.</summary>
    Ip2LocationCityDb5,
}

/// <summary>
/// Reads IP range files in the common free CSV layouts (see <see cref="CsvRangeLayout"/>) into range
/// tables. The layout is recognised from the first row. A row that cannot be read is reported with its
/// line number and skipped; the other rows are loaded. Lines starting with <c>#</c> are comments.
/// </summary>
public static class CsvRangeFile
{
    /// <summary>Longest organisation, country or city name kept, in characters; longer names are cut.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Largest row read, in bytes; a longer row stops the file with an error, as no layout comes near it.</summary>
    private const int MaxRecordBytes = 64 * 1024;

    private const string AcceptedLayouts =
        "accepted layouts: DB-IP ASN (start,end,asn,organisation), iptoasn.com TSV (start, end, asn, country, description), "
        + "GeoLite2 ASN CSV (header network,autonomous_system_number,autonomous_system_organization), IP2Location LITE ASN "
        + "(from,to,cidr,asn,as), DB-IP country (start,end,country), DB-IP city (start,end,continent,country,region,city,latitude,longitude) "
        + "and IP2Location LITE DB1, DB3 and DB5 (decimal from,to,country_code,country_name[,region,city[,latitude,longitude]])";

    /// <summary>Loads the autonomous systems of an ASN range file.</summary>
    /// <exception cref="EnrichmentFileException">The file is missing, has no recognised layout, has no ASN columns, or has no usable row.</exception>
    internal static RangeTable<NetworkOwner> LoadOwners(string path, EnrichmentErrorCollector errors) =>
        Load(path, errors, "ASN", static (layout, fields, line, errors) => OwnerOf(layout, fields, line, errors));

    /// <summary>Loads the locations of a country or city range file.</summary>
    /// <exception cref="EnrichmentFileException">The file is missing, has no recognised layout, has no country column, or has no usable row.</exception>
    internal static RangeTable<GeoPlace> LoadPlaces(string path, EnrichmentErrorCollector errors) =>
        Load(path, errors, "location", static (layout, fields, line, errors) => PlaceOf(layout, fields, line, errors));

    /// <summary>Returns the layout of a first row, or null when it matches none.</summary>
    public static CsvRangeLayout? Recognise(IReadOnlyList<string> fields, char separator)
    {
        if (fields.Count == 0)
        {
            return null;
        }

        if (separator == '\t')
        {
            return fields.Count == 5 && IsAddress(fields[0]) ? CsvRangeLayout.IpToAsnTsv : null;
        }

        if (string.Equals(fields[0], "network", StringComparison.OrdinalIgnoreCase))
        {
            return fields.Count >= 3 && string.Equals(fields[1], "autonomous_system_number", StringComparison.OrdinalIgnoreCase)
                ? CsvRangeLayout.GeoLite2AsnCsv
                : null;
        }

        if (IsAddress(fields[0]))
        {
            return fields.Count switch
            {
                3 => CsvRangeLayout.DbIpCountry,
                4 => CsvRangeLayout.DbIpAsn,
                8 => CsvRangeLayout.DbIpCity,
                _ => null,
            };
        }

        if (IsDecimal(fields[0]))
        {
            return fields.Count switch
            {
                4 => CsvRangeLayout.Ip2LocationCountry,
                5 when fields[2].Contains('/', StringComparison.Ordinal) || fields[2] == "-" => CsvRangeLayout.Ip2LocationAsn,
                6 => CsvRangeLayout.Ip2LocationCityDb3,
                8 => CsvRangeLayout.Ip2LocationCityDb5,
                _ => null,
            };
        }

        return null;
    }

    private delegate T? RowReader<T>(CsvRangeLayout layout, string[] fields, int line, EnrichmentErrorCollector errors);

    private static RangeTable<T> Load<T>(string path, EnrichmentErrorCollector errors, string role, RowReader<T> readValue)
        where T : class
    {
        if (!File.Exists(path))
        {
            throw new EnrichmentFileException($"The {role} file '{path}' was not found.");
        }

        var separator = DetectSeparator(path);
        var builder = new RangeTable<T>.Builder();
        var interner = new Interner<T>();
        CsvRangeLayout? layout = null;
        using var text = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var options = CsvReaderOptions.Default with
        {
            Separator = separator,
            HasHeader = false,
            AllowLineBreaksInQuotes = false,
            CommentPrefix = '#',
            TrackLineNumbers = true,
            MaxRecordSize = MaxRecordBytes,
            PoolStrings = true,
        };
        using var reader = CsvReader.Create(text, options, leaveOpen: true);
        try
        {
            while (reader.Read())
            {
                var line = (int)reader.LineNumber;
                var fields = ReadFields(reader);
                if (layout is null)
                {
                    layout = Recognise(fields, separator)
                        ?? throw new EnrichmentFileException($"The {role} file '{path}', line {line}: the row of {fields.Length} fields matches no supported layout; {AcceptedLayouts}.");
                    if (!HasColumnsFor<T>(layout.Value))
                    {
                        throw new EnrichmentFileException($"The {role} file '{path}' has the {layout} layout, which has no {role} columns; {AcceptedLayouts}.");
                    }

                    if (layout == CsvRangeLayout.GeoLite2AsnCsv)
                    {
                        continue;
                    }
                }

                if (!TryReadRange(layout.Value, fields, line, errors, out var range))
                {
                    continue;
                }

                var read = readValue(layout.Value, fields, line, errors);
                if (read is null)
                {
                    continue;
                }

                var value = interner.Intern(read);
                if (range.IsV4)
                {
                    builder.Add(range.StartV4, range.EndV4, value, line);
                }
                else
                {
                    builder.Add(range.StartV6, range.EndV6, value, line);
                }
            }
        }
        catch (CsvFormatException exception)
        {
            throw new EnrichmentFileException($"The {role} file '{path}', line {reader.LineNumber}: {exception.Message}", exception);
        }

        var table = builder.Build((line, reason) => errors.AddLine(line, reason));
        if (table.Count == 0)
        {
            var first = errors.Kept.Count > 0 ? $" The first error: {errors.Kept[0]}." : string.Empty;
            throw new EnrichmentFileException($"The {role} file '{path}' contains no usable row.{first}");
        }

        return table;
    }

    private static bool HasColumnsFor<T>(CsvRangeLayout layout) =>
        typeof(T) == typeof(NetworkOwner)
            ? layout is CsvRangeLayout.DbIpAsn or CsvRangeLayout.IpToAsnTsv or CsvRangeLayout.GeoLite2AsnCsv or CsvRangeLayout.Ip2LocationAsn
            : layout is not (CsvRangeLayout.DbIpAsn or CsvRangeLayout.GeoLite2AsnCsv or CsvRangeLayout.Ip2LocationAsn);

    private static NetworkOwner? OwnerOf(CsvRangeLayout layout, string[] fields, int line, EnrichmentErrorCollector errors)
    {
        var (numberText, organization) = layout switch
        {
            CsvRangeLayout.DbIpAsn => (fields[2], fields[3]),
            CsvRangeLayout.IpToAsnTsv => (fields[2], fields[4]),
            CsvRangeLayout.GeoLite2AsnCsv => (fields[1], fields.Length > 2 ? fields[2] : string.Empty),
            CsvRangeLayout.Ip2LocationAsn => (fields[3], fields[4]),
            _ => (string.Empty, string.Empty),
        };

        // iptoasn.com marks unrouted space with AS 0 and IP2Location with "-": no owner, not an error.
        if (numberText is "0" or "-")
        {
            return null;
        }

        var text = numberText.StartsWith("AS", StringComparison.OrdinalIgnoreCase) ? numberText[2..] : numberText;
        if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            errors.AddLine(line, $"the AS number '{Cut(numberText)}' is not a whole number from 1 to 4294967295");
            return null;
        }

        return new NetworkOwner(number, NullIfEmpty(Cut(organization)));
    }

    private static GeoPlace? PlaceOf(CsvRangeLayout layout, string[] fields, int line, EnrichmentErrorCollector errors)
    {
        var (code, country, city, latitude, longitude) = layout switch
        {
            CsvRangeLayout.IpToAsnTsv => (fields[3], null, null, null, null),
            CsvRangeLayout.DbIpCountry => (fields[2], null, null, null, null),
            CsvRangeLayout.DbIpCity => (fields[3], null, fields[5], fields[6], fields[7]),
            CsvRangeLayout.Ip2LocationCountry => (fields[2], fields[3], null, null, null),
            CsvRangeLayout.Ip2LocationCityDb3 => (fields[2], fields[3], fields[5], null, null),
            CsvRangeLayout.Ip2LocationCityDb5 => (fields[2], fields[3], fields[5], fields[6], fields[7]),
            _ => (string.Empty, default(string?), default(string?), default(string?), default(string?)),
        };

        // "-", "ZZ" and "None" are the placeholders of the free files for space with no known country.
        if (code is "-" or "ZZ" or "None" or "")
        {
            return null;
        }

        if (code.Length != 2 || !char.IsAsciiLetter(code[0]) || !char.IsAsciiLetter(code[1]))
        {
            errors.AddLine(line, $"the country code '{Cut(code)}' is not a two-letter ISO 3166 code");
            return null;
        }

        double? lat = null;
        double? lon = null;
        if (latitude is not null && longitude is not null)
        {
            if (!double.TryParse(latitude, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsedLatitude) || parsedLatitude is < -90 or > 90
                || !double.TryParse(longitude, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsedLongitude) || parsedLongitude is < -180 or > 180)
            {
                errors.AddLine(line, $"the coordinates '{Cut(latitude)}', '{Cut(longitude)}' are not a latitude from -90 to 90 and a longitude from -180 to 180");
                return null;
            }

            lat = parsedLatitude;
            lon = parsedLongitude;
        }

        return new GeoPlace(code.ToUpperInvariant(), NullIfEmpty(Cut(country)), NullIfEmpty(Cut(city)), lat, lon);
    }

    private static bool TryReadRange(CsvRangeLayout layout, string[] fields, int line, EnrichmentErrorCollector errors, out AddressRange range)
    {
        range = default;
        if (layout == CsvRangeLayout.GeoLite2AsnCsv)
        {
            if (!TryParseCidr(fields[0], out range))
            {
                errors.AddLine(line, $"the network '{Cut(fields[0])}' is not CIDR text such as 192.0.2.0/24");
                return false;
            }

            return true;
        }

        var expected = layout switch
        {
            CsvRangeLayout.DbIpCountry => 3,
            CsvRangeLayout.DbIpAsn or CsvRangeLayout.Ip2LocationCountry => 4,
            CsvRangeLayout.IpToAsnTsv or CsvRangeLayout.Ip2LocationAsn => 5,
            CsvRangeLayout.Ip2LocationCityDb3 => 6,
            _ => 8,
        };
        if (fields.Length != expected)
        {
            errors.AddLine(line, $"the row has {fields.Length} fields; the {layout} layout of this file has {expected}");
            return false;
        }

        var numeric = layout is CsvRangeLayout.Ip2LocationAsn or CsvRangeLayout.Ip2LocationCountry or CsvRangeLayout.Ip2LocationCityDb3 or CsvRangeLayout.Ip2LocationCityDb5;
        if (!TryParseBound(fields[0], numeric, out var start) || !TryParseBound(fields[1], numeric, out var end))
        {
            var form = numeric ? "a decimal address number" : "an IP address";
            errors.AddLine(line, $"the range '{Cut(fields[0])}' to '{Cut(fields[1])}' is not two addresses, each {form}");
            return false;
        }

        if (start.IsV4 != end.IsV4 || (start.IsV4 ? start.StartV4 > end.StartV4 : start.StartV6 > end.StartV6))
        {
            errors.AddLine(line, $"the range '{Cut(fields[0])}' to '{Cut(fields[1])}' mixes address families or ends before it starts");
            return false;
        }

        range = start.IsV4 ? AddressRange.V4(start.StartV4, end.StartV4) : AddressRange.V6(start.StartV6, end.StartV6);
        return true;
    }

    /// <summary>Parses one end of a range. A decimal number up to 2^32 - 1 is IPv4; a larger one is IPv6, and an IPv4-mapped IPv6 number becomes IPv4.</summary>
    private static bool TryParseBound(string text, bool numeric, out AddressRange bound)
    {
        bound = default;
        if (numeric)
        {
            if (!UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            if (number <= uint.MaxValue)
            {
                bound = AddressRange.V4((uint)number, (uint)number);
            }
            else if ((number >> 32) == 0xFFFF)
            {
                bound = AddressRange.V4((uint)(number & uint.MaxValue), (uint)(number & uint.MaxValue));
            }
            else
            {
                bound = AddressRange.V6(number, number);
            }

            return true;
        }

        if (!TryParseAddress(text, out var address))
        {
            return false;
        }

        address = IpBits.Unmap(address);
        bound = IpBits.IsV4(address) ? AddressRange.V4(IpBits.V4(address), IpBits.V4(address)) : AddressRange.V6(IpBits.V6(address), IpBits.V6(address));
        return true;
    }

    internal static bool TryParseCidr(string text, out AddressRange range)
    {
        range = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0
            || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            if (prefix > 32)
            {
                return false;
            }

            var start = IpBits.MaskV4(IpBits.V4(address), prefix);
            var size = prefix == 0 ? uint.MaxValue : (1u << (32 - prefix)) - 1;
            range = AddressRange.V4(start, start + size);
            return true;
        }

        if (prefix > 128)
        {
            return false;
        }

        var startV6 = IpBits.MaskV6(IpBits.V6(address), prefix);
        var sizeV6 = prefix == 0 ? UInt128.MaxValue : (UInt128.One << (128 - prefix)) - 1;
        range = AddressRange.V6(startV6, startV6 + sizeV6);
        return true;
    }

    private static char DetectSeparator(string path)
    {
        using var text = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var buffer = new char[4096];
        var read = text.ReadBlock(buffer, 0, buffer.Length);
        foreach (var line in new string(buffer, 0, read).Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            return line.Contains('\t', StringComparison.Ordinal) ? '\t' : ',';
        }

        return ',';
    }

    private static string[] ReadFields(CsvReader reader)
    {
        var fields = new string[reader.FieldCount];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = reader.GetString(i).Trim();
        }

        return fields;
    }

    /// <summary>True for IP address text in dotted or colon form. IPAddress.TryParse alone also accepts a bare number such as 3325256704.</summary>
    private static bool IsAddress(string text) => TryParseAddress(text, out _);

    private static bool TryParseAddress(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        return (text.Contains('.', StringComparison.Ordinal) || text.Contains(':', StringComparison.Ordinal)) && IPAddress.TryParse(text, out address);
    }

    private static bool IsDecimal(string text) => text.Length > 0 && BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static string Cut(string? text)
    {
        if (text is null)
        {
            return string.Empty;
        }

        return text.Length <= MaxNameLength ? text : text[..MaxNameLength];
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}

/// <summary>An address range of one family, or a single address when start and end are equal.</summary>
internal readonly record struct AddressRange(bool IsV4, uint StartV4, uint EndV4, UInt128 StartV6, UInt128 EndV6)
{
    public static AddressRange V4(uint start, uint end) => new(true, start, end, default, default);

    public static AddressRange V6(UInt128 start, UInt128 end) => new(false, default, default, start, end);
}

/// <summary>Shares one instance per distinct value while a file loads, so a million ranges of a few thousand owners keep a few thousand objects.</summary>
internal sealed class Interner<T>
    where T : class
{
    private readonly Dictionary<T, T> values = [];

    public T Intern(T value)
    {
        if (values.TryGetValue(value, out var existing))
        {
            return existing;
        }

        values[value] = value;
        return value;
    }
}
