using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Vigil.Cli.Simulation;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// Writes the part of a benchmark corpus that only the reader phases read: Route 53 Resolver query
/// logs (gzip JSON Lines) and VPC flow logs as Parquet, below <c>reader-logs/</c> in the S3 key layout.
/// The same seed and counts always give the same files.
/// </summary>
/// <remarks>
/// The Parquet files have the 14 version 2 fields with the types AWS documents (INT_32 for version,
/// ports and protocol, INT_64 for counters and times, strings for the rest), one row group each,
/// written by Parquet.Net with its default Snappy compression. NODATA rows have nulls.
/// </remarks>
internal sealed class ReaderCorpusWriter(int seed, DateTimeOffset start, int days)
{
    private static readonly string[] QueryTypes = ["A", "A", "A", "AAAA", "AAAA", "TXT", "MX", "PTR", "SRV", "TYPE65"];
    private static readonly string[] DomainWords = ["api", "cdn", "auth", "data", "img", "static", "mail", "updates", "metrics", "login"];
    private static readonly string[] DomainSuffixes = ["example.com.", "example.org.", "example.net.", "amazonaws.com.", "s3.us-east-1.amazonaws.com."];

    private static readonly DataField<int?> VersionField = new("version");
    private static readonly DataField<string> AccountField = new("account_id", nullable: true);
    private static readonly DataField<string> InterfaceField = new("interface_id", nullable: true);
    private static readonly DataField<string> SourceAddressField = new("srcaddr", nullable: true);
    private static readonly DataField<string> DestinationAddressField = new("dstaddr", nullable: true);
    private static readonly DataField<int?> SourcePortField = new("srcport");
    private static readonly DataField<int?> DestinationPortField = new("dstport");
    private static readonly DataField<int?> ProtocolField = new("protocol");
    private static readonly DataField<long?> PacketsField = new("packets");
    private static readonly DataField<long?> BytesField = new("bytes");
    private static readonly DataField<long?> StartField = new("start");
    private static readonly DataField<long?> EndField = new("end");
    private static readonly DataField<string> ActionField = new("action", nullable: true);
    private static readonly DataField<string> LogStatusField = new("log_status", nullable: true);

    private static readonly ParquetSchema FlowSchema = new(
        VersionField, AccountField, InterfaceField, SourceAddressField, DestinationAddressField, SourcePortField, DestinationPortField,
        ProtocolField, PacketsField, BytesField, StartField, EndField, ActionField, LogStatusField);

    private readonly Random random = new(seed);

    /// <summary>
    /// Writes exactly <paramref name="records"/> Resolver query log records in files of about
    /// <paramref name="recordsPerFile"/>, spread over the simulated days: queries from
    /// <paramref name="instances"/> instances for 2,000 names, with one to two answers, a few
    /// NXDOMAIN answers without any, and query types that include one unknown to the resolver's table.
    /// </summary>
    public (int Files, int Records) WriteQueryVolume(string logRoot, int records, int recordsPerFile, int instances)
    {
        var files = (int)Math.Ceiling(records / (double)recordsPerFile);
        var fileSeconds = (long)TimeSpan.FromDays(days).TotalSeconds / files;
        var names = Enumerable.Range(0, 2_000)
            .Select(i => $"{DomainWords[i % DomainWords.Length]}{i / DomainWords.Length}.{DomainSuffixes[i % DomainSuffixes.Length]}")
            .ToArray();
        var instanceIds = Enumerable.Range(0, instances).Select(i => $"i-0c{i:x15}").ToArray();
        var written = 0;
        for (var index = 0; index < files; index++)
        {
            var fileStart = start + TimeSpan.FromSeconds(fileSeconds * index);
            var count = (int)(((long)(index + 1) * records / files) - ((long)index * records / files));
            var folder = DatedFolder(Path.Combine(logRoot, "AWSLogs", DemoEstate.AccountId, "vpcdnsquerylogs", "vpc-0a1b2c3d4e5f6bench"), fileStart);
            var name = $"vpc-0a1b2c3d4e5f6bench_vpcdnsquerylogs_{DemoEstate.AccountId}_{fileStart.UtcDateTime:yyyyMMdd'T'HHmm'Z'}_{Suffix()}.log.gz";
            using var file = File.Create(Path.Combine(folder, name));
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            using var json = new Utf8JsonWriter(gzip);
            for (var i = 0; i < count; i++)
            {
                var instance = random.Next(instances);
                var time = fileStart + TimeSpan.FromSeconds(random.Next(0, (int)Math.Max(1, fileSeconds - 1)));
                WriteQuery(json, time, names[random.Next(names.Length)], instanceIds[instance], instance);
                json.Flush();
                json.Reset();
                gzip.WriteByte((byte)'\n');
            }

            written += count;
        }

        return (files, written);
    }

