using System.Collections.Concurrent;
using Orleans.Runtime;

namespace Vigil.Storage.Tests.Orleans;

public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds to the counter, writes the state and returns the new value.</summary>
    Task<int> AddAsync(int amount);

    Task<int> GetAsync();
}

[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)]
    public int Value { get; set; }
}

public sealed class CounterGrain([PersistentState("counter", TestSilo.StorageName)] IPersistentState<CounterState> counter)
    : Grain, ICounterGrain
{
    public async Task<int> AddAsync(int amount)
    {
        counter.State.Value += amount;
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(counter.State.Value);
}

public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task RegisterAsync(string reminderName, TimeSpan dueTime, TimeSpan period);
}

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    public Task RegisterAsync(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        this.RegisterOrUpdateReminder(reminderName, dueTime, period);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReminderTicks.Signal(this.GetPrimaryKeyString(), reminderName);
        return Task.CompletedTask;
    }
}

/// <summary>Lets a test wait for the next tick of a reminder. This works because the silos run in the test process.</summary>
public static class ReminderTicks
{
    private static readonly ConcurrentDictionary<(string GrainKey, string ReminderName), TaskCompletionSource> Waiters = new();

    /// <summary>Returns a task that completes at the first tick after this call.</summary>
    public static Task NextTickAsync(string grainKey, string reminderName)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Waiters[(grainKey, reminderName)] = waiter;
        return waiter.Task;
    }

    public static void Signal(string grainKey, string reminderName)
    {
        if (Waiters.TryRemove((grainKey, reminderName), out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
