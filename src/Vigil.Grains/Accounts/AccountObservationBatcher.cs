using Vigil.Abstractions;

namespace Vigil.Grains.Accounts;

/// <summary>
/// Sends the observations of principal grain calls without questions to their account profile
/// grain, several calls in one grain call. A principal's call waits until its observations are
/// counted, as with a call of its own, so the account profile counts them before the principal's next call.
/// </summary>
/// <remarks>
/// One silo-wide instance. Per account grain, at most one call is in flight, and the observations
/// that arrive meanwhile go out together when it returns, in the order they arrived. An idle account
/// grain gets the next observations at once. A grain-call window starts a principal call for every
/// principal in it at the same time. So while one batch is counted, the other principals of the
/// account queue up for the next one, where each of them used to make a grain call of its own.
/// Questions still go in a call of the principal's own, because their answers must reflect the
/// account as it was before that principal's observations. The queue of an account stays once made,
/// so the instance keeps a small entry for every account grain the silo has sent observations to.
/// </remarks>
public sealed class AccountObservationBatcher
{
    private readonly Dictionary<string, AccountQueue> queues = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>
    /// Counts <paramref name="observations"/> in the account profile grain <paramref name="account"/>
    /// (key <paramref name="accountKey"/>), and completes once they are counted. Fails with the
    /// exception of the account grain call that carried them.
    /// </summary>
    public Task ObserveAsync(IAccountProfileGrain account, string accountKey, string tenantId, IReadOnlyList<AccountObservation> observations)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(observations);
        var request = new PendingObservations(tenantId, observations);
        var start = false;
        AccountQueue queue;
        lock (gate)
        {
            if (!queues.TryGetValue(accountKey, out queue!))
            {
                queue = new AccountQueue(account);
                queues[accountKey] = queue;
            }

            queue.Pending.Add(request);
            if (!queue.Sending)
            {
                queue.Sending = true;
                start = true;
            }
        }

        if (start)
        {
            // Outside the calling grain's scheduler, so that the loop belongs to no activation.
            _ = Task.Run(() => SendAllAsync(queue));
        }

        return request.Counted.Task;
    }

    /// <summary>Sends what the queue holds, batch after batch, until it is empty.</summary>
    private async Task SendAllAsync(AccountQueue queue)
    {
        while (true)
        {
            List<PendingObservations> batch;
            lock (gate)
            {
                if (queue.Pending.Count == 0)
                {
                    queue.Sending = false;
                    return;
                }

                batch = TakeBatch(queue.Pending);
            }

            await SendAsync(queue.Account, batch).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes the oldest requests of one tenant, in order, up to <see cref="AccountProfileGrain.MaxItemsPerCall"/>
    /// observations. A larger request goes alone, and the grain rejects it as before.
    /// </summary>
    private static List<PendingObservations> TakeBatch(List<PendingObservations> pending)
    {
        var batch = new List<PendingObservations> { pending[0] };
        var count = pending[0].Observations.Count;
        var index = 1;
        while (index < pending.Count
            && pending[index].TenantId == pending[0].TenantId
            && count + pending[index].Observations.Count <= AccountProfileGrain.MaxItemsPerCall)
        {
            count += pending[index].Observations.Count;
            batch.Add(pending[index]);
            index++;
        }

        pending.RemoveRange(0, index);
        return batch;
    }

    private static async Task SendAsync(IAccountProfileGrain account, List<PendingObservations> batch)
    {
        IReadOnlyList<AccountObservation> observations = batch[0].Observations;
        if (batch.Count > 1)
        {
            var all = new List<AccountObservation>();
            foreach (var request in batch)
            {
                all.AddRange(request.Observations);
            }

            observations = all;
        }

        try
        {
            await account.ObserveAsync(new AccountProfileBatch(batch[0].TenantId, observations, [])).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            foreach (var request in batch)
            {
                request.Counted.TrySetException(exception);
            }

            return;
        }

        foreach (var request in batch)
        {
            request.Counted.TrySetResult();
        }
    }

    /// <summary>The account grain of one queue, the requests waiting for it, and whether a loop is sending them.</summary>
    private sealed class AccountQueue(IAccountProfileGrain account)
    {
        public IAccountProfileGrain Account { get; } = account;

        public List<PendingObservations> Pending { get; } = [];

        public bool Sending { get; set; }
    }

    /// <summary>One principal call's observations and the task that completes when they are counted.</summary>
    private sealed class PendingObservations(string tenantId, IReadOnlyList<AccountObservation> observations)
    {
        public string TenantId { get; } = tenantId;

        public IReadOnlyList<AccountObservation> Observations { get; } = observations;

        public TaskCompletionSource Counted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
