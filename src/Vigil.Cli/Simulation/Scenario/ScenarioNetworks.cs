using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Vigil.Cli.Simulation.Scenario;

/// <summary>
/// An address block of the scenario with the autonomous system and place the scenario's own
/// enrichment files give it. The blocks are arbitrary public IPv4 ranges (the offices use the
/// documentation ranges) and the AS numbers are private-use ones (64512 and up) except AWS's: the
/// logs are only written to files, nothing is ever sent to these addresses.
/// </summary>
internal sealed record ScenarioNetwork(string Name, int Asn, string Organization, string FirstAddress, int PrefixLength, string Country, string City, double Latitude, double Longitude)
{
    private uint First => BinaryPrimitivesV4(FirstAddress);

    private uint Size => 1u << (32 - PrefixLength);

    public string LastAddress => ToText(First + Size - 1);

    public string Cidr => $"{FirstAddress}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Returns a host address of the block, avoiding the network and broadcast addresses.</summary>
    public string Address(Random random) => ToText(First + 1 + (uint)random.NextInt64(0, Math.Max(1, Size - 2)));

    /// <summary>Returns the host address at a fixed offset, so a server or gateway keeps its address.</summary>
    public string Address(int offset) => ToText(First + 1 + (uint)(offset % Math.Max(1, (long)Size - 2)));

    private static uint BinaryPrimitivesV4(string text)
    {
        var bytes = IPAddress.Parse(text).GetAddressBytes();
        return ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
    }

    private static string ToText(uint value) => $"{value >> 24}.{(value >> 16) & 0xFF}.{(value >> 8) & 0xFF}.{value & 0xFF}";
}

/// <summary>The address blocks of the estate scenario and the enrichment files that describe them.</summary>
internal static class ScenarioNetworks
{
    public static readonly ScenarioNetwork LondonOffice = new("london-office", 64600, "Example Corp London", "203.0.113.0", 24, "GB", "London", 51.51, -0.13);
    public static readonly ScenarioNetwork BerlinOffice = new("berlin-office", 64601, "Example Corp Berlin", "192.0.2.0", 24, "DE", "Berlin", 52.52, 13.40);

    public static readonly ScenarioNetwork[] UkHomes =
    [
        new("uk-broadband", 64610, "Example Broadband UK", "81.100.0.0", 16, "GB", "London", 51.50, -0.12),
        new("uk-fibre", 64611, "Example Fibre UK", "86.140.0.0", 16, "GB", "Reading", 51.45, -0.97),
    ];

    public static readonly ScenarioNetwork[] DeHomes =
    [
        new("de-kabel", 64612, "Example Kabel DE", "77.20.0.0", 16, "DE", "Berlin", 52.50, 13.41),
        new("de-telekom", 64613, "Example Telekom DE", "93.200.0.0", 16, "DE", "Potsdam", 52.39, 13.06),
    ];

    public static readonly ScenarioNetwork UkMobile = new("uk-mobile", 64614, "Example Mobile UK", "92.40.0.0", 16, "GB", "London", 51.51, -0.10);
    public static readonly ScenarioNetwork DeMobile = new("de-mobile", 64615, "Example Mobil DE", "109.40.0.0", 16, "DE", "Berlin", 52.53, 13.38);

    /// <summary>Hotel, airport and conference networks that travelling staff work from.</summary>
    public static readonly ScenarioNetwork[] Travel =
    [
        new("fr-hotel", 64620, "Example Hotel WiFi FR", "90.80.0.0", 16, "FR", "Paris", 48.86, 2.35),
        new("es-hotspot", 64621, "Example Hotspot ES", "88.20.0.0", 16, "ES", "Madrid", 40.42, -3.70),
        new("nl-airport", 64622, "Example Airport WiFi NL", "145.10.0.0", 16, "NL", "Amsterdam", 52.31, 4.76),
        new("us-conference", 64623, "Example Conference US", "64.40.0.0", 16, "US", "Las Vegas", 36.17, -115.14),
    ];

    public static readonly ScenarioNetwork CiCloud = new("ci-cloud", 64630, "Example CI Cloud", "66.150.0.0", 16, "US", "Ashburn", 39.04, -77.49);

    /// <summary>Hosting networks the planted attackers use.</summary>
    public static readonly ScenarioNetwork[] Attackers =
    [
        new("vps-nl", 64640, "Example VPS Hosting", "45.140.0.0", 16, "NL", "Amsterdam", 52.37, 4.90),
        new("vps-ru", 64641, "Example Bulletproof Hosting", "194.26.0.0", 16, "RU", "Moscow", 55.76, 37.62),
        new("vps-us", 64642, "Example Cloud VPS", "104.200.0.0", 16, "US", "New York", 40.71, -74.01),
        new("vps-sg", 64643, "Example Asia Hosting", "128.199.0.0", 16, "SG", "Singapore", 1.35, 103.82),
    ];