    /// <summary>
    /// Writes exactly <paramref name="records"/> VPC flow records as Parquet files of
    /// <paramref name="recordsPerFile"/> rows (the last one may have fewer): outbound HTTPS from
    /// <paramref name="interfaces"/> network interfaces, about one rejected inbound attempt in 40,
    /// and one NODATA row per file.
    /// </summary>
    public async Task<(int Files, int Records)> WriteParquetFlowVolumeAsync(string logRoot, int records, int recordsPerFile, int interfaces)
    {
        var files = (int)Math.Ceiling(records / (double)recordsPerFile);
        var fileSeconds = (long)TimeSpan.FromDays(days).TotalSeconds / files;
        var interfaceIds = Enumerable.Range(0, interfaces).Select(i => $"eni-0d{i:x15}").ToArray();
        var addresses = Enumerable.Range(0, interfaces).Select(i => $"10.{i / 62500}.{i / 250 % 250}.{(i % 250) + 4}").ToArray();
        var written = 0;
        for (var index = 0; index < files; index++)
        {
            var fileStart = start + TimeSpan.FromSeconds(fileSeconds * index);
            var begin = fileStart.ToUnixTimeSeconds();
            var count = (int)(((long)(index + 1) * records / files) - ((long)index * records / files));
            var rows = new FlowRows(count);
            for (var row = 0; row < count - 1; row++)
            {
                var local = random.Next(interfaces);
                var time = begin + random.Next(0, (int)Math.Max(1, fileSeconds - 60));
                var packets = random.Next(4, 200);
                if (random.Next(40) == 0)
                {
                    rows.Set(row, interfaceIds[local], $"203.0.113.{random.Next(100, 200)}", addresses[local], random.Next(1024, 65535), 3389, 3, 180, time, "REJECT");
                }
                else
                {
                    rows.Set(row, interfaceIds[local], addresses[local], $"192.0.2.{random.Next(1, 255)}", random.Next(32768, 60999), 443, packets, packets * random.Next(60, 1400), time, "ACCEPT");
                }
            }

            rows.SetNoData(count - 1, interfaceIds[random.Next(interfaces)], begin);
            var folder = DatedFolder(Path.Combine(logRoot, "AWSLogs", DemoEstate.AccountId, "vpcflowlogs", DemoEstate.Region), fileStart);
            var name = $"{DemoEstate.AccountId}_vpcflowlogs_{DemoEstate.Region}_fl-0a1b2c3d4e5f6bench_{fileStart.UtcDateTime:yyyyMMdd'T'HHmm'Z'}_{Suffix()}.log.parquet";
            await using (var file = File.Create(Path.Combine(folder, name)))
            {
                await rows.WriteAsync(file);
            }

            written += count;
        }

        return (files, written);
    }

