using System.Reflection;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Console.Components.Pages;
using Vigil.Contracts.Cluster;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

public sealed class ClusterTests : ConsoleComponentTest
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 30, 20, TimeSpan.Zero);

    private readonly FakeClusterStatusReader cluster = new();
    private readonly FakeIngestStatistics ingest = new();

    public ClusterTests()
    {
        Services.AddSingleton<IClusterStatusReader>(cluster);
        Services.AddSingleton<IIngestStatistics>(ingest);
        Services.AddSingleton<TimeProvider>(new FixedTimeProvider(Now));
        Authorization.SetRoles(ConsoleRoles.PlatformOperator);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void Page_RequiresPlatformOperator()
    {
        var attribute = typeof(Cluster).GetCustomAttributes<AuthorizeAttribute>().Single(attribute => attribute.Roles is not null);

        Assert.Equal(ConsoleRoles.PlatformOperator, attribute.Roles);
    }

    [Fact]
    public void Silos_ShowStatusAndLoad()
    {
        cluster.Status = new ClusterStatus(
            [
                new SiloSummary { Address = "127.0.0.1:11111@1", Name = "silo-a", HostName = "host-a", Status = "Active", ActivationCount = 1_500, CpuUsagePercent = 12.5, MemoryUsageBytes = 3L << 30 },
                new SiloSummary { Address = "127.0.0.1:11112@1", Name = "silo-b", HostName = "host-b", Status = "Dead" },
            ],
            []);

        var page = RenderPage<Cluster>();

        var silos = page.FindAll(".vigil-silo");
        Assert.Equal(2, silos.Count);
        Assert.Contains("silo-a", silos[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("Active", silos[0].QuerySelector(".vigil-silo-status")!.TextContent.Trim());
        Assert.Equal("1,500", silos[0].QuerySelector(".vigil-silo-activations")!.TextContent);
        Assert.Contains("12.5 %", silos[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("3.0 GiB", silos[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("Dead", silos[1].QuerySelector(".vigil-silo-status")!.TextContent.Trim());
    }

    [Fact]
    public void GrainTypes_SummedOverSilos()
    {
        cluster.Status = new ClusterStatus([], [
            new GrainTypeCount("Vigil.Grains.Principals.PrincipalGrain", "a", 10),
            new GrainTypeCount("Vigil.Grains.Principals.PrincipalGrain", "b", 5),
            new GrainTypeCount("Vigil.Grains.Endpoints.EndpointGrain", "a", 7),
        ]);

        var page = RenderPage<Cluster>();

        var rows = page.FindAll(".vigil-grain-type");
        Assert.Equal(2, rows.Count);
        Assert.Contains("PrincipalGrain", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("15", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("PrincipalGrain 15, EndpointGrain 7", page.Find(".vigil-grain-chart").GetAttribute("aria-label"), StringComparison.Ordinal);
    }

    [Fact]
    public void Throughput_LastHourPerMinute()
    {
        var minute = new DateTimeOffset(2026, 12, 5, 10, 20, 0, TimeSpan.Zero);
        ingest.Rates[minute] = new IngestRate(minute, 4, 1, 12_000, 3);

        var page = RenderPage<Cluster>();

        var (from, to, step) = Assert.Single(ingest.Requests);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 9, 31, 0, TimeSpan.Zero), from);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 10, 31, 0, TimeSpan.Zero), to);
        Assert.Equal(TimeSpan.FromMinutes(1), step);
        Assert.Contains("12,000 records in 4 objects, 1 failed", page.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(512L << 20, "512 MiB")]
    [InlineData(3L << 30, "3.0 GiB")]
    [InlineData(null, "–")]
    public void Bytes_Formatted(long? bytes, string expected) => Assert.Equal(expected, Cluster.Bytes(bytes));
}
