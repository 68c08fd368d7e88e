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
/// <see cref="WriteFlowVolume"/> writes an exact number of flow records for benchmarks instead.
/// </summary>
internal sealed class DemoNetworkSimulator(int seed, DateTimeOffset start, int days)
{
    /// <summary>Records of <see cref="AddPlantedFlows"/>: two connections to a listed address and three rejected SSH attempts from one.</summary>
    private const int PlantedFlowsPerRound = 5;

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

        lines.Add(NoData(Interfaces[2], hourStart.ToUnixTimeSeconds()));
        if (planted)
        {
            AddPlantedFlows(lines, hourStart.ToUnixTimeSeconds() + 600);
        }

        WriteFlowFile(logRoot, hourStart, lines);
        return lines.Count - 1;
    }

    /// <summary>
    /// Writes exactly <see cref="FlowVolume.Records"/> flow records below <paramref name="logRoot"/>, in
    /// files of about <see cref="FlowVolume.RecordsPerFile"/> records spread evenly over the simulated days.
    /// Each file has the header line, outbound HTTPS from numbered network interfaces, about one
    /// rejected inbound attempt in 40 records and one NODATA record. The planted contact with the
    /// threat list of <see cref="Write"/> appears once a day. Returns the number of files and records.
    /// </summary>
    public (int Files, int Records) WriteFlowVolume(string logRoot, FlowVolume volume)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(volume.RecordsPerFile, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(volume.Interfaces, 1);
        var files = (int)Math.Ceiling(volume.Records / (double)volume.RecordsPerFile);
        var fileSeconds = (long)TimeSpan.FromDays(days).TotalSeconds / files;
        var interfaces = Enumerable.Range(0, volume.Interfaces).Select(i => $"eni-0b{i:x15}").ToArray();
        var addresses = Enumerable.Range(0, volume.Interfaces).Select(i => $"10.{i / 62500}.{i / 250 % 250}.{(i % 250) + 4}").ToArray();

        // The planted flows go into one file a day, two thirds into the day, like Write's planted hour.
        var plantedFiles = new HashSet<int>();
        var rounds = Math.Min(days, files);
        for (var round = 0; round < rounds; round++)
        {
            var first = (int)((long)round * files / rounds);
            var next = (int)((long)(round + 1) * files / rounds);
            plantedFiles.Add(first + ((next - first) * 2 / 3));
        }

        // Every file has one NODATA record, and the planted files five more.
        var fixedRecords = files + (plantedFiles.Count * PlantedFlowsPerRound);
        var routine = volume.Records - fixedRecords;
        if (routine < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(volume), volume.Records, $"At least {fixedRecords} records are needed for the NODATA and planted records.");
        }

        var records = 0;
        for (var index = 0; index < files; index++)
        {
            var fileStart = start + TimeSpan.FromSeconds(fileSeconds * index);
            var begin = fileStart.ToUnixTimeSeconds();
            var count = (int)(((long)(index + 1) * routine / files) - ((long)index * routine / files));
            var lines = new List<string>(count + 8) { FlowHeader };
            for (var i = 0; i < count; i++)
            {
                var local = random.Next(interfaces.Length);
                var time = begin + random.Next(0, (int)Math.Max(1, fileSeconds - 60));
                lines.Add(random.Next(40) == 0
                    ? InboundReject(interfaces[local], $"203.0.113.{random.Next(100, 200)}", addresses[local], random.Next(1024, 65535), 3389, time)
                    : Flow(interfaces[local], addresses[local], $"192.0.2.{random.Next(1, 255)}", random.Next(32768, 60999), 443, time, "ACCEPT"));
            }

            lines.Add(NoData(interfaces[random.Next(interfaces.Length)], begin));
            if (plantedFiles.Contains(index))
            {
                AddPlantedFlows(lines, begin + Math.Min(600, fileSeconds / 2));
            }

            WriteFlowFile(logRoot, fileStart, lines);
            records += lines.Count - 1;
        }

        return (files, records);
    }

    private void AddPlantedFlows(List<string> lines, long begin)
    {
        lines.Add(Flow(Interfaces[0], PrivateAddresses[0], DemoEstate.ThreatListedAddress, 49152, 4444, begin, "ACCEPT"));
        lines.Add(Flow(Interfaces[0], PrivateAddresses[0], DemoEstate.ThreatListedAddress, 49153, 4444, begin + 300, "ACCEPT"));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            lines.Add(InboundReject(Interfaces[1], "198.51.100.66", PrivateAddresses[1], 51000 + attempt, 22, begin + (attempt * 20)));
        }
    }

    private void WriteFlowFile(string logRoot, DateTimeOffset fileStart, List<string> lines)
    {
        var folder = DatedFolder(Path.Combine(logRoot, "AWSLogs", DemoEstate.AccountId, "vpcflowlogs", DemoEstate.Region), fileStart);
        var name = $"{DemoEstate.AccountId}_vpcflowlogs_{DemoEstate.Region}_fl-0a1b2c3d4e5f6demo_{fileStart.UtcDateTime:yyyyMMdd'T'HHmm'Z'}_{Suffix()}.log.gz";
        WriteGzip(Path.Combine(folder, name), string.Join('\n', lines) + "\n");
    }

    private static string NoData(string networkInterface, long begin) =>
        $"2 {DemoEstate.AccountId} {networkInterface} - - - - - - - {begin} {begin + 60} - NODATA";

    /// <summary>A rejected TCP attempt of three packets from <paramref name="remote"/> to a local port.</summary>
    private static string InboundReject(string networkInterface, string remote, string local, int remotePort, int localPort, long begin) =>
        string.Join(' ', "2", DemoEstate.AccountId, networkInterface, remote, local, remotePort.ToString(CultureInfo.InvariantCulture), localPort.ToString(CultureInfo.InvariantCulture), "6", "3", "180",
            begin.ToString(CultureInfo.InvariantCulture), (begin + 60).ToString(CultureInfo.InvariantCulture), "REJECT", "OK");

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

/// <summary>The size of a benchmark corpus's flow log part: records in total, average records per file, and distinct network interfaces.</summary>
internal sealed record FlowVolume(int Records, int RecordsPerFile, int Interfaces);
