using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;
using Vigil.Testing;

namespace Vigil.Storage.Tests.Repositories;

/// <summary>
/// The raised and updated finding counters, read through a <see cref="MeterListener"/> while
/// <see cref="MeteredFindingSink"/> writes to PostgreSQL. Each test uses finding types of its own,
/// because other tests in the process record into the same instruments.
/// </summary>
public sealed class FindingMetricsTests(PostgresFixture database) : IClassFixture<PostgresFixture>, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly MeteredFindingSink sink = new(new PostgresFindingStore(database.DataSource), database.DataSource);
    private readonly string tenant = "tenant-" + Guid.NewGuid().ToString("N");
    private readonly string type = "Recon:IAMUser/Metrics" + Guid.NewGuid().ToString("N");
    private readonly MeasurementRecorder recorder = new();

    public void Dispose() => recorder.Dispose();

    [Fact]
    public async Task FirstWrite_CountsRaised()
    {
        await sink.WriteAsync(tenant, [Occurrence(NewId(), type), Occurrence(NewId(), type)], default);

        Assert.Equal(2, recorder.Sum("vigil.findings.raised", type));
        Assert.Equal(0, recorder.Sum("vigil.findings.updated", type));
    }

    [Fact]
    public async Task SecondWrite_CountsUpdated()
    {
        var id = NewId();
        await sink.WriteAsync(tenant, [Occurrence(id, type)], default);

        await sink.WriteAsync(tenant, [Occurrence(id, type), Occurrence(id, type), Occurrence(NewId(), type)], default);

        Assert.Equal(2, recorder.Sum("vigil.findings.raised", type));
        Assert.Equal(1, recorder.Sum("vigil.findings.updated", type));
    }

    [Fact]
    public async Task RepeatedWriteKey_CountsNothingMore()
    {
        var id = NewId();
        await sink.WriteOnceAsync(tenant, "chunk-" + id, [Occurrence(id, type)], default);

        await sink.WriteOnceAsync(tenant, "chunk-" + id, [Occurrence(id, type)], default);

        Assert.Equal(1, recorder.Sum("vigil.findings.raised", type));
        Assert.Equal(0, recorder.Sum("vigil.findings.updated", type));
    }

    [Fact]
    public async Task OtherTenantsFinding_CountsRaised()
    {
        var id = NewId();
        await sink.WriteAsync(tenant + "-b", [Occurrence(id, type)], default);

        await sink.WriteAsync(tenant, [Occurrence(id, type)], default);

        Assert.Equal(2, recorder.Sum("vigil.findings.raised", type));
    }

    [Fact]
    public async Task SuppressionRuleMatch_CountsSuppressed()
    {
        var rules = new PostgresSuppressionRuleStore(database.DataSource, TimeProvider.System);
        var byType = FindingCriteria.Empty.With(new FindingCriterion("type", CriterionOperator.Equals, [type]));
        await rules.CreateAsync(tenant, new SuppressionRuleInput("metrics", "expected activity", byType, true, null), "admin", default);

        await sink.WriteAsync(tenant, [Occurrence(NewId(), type), Occurrence(NewId(), type)], default);

        Assert.Equal(2, recorder.Sum("vigil.findings.suppressed", type));
        Assert.Equal(2, recorder.Sum("vigil.findings.raised", type));
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static Finding Occurrence(string id, string findingType) => new()
    {
        AccountId = "123456789012",
        Region = "eu-west-1",
        Id = id,
        Arn = $"arn:aws:guardduty:eu-west-1:123456789012:detector/d/finding/{id}",
        Type = findingType,
        Resource = new FindingResource { ResourceType = "AccessKey", AccessKeyDetails = new AccessKeyDetails { UserName = "alice", UserType = "IAMUser" } },
        Service = new FindingService
        {
            DetectorId = "d",
            Action = new FindingAction { ActionType = "AWS_API_CALL" },
            Count = 1,
            EventFirstSeen = T0,
            EventLastSeen = T0,
            ResourceRole = "ACTOR",
        },
        Severity = 5,
        CreatedAt = T0,
        UpdatedAt = T0,
        Title = "metrics test",
        Description = "metrics test",
    };

    /// <summary>Collects the measurements of the <c>Vigil</c> meter's finding counters by instrument and type tag.</summary>
    private sealed class MeasurementRecorder : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly ConcurrentQueue<(string Instrument, string? Type, long Value)> measurements = new();

        public MeasurementRecorder()
        {
            listener.InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Meter.Name == FindingInstruments.MeterName && instrument.Name.StartsWith("vigil.findings.", StringComparison.Ordinal))
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                string? findingType = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "type")
                    {
                        findingType = tag.Value as string;
                    }
                }

                measurements.Enqueue((instrument.Name, findingType, value));
            });
            listener.Start();
        }

        public long Sum(string instrument, string findingType) =>
            measurements.Where(measurement => measurement.Instrument == instrument && measurement.Type == findingType).Sum(measurement => measurement.Value);

        public void Dispose() => listener.Dispose();
    }
}
