using System.Diagnostics.CodeAnalysis;

namespace Vigil.Detection.Profiles;

/// <summary>
/// Emptied undo logs of one kind of profile, shared by all profiles of that kind, so that a grain
/// call rents a log with its tables instead of allocating them. At most <c>maxPooled</c> logs are
/// kept, and the garbage collector takes the rest.
/// </summary>
internal sealed class ChangeLogPool<TLog>(int maxPooled)
    where TLog : class
{
    private readonly Stack<TLog> logs = new();
    private readonly Lock gate = new();

    /// <summary>Takes a log from the pool, if it has one.</summary>
    public bool TryRent([NotNullWhen(true)] out TLog? log)
    {
        lock (gate)
        {
            return logs.TryPop(out log);
        }
    }

    /// <summary>Puts back a log that the caller has emptied and that no profile refers to any more.</summary>
    public void Return(TLog log)
    {
        lock (gate)
        {
            if (logs.Count < maxPooled)
            {
                logs.Push(log);
            }
        }
    }
}
