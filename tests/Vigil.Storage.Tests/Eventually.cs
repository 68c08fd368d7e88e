namespace Vigil.Storage.Tests;

/// <summary>Bounded polling of a real condition, for state that other components change asynchronously.</summary>
internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Polls <paramref name="condition"/> until it returns true, and fails the test after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string description)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting until {description}.");
            }

            await Task.Delay(PollInterval);
        }
    }
}
