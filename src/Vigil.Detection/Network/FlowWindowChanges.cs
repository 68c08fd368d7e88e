using Vigil.Contracts.Detection;

namespace Vigil.Detection.Network;

/// <summary>
/// What <see cref="FlowThresholdDetection"/> changed in one <see cref="FlowWindowState"/> since
/// <see cref="Begin"/>, so that <see cref="RollBack"/> can put the state back as it was. An endpoint
/// grain counts a call's flows into its own state and undoes them when the call's findings cannot be
/// stored, instead of counting into a copy of the whole state on every call.
/// </summary>
/// <remarks>
/// The windows list and the two totals are kept as they were at <see cref="Begin"/>. Counters are
/// changed in place, so each change to one is recorded: a counter added to a window, a value added to
/// its distinct set, and its total, flag and set before they change. <see cref="Commit"/> keeps the
/// changes, and the instance can be used again for the next call. Not thread-safe.
/// </remarks>
public sealed class FlowWindowChanges
{
    private readonly List<FlowWindow> windows = [];
    private readonly List<Change> changes = [];
    private FlowWindowState? state;
    private long lateRecords;
    private long droppedCounters;

    /// <summary>Starts recording the changes to <paramref name="target"/>, forgetting any recorded before.</summary>
    public void Begin(FlowWindowState target)
    {
        ArgumentNullException.ThrowIfNull(target);
        state = target;
        windows.Clear();
        windows.AddRange(target.Windows);
        lateRecords = target.LateRecords;
        droppedCounters = target.DroppedCounters;
        changes.Clear();
    }

    /// <summary>Undoes every change since <see cref="Begin"/>, newest first, and starts recording again from the restored state.</summary>
    public void RollBack()
    {
        if (state is null)
        {
            throw new InvalidOperationException("There is no recording to roll back: call Begin before counting.");
        }

        for (var index = changes.Count - 1; index >= 0; index--)
        {
            var change = changes[index];
            switch (change.Kind)
            {
                case ChangeKind.CounterAdded:
                    change.Window!.Counters.Remove(change.Text!);
                    break;
                case ChangeKind.ValueAdded:
                    change.Counter!.Distinct.Remove(change.Text!);
                    break;
                case ChangeKind.CounterChanging:
                    change.Counter!.Total = change.Total;
                    change.Counter.Raised = change.Raised;
                    change.Counter.Distinct = change.Distinct!;
                    break;
            }
        }

        changes.Clear();
        state.Windows.Clear();
        state.Windows.AddRange(windows);
        state.LateRecords = lateRecords;
        state.DroppedCounters = droppedCounters;
    }

    /// <summary>Keeps the changes since <see cref="Begin"/> and lets go of what was recorded to undo them.</summary>
    public void Commit()
    {
        changes.Clear();
        windows.Clear();
        state = null;
    }

    internal void CounterAdded(FlowWindow window, string key) => changes.Add(new Change(ChangeKind.CounterAdded, window, null, key, 0, false, null));

    internal void ValueAdded(FlowCounter counter, string value) => changes.Add(new Change(ChangeKind.ValueAdded, null, counter, value, 0, false, null));

    /// <summary>Records the counter's total, flag and distinct set before one of them changes.</summary>
    internal void CounterChanging(FlowCounter counter) =>
        changes.Add(new Change(ChangeKind.CounterChanging, null, counter, null, counter.Total, counter.Raised, counter.Distinct));

    private enum ChangeKind : byte
    {
        CounterAdded,
        ValueAdded,
        CounterChanging,
    }

    private readonly record struct Change(
        ChangeKind Kind, FlowWindow? Window, FlowCounter? Counter, string? Text, long Total, bool Raised, HashSet<string>? Distinct);
}
