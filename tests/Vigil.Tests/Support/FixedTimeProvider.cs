namespace Vigil.Tests.Support;

/// <summary>A clock that always returns the same instant, so finding timestamps are predictable.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