    private void WriteQuery(Utf8JsonWriter json, DateTimeOffset time, string name, string instanceId, int instance)
    {
        var nxdomain = random.Next(20) == 0;
        var type = QueryTypes[random.Next(QueryTypes.Length)];
        json.WriteStartObject();
        json.WriteString("version", "1.100000");
        json.WriteString("account_id", DemoEstate.AccountId);
        json.WriteString("region", DemoEstate.Region);
        json.WriteString("vpc_id", "vpc-0a1b2c3d4e5f6bench");
        json.WriteString("query_timestamp", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        json.WriteString("query_name", name);
        json.WriteString("query_type", type);
        json.WriteString("query_class", "IN");
        json.WriteString("rcode", nxdomain ? "NXDOMAIN" : "NOERROR");
        json.WriteStartArray("answers");
        var answers = nxdomain ? 0 : random.Next(1, 3);
        for (var i = 0; i < answers; i++)
        {
            json.WriteStartObject();
            json.WriteString("Rdata", $"192.0.2.{random.Next(1, 255)}");
            json.WriteString("Type", type);
            json.WriteString("Class", "IN");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("srcaddr", $"10.{instance / 62500}.{instance / 250 % 250}.{(instance % 250) + 4}");
        json.WriteString("srcport", random.Next(1024, 65535).ToString(CultureInfo.InvariantCulture));
        json.WriteString("transport", "UDP");
        json.WriteStartObject("srcids");
        json.WriteString("instance", instanceId);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string DatedFolder(string root, DateTimeOffset time)
    {
        var folder = Path.Combine(root, time.ToString("yyyy", CultureInfo.InvariantCulture), time.ToString("MM", CultureInfo.InvariantCulture), time.ToString("dd", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private string Suffix() => random.Next(0x10000000, int.MaxValue).ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>The columns of one Parquet flow log file, filled row by row.</summary>
    private sealed class FlowRows(int count)
    {
        private readonly int?[] versions = new int?[count];
        private readonly string?[] accounts = new string?[count];
        private readonly string?[] interfaceIds = new string?[count];
        private readonly string?[] sources = new string?[count];
        private readonly string?[] destinations = new string?[count];
        private readonly int?[] sourcePorts = new int?[count];
        private readonly int?[] destinationPorts = new int?[count];
        private readonly int?[] protocols = new int?[count];
        private readonly long?[] packets = new long?[count];
        private readonly long?[] bytes = new long?[count];
        private readonly long?[] starts = new long?[count];
        private readonly long?[] ends = new long?[count];
        private readonly string?[] actions = new string?[count];
        private readonly string?[] statuses = new string?[count];

        public void Set(int row, string interfaceId, string source, string destination, int sourcePort, int destinationPort, long packetCount, long byteCount, long time, string action)
        {
            versions[row] = 2;
            accounts[row] = DemoEstate.AccountId;
            interfaceIds[row] = interfaceId;
            sources[row] = source;
            destinations[row] = destination;
            sourcePorts[row] = sourcePort;
            destinationPorts[row] = destinationPort;
            protocols[row] = 6;
            packets[row] = packetCount;
            bytes[row] = byteCount;
            starts[row] = time;
            ends[row] = time + 60;
            actions[row] = action;
            statuses[row] = "OK";
        }

        public void SetNoData(int row, string interfaceId, long time)
        {
            versions[row] = 2;
            accounts[row] = DemoEstate.AccountId;
            interfaceIds[row] = interfaceId;
            starts[row] = time;
            ends[row] = time + 60;
            statuses[row] = "NODATA";
        }

        public async Task WriteAsync(Stream output)
        {
            await using var writer = await ParquetWriter.CreateAsync(FlowSchema, output, null, false, CancellationToken.None);
            using var rowGroup = writer.CreateRowGroup();
            await rowGroup.WriteAsync<int>(VersionField, versions.AsMemory(), null, null, CancellationToken.None);
            await rowGroup.WriteAsync(AccountField, accounts!, null);
            await rowGroup.WriteAsync(InterfaceField, interfaceIds!, null);
            await rowGroup.WriteAsync(SourceAddressField, sources!, null);
            await rowGroup.WriteAsync(DestinationAddressField, destinations!, null);
            await rowGroup.WriteAsync<int>(SourcePortField, sourcePorts.AsMemory(), null, null, CancellationToken.None);
            await rowGroup.WriteAsync<int>(DestinationPortField, destinationPorts.AsMemory(), null, null, CancellationToken.None);
            await rowGroup.WriteAsync<int>(ProtocolField, protocols.AsMemory(), null, null, CancellationToken.None);
            await rowGroup.WriteAsync<long>(PacketsField, packets.AsMemory(), null, null, CancellationToken.None);
            await rowGroup.WriteAsync<long>(BytesField, bytes.AsMemory(), null, null, CancellationToken.None);
            await rowGroup.WriteAsync<long>(StartField, starts.AsMemory(), null, null, CancellationToken.None);
            await rowGroup.WriteAsync<long>(EndField, ends.AsMemory(), null, null, CancellationToken.None);
            await rowGroup.WriteAsync(ActionField, actions!, null);
            await rowGroup.WriteAsync(LogStatusField, statuses!, null);
        }
    }
}
