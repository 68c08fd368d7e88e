using System.IO.Compression;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Vigil.EndToEnd.Tests.Infrastructure;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// A folder with one object of each kind: the inspection fixtures of the unit tests, a gzip copy of
/// the Resolver query log and a Parquet flow log written here. <c>vigil parse</c> runs over it once
/// as text, once with <c>--json</c> and once with <c>--records</c>.
/// </summary>
public sealed class ParseFolderFixture : IAsyncLifetime
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "vigil-parse-" + Guid.NewGuid().ToString("N"));

    internal CliResult Text { get; private set; } = null!;

    internal CliResult Json { get; private set; } = null!;

    internal CliResult Records { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        var fixtures = Path.Combine(RepositoryRoot.Find(), "tests", "Vigil.Tests", "Fixtures", "Inspection");
        foreach (var file in Directory.EnumerateFiles(fixtures))
        {
            File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
        }

        await using (var gzip = new GZipStream(File.Create(Path.Combine(Folder, "route53.log.gz")), CompressionLevel.Fastest))
        {
            await gzip.WriteAsync(await File.ReadAllBytesAsync(Path.Combine(fixtures, "route53.log")));
        }

        await WriteFlowParquetAsync(Path.Combine(Folder, "flow.parquet"));

        Text = await CliProcess.RunAsync(null, "parse", Folder);
        Json = await CliProcess.RunAsync(null, "parse", Folder, "--json");
        Records = await CliProcess.RunAsync(null, "parse", Folder, "--records");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Writes three ACCEPT flows with the column names of the AWS default format, with '_' for '-'.</summary>
    private static async Task WriteFlowParquetAsync(string path)
    {
        var version = new DataField<int>("version");
        var sourceAddress = new DataField<string>("srcaddr", nullable: true);
        var destinationAddress = new DataField<string>("dstaddr", nullable: true);
        var sourcePort = new DataField<int>("srcport");
        var destinationPort = new DataField<int>("dstport");
        var protocol = new DataField<int>("protocol");
        var action = new DataField<string>("action", nullable: true);
        var logStatus = new DataField<string>("log_status", nullable: true);
        var schema = new ParquetSchema(version, sourceAddress, destinationAddress, sourcePort, destinationPort, protocol, action, logStatus);

        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, file, null, false, CancellationToken.None);
        using var rowGroup = writer.CreateRowGroup();
        await rowGroup.WriteAsync<int>(version, new[] { 2, 2, 2 }, null, null, CancellationToken.None);
        await rowGroup.WriteAsync(sourceAddress, ["198.51.100.40", "198.51.100.41", "198.51.100.42"], null);
        await rowGroup.WriteAsync(destinationAddress, ["10.0.40.20", "10.0.40.20", "10.0.40.20"], null);
        await rowGroup.WriteAsync<int>(sourcePort, new[] { 40040, 40041, 40042 }, null, null, CancellationToken.None);
        await rowGroup.WriteAsync<int>(destinationPort, new[] { 443, 443, 22 }, null, null, CancellationToken.None);
        await rowGroup.WriteAsync<int>(protocol, new[] { 6, 6, 6 }, null, null, CancellationToken.None);
        await rowGroup.WriteAsync(action, ["ACCEPT", "ACCEPT", "REJECT"], null);
        await rowGroup.WriteAsync(logStatus, ["OK", "OK", "OK"], null);
    }
}

/// <summary><c>vigil parse</c> run as a process over files and folders, as a user would.</summary>
public sealed class ParseCommandTests(ParseFolderFixture folder) : IClassFixture<ParseFolderFixture>
{
    /// <summary>The objects of the folder in key order, with what each is and its records read and rejected.</summary>
    private static readonly (string Name, string Kind, string Format, string Compression, int Read, int Rejected)[] Expected =
    [
        ("cloudtrail-digest.json", "cloudtrail-digest", "json", "plain", 0, 0),
        ("cloudtrail-insights.json", "cloudtrail-insights", "json", "plain", 2, 0),
        ("cloudtrail.json", "cloudtrail", "json", "plain", 2, 0),
        ("empty.log", "unknown", "unknown", "plain", 0, 0),
        ("flow-default.log", "vpc-flow", "text", "plain", 2, 0),
        ("flow-header.log", "vpc-flow", "text", "plain", 2, 1),
        ("flow.parquet", "vpc-flow", "parquet", "plain", 3, 0),
        ("notes.txt", "unknown", "text", "plain", 0, 0),
        ("route53.log", "route53-resolver-query", "json-lines", "plain", 3, 0),
        ("route53.log.gz", "route53-resolver-query", "json-lines", "gzip", 3, 0),
    ];

    private const int TotalRead = 17;

    [Fact]
    public void Text_FolderWithRejections_ExitsOne()
    {
        Assert.True(folder.Text.ExitCode == 1, folder.Text.ToString());
    }

    [Fact]
    public void Text_EachObject_OneResultLine()
    {
        var lines = OutputLines(folder.Text.Output);

        foreach (var (name, kind, format, compression, read, rejected) in Expected)
        {
            var records = read == 1 ? "1 record" : $"{read} records";
            var insights = kind == "cloudtrail-insights" ? $" ({read} Insights events)" : "";
            var expected = $"{Path.Join(folder.Folder, name)}: {kind} ({format}, {compression}): {records} read{insights}, {rejected} rejected";
            Assert.Contains(expected, lines);
        }
    }

    [Fact]
    public void Text_Objects_InKeyOrder()
    {
        var names = OutputLines(folder.Text.Output)
            .Where(line => line.StartsWith(folder.Folder, StringComparison.Ordinal))
            .Select(line => line[(folder.Folder.Length + 1)..line.IndexOf(": ", StringComparison.Ordinal)]);

        Assert.Equal(Expected.Select(entry => entry.Name), names);
    }

