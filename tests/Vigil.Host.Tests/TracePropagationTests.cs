using Orleans;

namespace Vigil.Host.Tests;

/// <summary>
/// Orleans' trace propagation filters run on every grain call, so the host adds them only when a
/// collector records traces. The host is composed but never started, so no database is needed.
/// </summary>
public sealed class TracePropagationTests
{
    [Fact]
    public void WithoutCollector_NoPropagationFilters()
    {
        Assert.Empty(PropagationFilters(otlpEndpoint: null));
    }

    [Fact]
    public void WithCollector_PropagationFiltersOnBothSides()
    {
        var filters = PropagationFilters(otlpEndpoint: "http://127.0.0.1:4317");

        Assert.Contains(typeof(IIncomingGrainCallFilter), filters);
        Assert.Contains(typeof(IOutgoingGrainCallFilter), filters);
    }

    /// <summary>The grain call filter interfaces registered by a type whose name says it propagates activities.</summary>
    private static List<Type> PropagationFilters(string? otlpEndpoint)
    {
        return ComposedHost.Services(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint })
            .Where(descriptor => descriptor.ServiceType == typeof(IIncomingGrainCallFilter) || descriptor.ServiceType == typeof(IOutgoingGrainCallFilter))
            .Where(descriptor => descriptor.ImplementationType?.Name.Contains("ActivityPropagation", StringComparison.Ordinal) == true)
            .Select(descriptor => descriptor.ServiceType)
            .ToList();
    }
}
