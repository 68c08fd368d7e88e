using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vigil.Host.Services;

namespace Vigil.Host.Tests;

/// <summary>
/// Checks the start order of the host's background services, which follows their registration
/// order. The host is composed but never started, so no database is needed.
/// </summary>
public sealed class HostedServiceOrderTests
{
    [Theory]
    [InlineData(typeof(ThreatListRefreshService))]
    [InlineData(typeof(RuleRefreshService))]
    [InlineData(typeof(DetectorSettingsRefreshService))]
    public void ListsAndRules_StartBeforeTheSilo(Type service)
    {
        var order = HostedServiceNames();

        var silo = order.FindIndex(name => name.Contains("Silo", StringComparison.Ordinal));
        var loader = order.IndexOf(service.Name);

        Assert.True(silo >= 0, "The Orleans silo's hosted service was not found among: " + string.Join(", ", order));
        Assert.True(loader >= 0, $"{service.Name} is not registered among: " + string.Join(", ", order));
        Assert.True(loader < silo, $"{service.Name} starts at position {loader}, after the silo at {silo}: " + string.Join(", ", order));
    }

    [Fact]
    public void Migrations_StartBeforeTheListLoader()
    {
        var order = HostedServiceNames();

        Assert.True(order.IndexOf(nameof(DatabaseMigrationService)) < order.IndexOf(nameof(ThreatListRefreshService)), string.Join(", ", order));
    }

    private static List<string> HostedServiceNames()
    {
        return ComposedHost.Services()
            .Where(descriptor => descriptor.ServiceType == typeof(IHostedService))
            .Select(descriptor => descriptor.ImplementationType?.Name
                ?? descriptor.ImplementationInstance?.GetType().Name
                ?? descriptor.ImplementationFactory?.Method.ReturnType.Name
                ?? "?")
            .ToList();
    }
}
