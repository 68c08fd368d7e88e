using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace Vigil.Cli.Simulation;

/// <summary>
/// Writes VPC flow logs (text, default version 2 format with its header line) and Route 53
/// Resolver query logs for <see cref="DemoEstate"/>, one gzip file per hour, with routine traffic
/// and planted contact with the demo threat list: an instance calling out to a listed address,
/// rejected SSH attempts from one, and DNS queries for a listed domain.
/// </summary>
internal sealed class DemoNetworkSimulator(int seed, DateTimeOffset start, int days)
{
    private const string FlowHeader = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

    private static readonly string[] Interfaces = ["eni-0a1b2c3d4e5f60001", "eni-0a1b2c3d4e5f60002", "eni-0a1b2c3d4e5f60003"];
    private static readonly string[] PrivateAddresses = ["10.0.1.15", "10.0.1.16", "10.0.2.20"];
    private static readonly string[] Instances = ["i-0a1b2c3d4e5f60001", "i-0a1b2c3d4e5f60002", "i-0a1b2c3d4e5f60003"];
    private static readonly string[] RoutineDomains = ["s3.us-east-1.amazonaws.com.", "sts.amazonaws.com.", "api.example.com.", "updates.example.org.", "time.example.net."];

    private readonly Random random = new(seed);

    /// <summary>Writes the files below <paramref name="logRoot"/>; returns the number of files and records.</summary>
    public (int Files, int Records) Write(string logRoot)
    {
        var hours = days * 24;
        var plantedHour = hours * 2 / 3;
        var files = 0;
        var records = 0;
        for (var hour = 0; hour < hours; hour++)
        {
            var hourStart = start + TimeSpan.FromHours(hour);
            records += WriteFlowFile(logRoot, hourStart, planted: hour == plantedHour);
            records += WriteQueryFile(logRoot, hourStart, planted: hour == plantedHour);
            files += 2;
        }

        return (files, records);
    }

    private int WriteFlowFile(string logRoot, DateTimeOffset hourStart, bool planted)
    {
        var lines = new List<string> { FlowHeader };
        for (var i = 0; i < 30; i++)
        {
            var index = random.Next(Interfaces.Length);
            var begin = hourStart.ToUnixTimeSeconds() + random.Next(0, 3540);
            lines.Add(Flow(Interfaces[index], PrivateAddresses[index], DemoEstate.OfficeAddresses[random.Next(DemoEstate.OfficeAddresses.Length)], random.Next(32768, 60999), 443, begin, "ACCEPT"));
        }

        lines.Add($"2 {DemoEstate.AccountId} {Interfaces[2]} - - - - - - - {hourStart.ToUnixTimeSeconds()} {hourStart.ToUnixTimeSeconds() + 60} - NODATA");
        if (planted)
        {
            var begin = hourStart.ToUnixTimeSeconds() + 600;
            lines.Add(Flow(Interfaces[0], PrivateAddresses[0], DemoEstate.ThreatListedAddress, 49152, 4444, begin, "ACCEPT"));
            lines.Add(Flow(Interfaces[0], PrivateAddresses[0], DemoEstate.ThreatListedAddress, 49153, 4444, begin + 300, "ACCEPT"));
            for (var attempt = 0; attempt < 3; attempt++)
            {
                lines.Add(string.Join(' ', "2", DemoEstate.AccountId, Interfaces[1], "198.51.100.66", PrivateAddresses[1], (51000 + attempt).ToString(CultureInfo.InvariantCulture), "22", "6", "3", "180",
                    (begin + (attempt * 20)).ToString(CultureInfo.InvariantCulture), (begin + (attempt * 20) + 60).ToString(CultureInfo.InvariantCulture), "REJECT", "OK"));
            }
        }

        var folder = DatedFolder(Path.Combine(logRoot, "AWSLogs", DemoEstate.AccountId, "vpcflowlogs", DemoEstate.Region), hourStart);
        var name = $"{DemoEstate.AccountId}_vpcflowlogs_{DemoEstate.Region}_fl-0a1b2c3d4e5f6demo_{hourStart.UtcDateTime:yyyyMMdd'T'HHmm'Z'}_{Suffix()}.log.gz";
        WriteGzip(Path.Combine(folder, name), string.Join('\n', lines) + "\n");
        return lines.Count - 1;
    }

    private int WriteQueryFile(string logRoot, DateTimeOffset hourStart, bool planted)
    {
        var lines = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var index = random.Next(Instances.Length);
            lines.Add(Query(hourStart + TimeSpan.FromSeconds(random.Next(0, 3600)), RoutineDomains[random.Next(RoutineDomains.Length)], index));
        }

        if (planted)
        {
            lines.Add(Query(hourStart + TimeSpan.FromMinutes(9), "c2.bad.example.net.", 0));
            lines.Add(Query(hourStart + TimeSpan.FromMinutes(14), "C2.BAD.example.net.", 0));
        }

        var folder = DatedFolder(Path.Combine(logRoot, "AWSLogs", DemoEstate.AccountId, "vpcdnsquerylogs", "vpc-0a1b2c3d4e5f6demo"), hourStart);
        var name = $"vpc-0a1b2c3d4e5f6demo_vpcdnsquerylogs_{DemoEstate.AccountId}_{hourStart.UtcDateTime:yyyyMMdd'T'HHmm'Z'}_{Suffix()}.log.gz";
        WriteGzip(Path.Combine(folder, name), string.Join('\n', lines) + "\n");
        return lines.Count;
    }

    private string Flow(string networkInterface, string local, string remote, int localPort, int remotePort, long begin, string action)
    {
        var packets = random.Next(4, 200);
        return string.Join(' ', "2", DemoEstate.AccountId, networkInterface, local, remote,
            localPort.ToString(CultureInfo.InvariantCulture), remotePort.ToString(CultureInfo.InvariantCulture), "6",
            packets.ToString(CultureInfo.InvariantCulture), (packets * random.Next(60, 1400)).ToString(CultureInfo.InvariantCulture),
            begin.ToString(CultureInfo.InvariantCulture), (begin + 60).ToString(CultureInfo.InvariantCulture), action, "OK");
    }

    private static string Query(DateTimeOffset time, string name, int instance) => new JsonObject
    {
        ["version"] = "1.100000",
        ["account_id"] = DemoEstate.AccountId,
        ["region"] = DemoEstate.Region,
        ["vpc_id"] = "vpc-0a1b2c3d4e5f6demo",
        ["query_timestamp"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["query_name"] = name,
        ["query_type"] = "A",
        ["query_class"] = "IN",
        ["rcode"] = "NOERROR",
        ["answers"] = new JsonArray(new JsonObject { ["Rdata"] = "192.0.2.80", ["Type"] = "A", ["Class"] = "IN" }),
        ["srcaddr"] = PrivateAddresses[instance],
        ["srcport"] = "53211",
        ["transport"] = "UDP",
        ["srcids"] = new JsonObject { ["instance"] = Instances[instance] },
    }.ToJsonString();

    private static string DatedFolder(string root, DateTimeOffset time)
    {
        var folder = Path.Combine(root, time.ToString("yyyy", CultureInfo.InvariantCulture), time.ToString("MM", CultureInfo.InvariantCulture), time.ToString("dd", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static void WriteGzip(string path, string text)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(text));
    }

    private string Suffix() => random.Next(0x10000000, int.MaxValue).ToString("x8", CultureInfo.InvariantCulture);
}
