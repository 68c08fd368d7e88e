using Vigil.Contracts.Events;
using Vigil.Ingestion.CloudTrail;

namespace Vigil.Tests.Support;

/// <summary>Everything one <see cref="CloudTrailObjectReader.ReadAsync"/> call produced.</summary>
internal sealed record CloudTrailRead(
    IReadOnlyList<CloudTrailEvent> Events,
    IReadOnlyList<RecordRejection> Rejections,
    CloudTrailObjectSummary Summary,
    int Batches)
{
    /// <summary>The ingest time every helper passes to the reader; far from any event time in the fixtures.</summary>
    public static readonly DateTimeOffset IngestTime = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static Task<CloudTrailRead> FixtureAsync(string name, CloudTrailReaderOptions? options = null) =>
        BytesAsync(Fixture.Bytes("CloudTrail/" + name), name, options);

    public static Task<CloudTrailRead> BytesAsync(byte[] content, string objectName = "test.json", CloudTrailReaderOptions? options = null) =>
        StreamAsync(new MemoryStream(content, writable: false), objectName, options);

    /// <summary>Reads the stream with a reader built from <paramref name="options"/> and collects the callbacks.</summary>
    public static async Task<CloudTrailRead> StreamAsync(Stream content, string objectName, CloudTrailReaderOptions? options = null)
    {
        var reader = new CloudTrailObjectReader(options ?? CloudTrailReaderOptions.Default);
        var events = new List<CloudTrailEvent>();
        var rejections = new List<RecordRejection>();
        var batches = 0;

        var summary = await reader.ReadAsync(
            content,
            objectName,
            IngestTime,
            batch =>
            {
                batches++;
                events.AddRange(batch);
                return ValueTask.CompletedTask;
            },
            rejections.Add,
            CancellationToken.None);

        return new CloudTrailRead(events, rejections, summary, batches);
    }
}
