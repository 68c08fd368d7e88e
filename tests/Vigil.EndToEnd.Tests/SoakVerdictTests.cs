using Vigil.Cli.Benchmarks;

namespace Vigil.EndToEnd.Tests;

/// <summary>The growth check of <c>vigil bench soak</c> on made-up samples, one every 5 s.</summary>
public sealed class SoakVerdictTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public void WarmUp_ShortRun_CoversLearningRounds()
    {
        var warmUp = SoakBenchmark.WarmUp(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30));

        Assert.Equal(15, SoakBenchmark.WarmUpRounds);
        Assert.Equal(TimeSpan.FromSeconds(15 * 30), warmUp);
    }

    [Fact]
    public void WarmUp_LongRun_ShareOfRun()
    {
        var warmUp = SoakBenchmark.WarmUp(TimeSpan.FromMinutes(60), TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromMinutes(18), warmUp);
    }

    [Fact]
    public void From_StepInWarmUp_DoesNotGrow()
    {
        var samples = Samples(TimeSpan.FromMinutes(20), stepAt: TimeSpan.FromMinutes(7), before: 400 * MiB, after: 600 * MiB);

        var verdict = SoakVerdict.From(samples, TimeSpan.FromMinutes(7.5), SoakBenchmark.GrowthTolerance, sample => sample.ResidentBytes);

        Assert.False(verdict.Grows);
        Assert.Equal(600 * MiB, verdict.FirstQuarterMedian);
        Assert.Equal(600 * MiB, verdict.LastQuarterMedian);
    }

    [Fact]
    public void From_StepAfterWarmUp_Grows()
    {
        var samples = Samples(TimeSpan.FromMinutes(20), stepAt: TimeSpan.FromMinutes(12), before: 400 * MiB, after: 600 * MiB);

        var verdict = SoakVerdict.From(samples, TimeSpan.FromMinutes(7.5), SoakBenchmark.GrowthTolerance, sample => sample.ResidentBytes);

        Assert.True(verdict.Grows);
        Assert.Equal(400 * MiB, verdict.FirstQuarterMedian);
        Assert.Equal(600 * MiB, verdict.LastQuarterMedian);
        Assert.True(verdict.SlopeBytesPerHour > 0);
    }

    [Fact]
    public void From_TooFewSamplesAfterWarmUp_Throws()
    {
        var samples = Samples(TimeSpan.FromMinutes(2), stepAt: TimeSpan.MaxValue, before: 400 * MiB, after: 400 * MiB);

        var exception = Assert.Throws<InvalidOperationException>(() => SoakVerdict.From(samples, TimeSpan.FromMinutes(1.5), SoakBenchmark.GrowthTolerance, sample => sample.ResidentBytes));

        Assert.Contains("run the soak for longer", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>Returns samples every 5 s from 0 to <paramref name="duration"/>: <paramref name="before"/> bytes until <paramref name="stepAt"/>, then <paramref name="after"/>.</summary>
    private static List<SoakSample> Samples(TimeSpan duration, TimeSpan stepAt, long before, long after)
    {
        var samples = new List<SoakSample>();
        for (var elapsed = TimeSpan.Zero; elapsed <= duration; elapsed += TimeSpan.FromSeconds(5))
        {
            samples.Add(new SoakSample(elapsed, elapsed < stepAt ? before : after, 0, 0));
        }

        return samples;
    }
}
