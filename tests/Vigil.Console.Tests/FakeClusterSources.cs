using Vigil.Contracts.Cluster;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

/// <summary>An <see cref="IClusterStatusReader"/> that returns the status a test set.</summary>
internal sealed class FakeClusterStatusReader : IClusterStatusReader
{
    public ClusterStatus Status { get; set; } = new([], []);

    public int Calls { get; private set; }

    public Task<ClusterStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult(Status);
    }
}

/// <summary>An <see cref="IIngestStatistics"/> that spreads the rates a test set over the requested steps.</summary>
internal sealed class FakeIngestStatistics : IIngestStatistics
{
    public Dictionary<DateTimeOffset, IngestRate> Rates { get; } = [];

    public List<(DateTimeOffset From, DateTimeOffset To, TimeSpan Step)> Requests { get; } = [];

    public Task<IReadOnlyList<IngestRate>> GetThroughputAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
    {
        Requests.Add((from, to, step));
        var count = (int)Math.Ceiling((to - from) / step);
        return Task.FromResult<IReadOnlyList<IngestRate>>([.. Enumerable.Range(0, count)
            .Select(index => from + (step * index))
            .Select(start => Rates.GetValueOrDefault(start) ?? new IngestRate(start, 0, 0, 0, 0))]);
    }
}
