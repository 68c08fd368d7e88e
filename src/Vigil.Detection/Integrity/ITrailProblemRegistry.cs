namespace Vigil.Detection.Integrity;

/// <summary>
/// The integrity problems already raised for one trail bucket, so that each raises one finding.
/// <see cref="TrailIntegrityMonitor"/> passes every problem a check finds and raises findings for
/// the ones returned.
/// </summary>
public interface ITrailProblemRegistry
{
    /// <summary>Records the problems and returns those not recorded before.</summary>
    Task<IReadOnlySet<string>> AddNewAsync(IReadOnlyList<string> problems, CancellationToken cancellationToken);
}

/// <summary>
/// Remembers up to <see cref="MaxProblems"/> problems in memory, for a monitor whose findings need
/// not survive the process. Past that bound every problem is forgotten at once, so one may be raised again.
/// </summary>
public sealed class InMemoryTrailProblemRegistry : ITrailProblemRegistry
{
    public const int MaxProblems = 100_000;

    private readonly HashSet<string> recorded = new(StringComparer.Ordinal);

    public Task<IReadOnlySet<string>> AddNewAsync(IReadOnlyList<string> problems, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var added = new HashSet<string>(StringComparer.Ordinal);
        foreach (var problem in problems)
        {
            if (recorded.Count >= MaxProblems)
            {
                recorded.Clear();
            }

            if (recorded.Add(problem))
            {
                added.Add(problem);
            }
        }

        return Task.FromResult<IReadOnlySet<string>>(added);
    }
}
