using Vigil.Contracts.Storage;
using Vigil.Grains.Replay;

namespace Vigil.EndToEnd.Tests;

/// <summary>The lease rule of the in-memory ledger that <c>vigil replay</c> uses, with a clock the test moves.</summary>
public sealed class InMemoryObjectLedgerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ManualClock clock = new(Start);
    private readonly InMemoryObjectLedger ledger;

    public InMemoryObjectLedgerTests()
    {
        ledger = new InMemoryObjectLedger(new ObjectLeaseOptions { OwnerId = "reader-a", Duration = TimeSpan.FromMinutes(2) }, clock);
    }

    [Fact]
    public void Decide_SecondOwner_LeasedByAnother()
    {
        Assert.Equal(ObjectReadDecision.Read, ledger.Decide("t", "k", "size=1", Start, "reader-a"));
        Assert.Equal(ObjectReadDecision.LeasedByAnother, ledger.Decide("t", "k", "size=1", Start, "reader-b"));
        Assert.Equal("reader-a", ledger.LeaseHolder("t", "k"));
    }

    [Fact]
    public void Decide_AfterExpiry_TakenOver()
    {
        Assert.Equal(ObjectReadDecision.Read, ledger.Decide("t", "k", "size=1", Start, "reader-a"));

        clock.Now = Start.AddMinutes(2).AddTicks(-1);
        Assert.Equal(ObjectReadDecision.LeasedByAnother, ledger.Decide("t", "k", "size=1", clock.Now, "reader-b"));
        clock.Now = Start.AddMinutes(2);
        Assert.Equal(ObjectReadDecision.Read, ledger.Decide("t", "k", "size=1", clock.Now, "reader-b"));
        Assert.Equal("reader-b", ledger.LeaseHolder("t", "k"));
    }

    [Fact]
    public async Task Record_ReleasesLease_OthersSeeDone()
    {
        Assert.Equal(ObjectReadDecision.Read, await ledger.DecideAsync("t", "k", "size=1", Start, default));
        await ledger.RecordAsync(Record("k"), default);

        Assert.Null(ledger.LeaseHolder("t", "k"));
        Assert.Equal(ObjectReadDecision.AlreadyDone, ledger.Decide("t", "k", "size=1", Start, "reader-b"));
    }

    [Fact]
    public async Task Release_LetsOtherRead()
    {
        Assert.Equal(ObjectReadDecision.Read, await ledger.DecideAsync("t", "k", "size=1", Start, default));
        ledger.Release("t", "k", "reader-b");
        Assert.Equal("reader-a", ledger.LeaseHolder("t", "k"));

        await ledger.ReleaseAsync("t", "k", default);

        Assert.Equal(ObjectReadDecision.Read, ledger.Decide("t", "k", "size=1", Start, "reader-b"));
    }

    private static ObjectRecord Record(string key) => new()
    {
        TenantId = "t",
        ObjectKey = key,
        Fingerprint = "size=1",
        Kind = ObjectKind.CloudTrail,
        RecordsRead = 1,
        RecordsRejected = 0,
        DuplicatesDropped = 0,
        FindingsRaised = 0,
        StartedAt = Start,
        FinishedAt = Start,
    };

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