    /// <summary>EC2 addresses of us-east-1, as listed in the scenario's ip-ranges.json; the estate's NAT gateways are here.</summary>
    public static readonly ScenarioNetwork AwsEc2 = new("aws-ec2", 14618, "AMAZON-AES", "3.80.0.0", 12, "US", "Ashburn", 39.04, -77.49);

    /// <summary>AWS service endpoints (AMAZON), which instances call over HTTPS.</summary>
    public static readonly ScenarioNetwork AwsServices = new("aws-services", 16509, "AMAZON-02", "52.94.0.0", 16, "US", "Ashburn", 39.04, -77.49);

    public static readonly ScenarioNetwork Payments = new("payments", 64650, "Example Payments", "199.100.0.0", 16, "US", "San Francisco", 37.77, -122.42);
    public static readonly ScenarioNetwork Monitoring = new("monitoring", 64651, "Example Monitoring SaaS", "162.200.0.0", 16, "US", "Boston", 42.36, -71.06);
    public static readonly ScenarioNetwork ContentDelivery = new("cdn", 64652, "Example CDN", "151.100.0.0", 16, "US", "Dallas", 32.78, -96.80);
    public static readonly ScenarioNetwork Mirrors = new("mirrors", 64653, "Example Mirrors", "130.200.0.0", 16, "DE", "Frankfurt", 50.11, 8.68);
    public static readonly ScenarioNetwork Registries = new("registries", 64654, "Example Package Registries", "104.16.0.0", 16, "US", "San Jose", 37.34, -121.89);
    public static readonly ScenarioNetwork GitHosting = new("git", 64655, "Example Git Hosting", "140.82.0.0", 16, "US", "Seattle", 47.61, -122.33);
    public static readonly ScenarioNetwork MailServers = new("mail", 64657, "Example Mail Providers", "74.125.0.0", 16, "US", "Mountain View", 37.39, -122.08);
    public static readonly ScenarioNetwork TimeServers = new("ntp", 64656, "Example NTP Pool", "162.159.0.0", 16, "US", "Chicago", 41.88, -87.63);

    /// <summary>Internet scanners that knock on the bastion's ports and are rejected.</summary>
    public static readonly ScenarioNetwork Scanners = new("scanners", 64660, "Example Scanner Hosting", "167.94.0.0", 16, "US", "Ann Arbor", 42.28, -83.74);

    public static IEnumerable<ScenarioNetwork> All =>
    [
        LondonOffice, BerlinOffice, .. UkHomes, .. DeHomes, UkMobile, DeMobile, .. Travel, CiCloud, .. Attackers, AwsEc2, AwsServices,
        Payments, Monitoring, ContentDelivery, Mirrors, Registries, GitHosting, MailServers, TimeServers, Scanners,
    ];

    /// <summary>Writes the ASN file in the DB-IP "IP to ASN Lite" layout.</summary>
    public static void WriteAsnFile(string path)
    {
        var text = new StringBuilder();
        foreach (var network in All.OrderBy(network => network.FirstAddress, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{network.FirstAddress},{network.LastAddress},{network.Asn},{network.Organization}\n");
        }

        File.WriteAllText(path, text.ToString());
    }

    /// <summary>Writes the location file in the DB-IP "IP to City Lite" layout.</summary>
    public static void WriteLocationFile(string path)
    {
        var text = new StringBuilder();
        foreach (var network in All)
        {
            var continent = network.Country switch { "US" => "NA", "SG" => "AS", _ => "EU" };
            text.Append(CultureInfo.InvariantCulture, $"{network.FirstAddress},{network.LastAddress},{continent},{network.Country},,{network.City},{network.Latitude},{network.Longitude}\n");
        }

        File.WriteAllText(path, text.ToString());
    }

    /// <summary>Writes an ip-ranges.json in AWS's published format with the two AWS blocks of the scenario.</summary>
    public static void WriteAwsRanges(string path)
    {
        var prefixes = new JsonArray(
            Prefix(AwsEc2.Cidr, "AMAZON"),
            Prefix(AwsEc2.Cidr, "EC2"),
            Prefix(AwsServices.Cidr, "AMAZON"));
        var document = new JsonObject
        {
            ["syncToken"] = "1700000000",
            ["createDate"] = "2023-11-14-22-13-20",
            ["prefixes"] = prefixes,
            ["ipv6_prefixes"] = new JsonArray(),
        };
        File.WriteAllText(path, document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");

        static JsonObject Prefix(string cidr, string service) => new()
        {
            ["ip_prefix"] = cidr,
            ["region"] = "us-east-1",
            ["service"] = service,
            ["network_border_group"] = "us-east-1",
        };
    }
}
