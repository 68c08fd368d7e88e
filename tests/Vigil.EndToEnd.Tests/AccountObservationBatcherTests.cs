using Vigil.Abstractions;
using Vigil.Contracts.Profiles;
using Vigil.Grains.Accounts;

namespace Vigil.EndToEnd.Tests;

/// <summary>
/// <see cref="AccountObservationBatcher"/> against a recording account grain: an idle grain gets a
/// request at once, requests that arrive while a call is in flight go out together in arrival order,
/// and a failed call fails only the requests it carried.
/// </summary>
public sealed class AccountObservationBatcherTests
{
    private const string AccountKey = "default/111122223333";

    [Fact]
    public async Task Observe_IdleGrain_SendsAtOnce()
    {
        var grain = new RecordingAccountGrain();
        var batcher = new AccountObservationBatcher();

        var counted = batcher.ObserveAsync(grain, AccountKey, "default", Observations("a", 2));
        var call = await grain.NextCallAsync();
        Assert.False(counted.IsCompleted);
        call.Complete();
        await counted;

        Assert.Equal(["a0", "a1"], call.Batch.Observations.Select(item => item.Values[0]));
        Assert.Empty(call.Batch.Questions);
        Assert.Equal("default", call.Batch.TenantId);
    }

    [Fact]
    public async Task Observe_CallInFlight_BatchesLaterRequests()
    {
        var grain = new RecordingAccountGrain();
        var batcher = new AccountObservationBatcher();

        var first = batcher.ObserveAsync(grain, AccountKey, "default", Observations("a", 1));
        var firstCall = await grain.NextCallAsync();
        var second = batcher.ObserveAsync(grain, AccountKey, "default", Observations("b", 2));
        var third = batcher.ObserveAsync(grain, AccountKey, "default", Observations("c", 1));
        firstCall.Complete();
        await first;

        var secondCall = await grain.NextCallAsync();
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);
        secondCall.Complete();
        await Task.WhenAll(second, third);

        Assert.Equal(["a0"], firstCall.Batch.Observations.Select(item => item.Values[0]));
        Assert.Equal(["b0", "b1", "c0"], secondCall.Batch.Observations.Select(item => item.Values[0]));
        Assert.Equal(2, grain.Calls);
    }

    [Fact]
    public async Task Observe_FailedCall_FailsOnlyItsRequests()
    {
        var grain = new RecordingAccountGrain();
        var batcher = new AccountObservationBatcher();

        var first = batcher.ObserveAsync(grain, AccountKey, "default", Observations("a", 1));
        var firstCall = await grain.NextCallAsync();
        var second = batcher.ObserveAsync(grain, AccountKey, "default", Observations("b", 1));
        firstCall.Fail(new InvalidOperationException("account grain failed"));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        Assert.Equal("account grain failed", failure.Message);

        var secondCall = await grain.NextCallAsync();
        secondCall.Complete();
        await second;
        Assert.Equal(["b0"], secondCall.Batch.Observations.Select(item => item.Values[0]));
    }

    [Fact]
    public async Task Observe_OtherAccount_SendsIndependently()
    {
        var busy = new RecordingAccountGrain();
        var idle = new RecordingAccountGrain();
        var batcher = new AccountObservationBatcher();

        var first = batcher.ObserveAsync(busy, AccountKey, "default", Observations("a", 1));
        var busyCall = await busy.NextCallAsync();
        var other = batcher.ObserveAsync(idle, "default/444455556666", "default", Observations("x", 1));
        var idleCall = await idle.NextCallAsync();
        idleCall.Complete();
        await other;

        Assert.False(first.IsCompleted);
        busyCall.Complete();
        await first;
        Assert.Equal(["x0"], idleCall.Batch.Observations.Select(item => item.Values[0]));
    }

    private static List<AccountObservation> Observations(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(index => new AccountObservation(DateTimeOffset.UnixEpoch.AddHours(index), [$"{prefix}{index}"]))];

    /// <summary>An account grain that hands each call to the test, which completes or fails it.</summary>
    private sealed class RecordingAccountGrain : IAccountProfileGrain
    {
        private readonly System.Threading.Channels.Channel<PendingCall> calls = System.Threading.Channels.Channel.CreateUnbounded<PendingCall>();
        private int callCount;

        public int Calls => Volatile.Read(ref callCount);

        public Task<AccountProfileReply> ObserveAsync(AccountProfileBatch batch)
        {
            Interlocked.Increment(ref callCount);
            var call = new PendingCall(batch);
            calls.Writer.TryWrite(call);
            return call.Reply.Task;
        }

        public Task<BehaviorProfileSummary> GetSummaryAsync(string tenantId) => throw new NotSupportedException();

        public async Task<PendingCall> NextCallAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return await calls.Reader.ReadAsync(timeout.Token);
        }
    }

    private sealed class PendingCall(AccountProfileBatch batch)
    {
        public AccountProfileBatch Batch { get; } = batch;

        public TaskCompletionSource<AccountProfileReply> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete() => Reply.SetResult(new AccountProfileReply(false, [], []));

        public void Fail(Exception exception) => Reply.SetException(exception);
    }
}
