namespace Vigil.Cli.Benchmarks;

/// <summary>
/// The floor and reader phases of one log kind, the record count the corpus manifest lists for it,
/// and <paramref name="WarmUp"/>, which runs both phases once without measuring them.
/// </summary>
internal sealed record ReaderKind(
    string Kind, string FloorName, string ReaderName, Func<Task<PhaseMeasurement>> Floor, Func<Task<PhaseMeasurement>> Reader, long? ManifestRecords, Func<Task> WarmUp);

/// <summary>Every round's floor and reader measurement of one log kind, in round order.</summary>
internal sealed record ReaderKindRounds(ReaderKind Kind, IReadOnlyList<PhaseMeasurement> Floors, IReadOnlyList<PhaseMeasurement> Readers)
{
    /// <summary>Reader records per second over floor records per second, per round.</summary>
    public IReadOnlyList<double> Ratios => [.. Floors.Zip(Readers, (floor, reader) => reader.RecordsPerSecond / floor.RecordsPerSecond)];

    /// <summary>Reader records per CPU second over floor records per CPU second, per round; empty when CPU time was not measured.</summary>
    public IReadOnlyList<double> CpuRatios =>
    [
        .. Floors.Zip(Readers)
            .Where(pair => pair.First.RecordsPerCpuSecond is > 0 && pair.Second.RecordsPerCpuSecond is not null)
            .Select(pair => pair.Second.RecordsPerCpuSecond!.Value / pair.First.RecordsPerCpuSecond!.Value),
    ];
}

/// <summary>
/// Runs the floor and reader of each log kind in rounds, after one unmeasured warm-up of each kind.
/// Within a round, each kind's two phases run back to back, so both see about the same load. The
/// floor runs first in odd rounds and the reader first in even rounds, so neither side always gets
/// the warmer runtime or the cooler machine.
/// </summary>
/// <remarks>
/// Without the warm-up, the phase that ran first in round 1 also paid for compiling the code that
/// both phases share (gzip, file reads, tasks). Each phase also ran its own code at the runtime's
/// first tiers. So round 1's ratio could be 1.6 times that of the later rounds, or 0.6 times. A
/// warm-up over a tenth of the files still left round 1 of CloudTrail at 1.9 times the later
/// rounds' ratio per CPU second, so the warm-up reads every file.
/// </remarks>
internal static class ReaderRounds
{

    public static async Task<IReadOnlyList<ReaderKindRounds>> RunAsync(
        IReadOnlyList<ReaderKind> kinds, int rounds, Func<string, Func<Task<PhaseMeasurement>>, Task<PhaseMeasurement>> measure)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        foreach (var kind in kinds)
        {
            Console.Error.WriteLine($"bench: warm-up, {kind.Kind}: floor and reader over every file once, not measured");
            await kind.WarmUp();
        }

        var floors = kinds.Select(_ => new List<PhaseMeasurement>()).ToList();
        var readers = kinds.Select(_ => new List<PhaseMeasurement>()).ToList();
        for (var round = 1; round <= rounds; round++)
        {
            for (var index = 0; index < kinds.Count; index++)
            {
                var kind = kinds[index];
                var suffix = rounds > 1 ? $" (round {round} of {rounds})" : "";
                if (round % 2 == 1)
                {
                    floors[index].Add(await measure(kind.FloorName + suffix, kind.Floor));
                    readers[index].Add(await measure(kind.ReaderName + suffix, kind.Reader));
                }
                else
                {
                    readers[index].Add(await measure(kind.ReaderName + suffix, kind.Reader));
                    floors[index].Add(await measure(kind.FloorName + suffix, kind.Floor));
                }
            }
        }

        return [.. kinds.Select((kind, index) => new ReaderKindRounds(kind, floors[index], readers[index]))];
    }

    /// <summary>Returns the median, or the mean of the two middle values for an even count.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>
    /// Adds up the rounds of one phase: records, seconds, CPU time and the garbage collector's work,
    /// with the largest peak working set of any round.
    /// </summary>
    public static PhaseMeasurement Sum(IReadOnlyList<PhaseMeasurement> rounds)
    {
        var peak = rounds.Any(round => round.PeakBytes is null) ? null : rounds.Max(round => round.PeakBytes);
        var cpu = rounds.Any(round => round.CpuTime is null) ? (TimeSpan?)null : rounds.Aggregate(TimeSpan.Zero, (sum, round) => sum + round.CpuTime!.Value);
        var gc = rounds.Any(round => round.Gc is null)
            ? null
            : new GcActivity(
                rounds.Sum(round => round.Gc!.AllocatedBytes),
                rounds.Sum(round => round.Gc!.Gen0),
                rounds.Sum(round => round.Gc!.Gen1),
                rounds.Sum(round => round.Gc!.Gen2),
                rounds.Aggregate(TimeSpan.Zero, (sum, round) => sum + round.Gc!.Paused));
        return new PhaseMeasurement(
            rounds.Sum(round => round.Records),
            rounds.Aggregate(TimeSpan.Zero, (sum, round) => sum + round.Elapsed),
            peak,
            rounds.All(round => round.PeakCoversPhaseOnly))
        {
            Rejected = rounds.Sum(round => round.Rejected),
            FailedObjects = rounds.Sum(round => round.FailedObjects),
            CpuTime = cpu,
            Gc = gc,
        };
    }
}
