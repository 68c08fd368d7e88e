namespace Vigil.Cli.Simulation.Scenario;

/// <summary>The instances of the estate: their flows and Resolver queries hour by hour.</summary>
internal sealed partial class EstateScenario
{
    private void InstanceDay(Instance instance, DateTimeOffset date)
    {
        endpointDays.Add((instance.Id, DayIndex(date)));
        var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        for (var hour = 0; hour < 24; hour++)
        {
            var hourStart = date.AddHours(hour);
            var seconds = hourStart.ToUnixTimeSeconds();
            Connect(instance, ScenarioNetworks.TimeServers.Address(1 + random.Next(4)), 123, 17, seconds + random.Next(3600), 1, 76, 76);
            switch (instance.Kind)
            {
                case InstanceKind.App:
                    AppHour(instance, seconds);
                    break;
                case InstanceKind.Batch:
                    BatchHour(instance, hourStart, seconds);
                    break;
                case InstanceKind.Bastion:
                    BastionHour(instance, hourStart, seconds, weekend);
                    break;
                case InstanceKind.Build:
                    BuildHour(instance, hourStart, seconds, weekend);
                    break;
            }

            QueryHour(instance, hourStart, weekend);
        }
    }

    private void AppHour(Instance instance, long seconds)
    {
        for (var i = random.Next(6, 16); i > 0; i--)
        {
            Connect(instance, ScenarioNetworks.AwsServices.Address(random.Next(12)), 443, 6, seconds + random.Next(3600), random.Next(1, 30), random.Next(2_000, 20_000), random.Next(5_000, 200_000));
        }

        for (var i = random.Next(1, 5); i > 0; i--)
        {
            Connect(instance, ScenarioNetworks.Payments.Address(10 + random.Next(2)), 443, 6, seconds + random.Next(3600), random.Next(1, 5), random.Next(1_500, 6_000), random.Next(2_000, 8_000));
        }

        // The monitoring agent's heartbeat: a new connection every five minutes, from the first day.
        for (var beat = 0; beat < 12; beat++)
        {
            Connect(instance, ScenarioNetworks.Monitoring.Address(5), 443, 6, seconds + (beat * 300) + random.Next(-2, 3), 1, 1_400 + random.Next(100), 600 + random.Next(50));
        }

        for (var i = random.Next(0, 4); i > 0; i--)
        {
            Connect(instance, ScenarioNetworks.ContentDelivery.Address(random), 443, 6, seconds + random.Next(3600), random.Next(1, 10), random.Next(800, 3_000), random.Next(20_000, 2_000_000));
        }
    }

    private void BatchHour(Instance instance, DateTimeOffset hourStart, long seconds)
    {
        if (hourStart.Hour == 2)
        {
            for (var i = 0; i < 50; i++)
            {
                Connect(instance, ScenarioNetworks.AwsServices.Address(20 + random.Next(4)), 443, 6, seconds + random.Next(3000), random.Next(10, 300), random.Next(500_000, 5_000_000), random.Next(500_000, 5_000_000));
            }
        }

        if (hourStart.Hour == 3 && hourStart.DayOfWeek == DayOfWeek.Sunday)
        {
            for (var i = 0; i < 12; i++)
            {
                Connect(instance, ScenarioNetworks.Mirrors.Address(7 + random.Next(3)), i % 3 == 0 ? 80 : 443, 6, seconds + random.Next(1800), random.Next(1, 60), random.Next(2_000, 10_000), random.Next(100_000, 30_000_000));
            }
        }

        for (var i = random.Next(1, 4); i > 0; i--)
        {
            Connect(instance, ScenarioNetworks.AwsServices.Address(20 + random.Next(4)), 443, 6, seconds + random.Next(3600), random.Next(1, 10), random.Next(1_000, 10_000), random.Next(1_000, 50_000));
        }
    }