    [Fact]
    public void Text_Rejection_ListedWithLineAndField()
    {
        var lines = OutputLines(folder.Text.Output);

        Assert.Contains("  line 4, field dstport: \"70000\" is not a port number from 0 to 65535", lines);
    }

    [Fact]
    public void Text_FailedObjects_ShowError()
    {
        var lines = OutputLines(folder.Text.Output);

        Assert.Contains("  error: the object is empty", lines);
        Assert.Contains(lines, line => line.StartsWith("  error: the content matches no supported log kind", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_Total_LastLine()
    {
        var lines = OutputLines(folder.Text.Output);

        Assert.Equal($"total: 10 objects, {TotalRead} records read, 1 rejected, 2 failed", lines[^1]);
    }

    [Fact]
    public void Json_FolderWithRejections_ExitsOne()
    {
        Assert.True(folder.Json.ExitCode == 1, folder.Json.ToString());
    }

    [Fact]
    public void Json_Objects_MatchExpected()
    {
        using var document = JsonDocument.Parse(folder.Json.Output);
        var objects = document.RootElement.GetProperty("objects").EnumerateArray().ToList();

        Assert.Equal(Expected.Length, objects.Count);
        foreach (var ((name, kind, format, compression, read, rejected), entry) in Expected.Zip(objects))
        {
            Assert.Equal(Path.Join(folder.Folder, name), entry.GetProperty("path").GetString());
            Assert.Equal(kind, entry.GetProperty("kind").GetString());
            Assert.Equal(format, entry.GetProperty("format").GetString());
            Assert.Equal(compression, entry.GetProperty("compression").GetString());
            Assert.Equal(read, entry.GetProperty("recordsRead").GetInt64());
            Assert.Equal(rejected, entry.GetProperty("recordsRejected").GetInt64());
        }
    }

    [Fact]
    public void Json_Rejection_HasLineFieldReason()
    {
        using var document = JsonDocument.Parse(folder.Json.Output);
        var flow = document.RootElement.GetProperty("objects").EnumerateArray()
            .Single(entry => entry.GetProperty("path").GetString()!.EndsWith("flow-header.log", StringComparison.Ordinal));
        var rejection = Assert.Single(flow.GetProperty("rejections").EnumerateArray().ToList());

        Assert.Equal(4, rejection.GetProperty("line").GetInt64());
        Assert.Equal("dstport", rejection.GetProperty("field").GetString());
        Assert.Equal("\"70000\" is not a port number from 0 to 65535", rejection.GetProperty("reason").GetString());
    }

    [Fact]
    public void Json_Total_AddsUp()
    {
        using var document = JsonDocument.Parse(folder.Json.Output);
        var total = document.RootElement.GetProperty("total");

        Assert.Equal(10, total.GetProperty("objects").GetInt64());
        Assert.Equal(TotalRead, total.GetProperty("recordsRead").GetInt64());
        Assert.Equal(1, total.GetProperty("recordsRejected").GetInt64());
        Assert.Equal(2, total.GetProperty("objectsFailed").GetInt64());
    }

    [Fact]
    public void Records_OneLinePerRecord()
    {
        var lines = OutputLines(folder.Records.Output);

        Assert.Equal(TotalRead, lines.Length);
    }

    [Fact]
    public void Records_CountsPerRecordType()
    {
        var types = OutputLines(folder.Records.Output)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("recordType").GetString())
            .GroupBy(type => type)
            .ToDictionary(group => group.Key!, group => group.Count());

        Assert.Equal(4, types["cloudtrail-event"]);
        Assert.Equal(7, types["flow-record"]);
        Assert.Equal(6, types["dns-query-record"]);
    }

    [Fact]
    public void Records_ResultsOnStandardError()
    {
        var lines = OutputLines(folder.Records.Error);

        Assert.Equal($"total: 10 objects, {TotalRead} records read, 1 rejected, 2 failed", lines[^1]);
        Assert.True(folder.Records.ExitCode == 1, folder.Records.ToString());
    }

    [Fact]
    public async Task Parse_CleanFiles_ExitsZero()
    {
        var result = await CliProcess.RunAsync(null, "parse", Path.Join(folder.Folder, "cloudtrail.json"), Path.Join(folder.Folder, "route53.log.gz"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("total: 2 objects, 5 records read, 0 rejected, 0 failed", OutputLines(result.Output)[^1]);
    }

    [Fact]
    public async Task Parse_MissingPath_ExitsTwo()
    {
        var result = await CliProcess.RunAsync(null, "parse", Path.Join(folder.Folder, "no-such-file.json"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("not found", result.Error);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task Parse_InvalidMaxRejections_ExitsTwo()
    {
        var result = await CliProcess.RunAsync(null, "parse", folder.Folder, "--max-rejections", "many");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: ", result.Error);
    }

    [Fact]
    public async Task Parse_HostileFileName_Escaped()
    {
        var hostileFolder = folder.Folder + "-hostile";
        Directory.CreateDirectory(hostileFolder);
        try
        {
            File.Copy(Path.Join(folder.Folder, "flow-header.log"), Path.Join(hostileFolder, "flow\u001b[31m\rforged.log"));

            var result = await CliProcess.RunAsync(null, "parse", hostileFolder);

            Assert.DoesNotContain('\u001b', result.Output);
            Assert.DoesNotContain('\r', result.Output);
            Assert.Contains("flow\\u001b[31m\\rforged.log: vpc-flow (text, plain)", result.Output);
        }
        finally
        {
            Directory.Delete(hostileFolder, recursive: true);
        }
    }

    private static string[] OutputLines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
