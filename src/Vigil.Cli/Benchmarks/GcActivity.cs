namespace Vigil.Cli.Benchmarks;

/// <summary>
/// The garbage collector's work in this process between two points: bytes allocated on the managed
/// heap, collections per generation and the time the runtime was paused for them.
/// </summary>
internal sealed record GcActivity(long AllocatedBytes, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
{
    public static GcActivity Now() => new(
        GC.GetTotalAllocatedBytes(precise: false),
        GC.CollectionCount(0),
        GC.CollectionCount(1),
        GC.CollectionCount(2),
        GC.GetTotalPauseDuration());

    /// <summary>Returns the activity from <paramref name="start"/> until now.</summary>
    public static GcActivity Since(GcActivity start)
    {
        var now = Now();
        return new GcActivity(
            now.AllocatedBytes - start.AllocatedBytes, now.Gen0 - start.Gen0, now.Gen1 - start.Gen1, now.Gen2 - start.Gen2, now.Paused - start.Paused);
    }

    /// <summary>Returns a phrase for the report, with the bytes allocated per record of the phase.</summary>
    public string Describe(long records) =>
        $"{BenchFormat.Bytes(AllocatedBytes)} allocated ({(records > 0 ? AllocatedBytes / records : 0):N0} bytes per record), " +
        $"{Gen0} gen0, {Gen1} gen1 and {Gen2} gen2 collections (a gen1 collection also counts as gen0), {BenchFormat.Seconds(Paused)} s paused";
}