    private void BastionHour(Instance instance, DateTimeOffset hourStart, long seconds, bool weekend)
    {
        // Internet background: scanners knock on ports of the public bastion and the security group rejects them.
        for (var i = random.Next(10, 30); i > 0; i--)
        {
            var port = random.NextDouble() < 0.5 ? 22 : random.Next(1, 65536);
            Connect(instance, ScenarioNetworks.Scanners.Address(random), port, 6, seconds + random.Next(3600), 1, 0, 60, outbound: false, action: "REJECT");
        }

        if (!weekend && hourStart.Hour is >= 7 and <= 18)
        {
            for (var i = random.Next(0, 4); i > 0; i--)
            {
                var office = random.NextDouble() < 0.6 ? ScenarioNetworks.LondonOffice : ScenarioNetworks.BerlinOffice;
                Connect(instance, office.Address(random.Next(200)), 22, 6, seconds + random.Next(3600), random.Next(60, 3_000), random.Next(20_000, 2_000_000), random.Next(5_000, 100_000), outbound: false);
            }
        }

        if (hourStart.Hour == 4)
        {
            Connect(instance, ScenarioNetworks.Mirrors.Address(7), 443, 6, seconds + random.Next(600), random.Next(1, 30), 3_000, random.Next(100_000, 5_000_000));
        }
    }

    private void BuildHour(Instance instance, DateTimeOffset hourStart, long seconds, bool weekend)
    {
        if (weekend || hourStart.Hour is < 7 or > 19)
        {
            return;
        }

        for (var i = random.Next(5, 20); i > 0; i--)
        {
            Connect(instance, ScenarioNetworks.Registries.Address(random.Next(40)), 443, 6, seconds + random.Next(3600), random.Next(1, 20), random.Next(1_000, 10_000), random.Next(10_000, 20_000_000));
        }

        for (var i = random.Next(1, 4); i > 0; i--)
        {
            Connect(instance, ScenarioNetworks.GitHosting.Address(3), random.NextDouble() < 0.5 ? 22 : 443, 6, seconds + random.Next(3600), random.Next(1, 20), random.Next(1_000, 50_000), random.Next(10_000, 5_000_000));
        }

        for (var i = random.Next(1, 6); i > 0; i--)
        {
            Connect(instance, ScenarioNetworks.AwsServices.Address(30 + random.Next(6)), 443, 6, seconds + random.Next(3600), random.Next(1, 60), random.Next(10_000, 50_000_000), random.Next(2_000, 20_000));
        }
    }

    private void QueryHour(Instance instance, DateTimeOffset hourStart, bool weekend)
    {
        var (usual, perHour, newDomainChance) = instance.Kind switch
        {
            InstanceKind.App => (EstateHabits.AppDomains, random.Next(5, 20), 0.005),
            InstanceKind.Batch => (EstateHabits.BatchDomains, hourStart.Hour == 2 ? 30 : random.Next(0, 4), 0.002),
            InstanceKind.Bastion => (EstateHabits.BastionDomains, random.Next(0, 4), 0.004),
            _ => (EstateHabits.BuildDomains, weekend || hourStart.Hour is < 7 or > 19 ? 0 : random.Next(10, 40), 0.03),
        };
        for (var i = 0; i < perHour; i++)
        {
            var name = usual[random.Next(usual.Length)];
            writer.AddQuery(hourStart.AddSeconds(random.Next(3600)), instance.Id, instance.PrivateAddress, name, ScenarioNetworks.AwsServices.Address(random.Next(12)));
        }

        if (random.NextDouble() < newDomainChance)
        {
            var domain = EstateHabits.NewBenignDomains[random.Next(EstateHabits.NewBenignDomains.Length)];
            var host = random.NextDouble() < 0.5 ? domain : $"{EstateHabits.HostPrefixes[random.Next(EstateHabits.HostPrefixes.Length)]}.{domain}";
            writer.AddQuery(hourStart.AddSeconds(random.Next(3600)), instance.Id, instance.PrivateAddress, host, ScenarioNetworks.ContentDelivery.Address(random));
        }
    }

    private void Connect(Instance instance, string remote, int remotePort, int protocol, long start, int duration, long bytesOut, long bytesIn, bool outbound = true, string action = "ACCEPT")
    {
        var localPort = outbound ? random.Next(32768, 61000) : remotePort;
        var peerPort = outbound ? remotePort : random.Next(32768, 61000);
        writer.AddConnection(instance.Interface, instance.PrivateAddress, localPort, remote, peerPort, protocol, start, duration, bytesOut, bytesIn, outbound, action);
    }

    private enum InstanceKind
    {
        App,
        Batch,
        Bastion,
        Build,
    }

    /// <summary>An EC2 instance of the estate with its network interface, private address and the NAT address its API calls come from.</summary>
    private sealed record Instance(string Id, string Interface, string PrivateAddress, InstanceKind Kind, string NatAddress);
}
