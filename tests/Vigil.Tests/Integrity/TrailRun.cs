using Vigil.Ingestion.Integrity;

namespace Vigil.Tests.Integrity;

/// <summary>The summary and every result of one <see cref="TrailValidator"/> run over a <see cref="TrailFolder"/>.</summary>
internal sealed class TrailRun : ITrailValidationListener
{
    public List<DigestResult> Digests { get; } = [];

    public List<LogFileResult> LogFiles { get; } = [];

    public List<(DateTimeOffset From, DateTimeOffset To)> Gaps { get; } = [];

    public TrailValidationSummary Summary { get; private set; } = null!;

    /// <summary>Runs the validator over <paramref name="folder"/>; the end time defaults to a day after the test period starts.</summary>
    public static async Task<TrailRun> ValidateAsync(
        TrailFolder folder,
        PublicKeyList keys,
        DateTimeOffset? startTime = null,
        DateTimeOffset? endTime = null,
        string bucket = TrailFolder.Bucket)
    {
        var run = new TrailRun();
        var validator = new TrailValidator(new FolderTrailObjectStore(folder.Root), bucket, keys, TrailValidatorOptions.Default);
        run.Summary = await validator.ValidateAsync(startTime, endTime ?? TrailFolder.Origin.AddDays(1), run, CancellationToken.None);
        return run;
    }

    public DigestResult DigestAt(string key) => Assert.Single(Digests, result => result.Key == key);

    public LogFileResult LogFileAt(string key) => Assert.Single(LogFiles, result => result.Key == key);

    public void OnDigest(DigestResult result) => Digests.Add(result);

    public void OnLogFile(LogFileResult result) => LogFiles.Add(result);

    public void OnGap(DateTimeOffset from, DateTimeOffset to) => Gaps.Add((from, to));
}
