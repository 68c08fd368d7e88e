using System.Text;
using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;
using Vigil.Ingestion.Route53;
using Vigil.Tests.Support;

namespace Vigil.Tests.Route53;

/// <summary>Everything one <see cref="Route53QueryLogReader.ReadAsync"/> call produced.</summary>
internal sealed record Route53Read(
    IReadOnlyList<DnsQueryRecord> Records,
    IReadOnlyList<RecordRejection> Rejections,
    Route53QueryLogSummary Summary)
{
    /// <summary>The ingest time every helper passes to the reader; far from any query time in the fixtures.</summary>
    public static readonly DateTimeOffset IngestTime = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static Task<Route53Read> FixtureAsync(string name, Route53QueryLogReaderOptions? options = null) =>
        BytesAsync(Fixture.Bytes("Route53/" + name), name, options);

    public static Task<Route53Read> TextAsync(string content, Route53QueryLogReaderOptions? options = null) =>
        BytesAsync(Encoding.UTF8.GetBytes(content), "test.log", options);

    public static Task<Route53Read> BytesAsync(byte[] content, string objectName = "test.log", Route53QueryLogReaderOptions? options = null) =>
        StreamAsync(new MemoryStream(content, writable: false), objectName, options);

    /// <summary>Reads the stream with a reader built from <paramref name="options"/> and collects the callbacks.</summary>
    public static async Task<Route53Read> StreamAsync(Stream content, string objectName, Route53QueryLogReaderOptions? options = null)
    {
        var reader = new Route53QueryLogReader(options ?? Route53QueryLogReaderOptions.Default);
        var records = new List<DnsQueryRecord>();
        var rejections = new List<RecordRejection>();

        var summary = await reader.ReadAsync(
            content,
            objectName,
            IngestTime,
            batch =>
            {
                records.AddRange(batch);
                return ValueTask.CompletedTask;
            },
            rejections.Add,
            CancellationToken.None);

        return new Route53Read(records, rejections, summary);
    }
}
