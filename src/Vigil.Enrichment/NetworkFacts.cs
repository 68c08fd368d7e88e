namespace Vigil.Enrichment;

/// <summary>The autonomous system that announces a network, as an ASN database records it.</summary>
/// <param name="Number">The autonomous system number; null when the database names only the organisation.</param>
/// <param name="Organization">The organisation that owns the autonomous system; null when the database has none.</param>
public sealed record NetworkOwner(uint? Number, string? Organization)
{
    /// <summary>Returns the profile key: <c>AS</c> and the number, or <c>org:</c> and the organisation when there is no number.</summary>
    public string Key { get; } = Number is { } number ? "AS" + number.ToString(System.Globalization.CultureInfo.InvariantCulture) : "org:" + Organization;
}

/// <summary>Where a network is, as a location database records it.</summary>
/// <param name="CountryCode">ISO 3166-1 alpha-2 code, upper case.</param>
/// <param name="CountryName">English country name, when the database has one.</param>
/// <param name="City">English city name, when the database has one.</param>
/// <param name="Latitude">Approximate latitude in degrees, when the database has one.</param>
/// <param name="Longitude">Approximate longitude in degrees, when the database has one.</param>
public sealed record GeoPlace(string CountryCode, string? CountryName, string? City, double? Latitude, double? Longitude)
{
    /// <summary>True when the place has coordinates, so distances to it can be measured.</summary>
    public bool HasCoordinates => Latitude is not null && Longitude is not null;
}

/// <summary>An AWS address range from <c>ip-ranges.json</c>.</summary>
/// <param name="Prefix">The range as CIDR text, for example <c>3.5.140.0/22</c>.</param>
/// <param name="Region">The AWS region, or <c>GLOBAL</c>.</param>
/// <param name="Service">
/// The most specific service named for the range, for example <c>EC2</c>. A range listed only under
/// <c>AMAZON</c> keeps that name.
/// </param>
public sealed record AwsNetwork(string Prefix, string Region, string Service);
