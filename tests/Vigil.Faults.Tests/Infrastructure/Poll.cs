namespace Vigil.Faults.Tests.Infrastructure;

/// <summary>Bounded polling of a real condition, for state that other processes change.</summary>
internal static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>Polls <paramref name="condition"/> until it returns true; throws <see cref="TimeoutException"/> with <paramref name="description"/> and <paramref name="context"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string description, Func<string>? context = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting until {description}.{(context is null ? "" : "\n" + context())}");
            }

            await Task.Delay(Interval);
        }
    }
}
