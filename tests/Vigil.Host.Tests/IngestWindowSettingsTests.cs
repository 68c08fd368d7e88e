using Microsoft.Extensions.DependencyInjection;
using Vigil.Grains.Ingest;
using Vigil.Host.Configuration;

namespace Vigil.Host.Tests;

/// <summary>
/// <c>Vigil:Ingest:WindowCloudTrailEvents</c> reaches the ingest options that the ingestors resolve.
/// The host is composed but never started, so no database is needed.
/// </summary>
public sealed class IngestWindowSettingsTests
{
    [Fact]
    public void Window_Unset_UsesDefault()
    {
        var options = ResolveIngestOptions(new Dictionary<string, string?>());

        Assert.Equal(IngestOptions.DefaultWindowCloudTrailEvents, options.WindowCloudTrailEvents);
    }

    [Fact]
    public void Window_Set_ReachesIngestOptions()
    {
        var options = ResolveIngestOptions(new Dictionary<string, string?> { ["Vigil:Ingest:WindowCloudTrailEvents"] = "12345" });

        Assert.Equal(12_345, options.WindowCloudTrailEvents);
        Assert.Equal(new IngestOptions().WindowNetworkRecords, options.WindowNetworkRecords);
        Assert.Equal(new IngestOptions().ChunkSize, options.ChunkSize);
    }

    [Theory]
    [InlineData(99)]
    [InlineData(0)]
    [InlineData(1_000_001)]
    public void Validate_WindowOutOfRange_Rejected(int window)
    {
        var settings = Valid();
        settings.Ingest.WindowCloudTrailEvents = window;

        var result = new VigilHostOptionsValidator().Validate(null, settings);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, failure => failure.StartsWith($"Vigil:Ingest:WindowCloudTrailEvents is {window};", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1_000_000)]
    public void Validate_WindowAtBounds_Accepted(int window)
    {
        var settings = Valid();
        settings.Ingest.WindowCloudTrailEvents = window;

        var result = new VigilHostOptionsValidator().Validate(null, settings);

        Assert.True(result.Succeeded, string.Join("\n", result.Failures ?? []));
    }

    private static IngestOptions ResolveIngestOptions(Dictionary<string, string?> settings)
    {
        using var provider = ComposedHost.Services(settings).BuildServiceProvider();
        return provider.GetRequiredService<IngestOptions>();
    }

    private static VigilHostOptions Valid() => new()
    {
        Database = new DatabaseSettings { ConnectionString = "Host=127.0.0.1;Database=vigil;Username=vigil;Password=x" },
        Console = new Vigil.Console.Security.ConsoleAuthenticationSettings { LocalAccounts = true },
    };
}
