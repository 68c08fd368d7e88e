using Vigil.Detection.Profiles;

namespace Vigil.Cli.Simulation.Scenario;

/// <summary>
/// Planted attacks that only profiles can see: a sign-in from too far away, a large upload, DNS that
/// bypasses the VPC resolver, a new server port and spam. The DoH and DoT servers are the public
/// resolvers' published addresses, which the DoH rule recognises. Like every address of the scenario,
/// they are only written to the log files.
/// </summary>
internal sealed partial class EstateScenario
{
    private const string ConsoleLoginFar = "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B";

    private static readonly string[] IamAnomalyTypes =
    [
        "InitialAccess:IAMUser/AnomalousBehavior", "Discovery:IAMUser/AnomalousBehavior", "Persistence:IAMUser/AnomalousBehavior",
        "PrivilegeEscalation:IAMUser/AnomalousBehavior", "CredentialAccess:IAMUser/AnomalousBehavior", "DefenseEvasion:IAMUser/AnomalousBehavior",
        "Impact:IAMUser/AnomalousBehavior", "Exfiltration:IAMUser/AnomalousBehavior",
    ];

    private static readonly (string Address, string Provider)[] DohResolvers = [("1.1.1.1", "Cloudflare"), ("8.8.8.8", "Google"), ("9.9.9.9", "Quad9")];

    private static readonly int[] UnusualPorts = [1389, 4444, 6667];

    /// <summary>
    /// A person signs in to the console from home, and within two hours their stolen password signs in
    /// from a hosting network in Singapore, with another browser, and looks around.
    /// </summary>
    private void PlantConsoleLoginFar(int round, DateTimeOffset time)
    {
        var candidates = staff.Where(member => member.Tools.Contains("console")).ToList();
        if (candidates.Count == 0)
        {
            return;
        }

        var victim = candidates[(round * 5 + 2) % candidates.Count];
        var home = victim.Home.Address(random);
        var attacker = ScenarioNetworks.Attackers[3].Address(random);
        var browser = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
        var theft = time.AddMinutes(random.Next(40, 110));
        var calls = new List<ScenarioEvent>
        {
            new(time, victim.Identity, "signin.amazonaws.com", "ConsoleLogin", home, EstateHabits.Agents["console"]),
            new(theft, victim.Identity, "signin.amazonaws.com", "ConsoleLogin", attacker, browser),
        };
        var end = theft;
        for (var call = 0; call < 8; call++)
        {
            end = end.AddSeconds(random.Next(10, 60));
            calls.Add(ApiEvent(end, victim.Identity, victim.Core[random.Next(victim.Core.Count)], attacker, browser));
        }

        Plan(time, _ => calls.ForEach(Emit));
        AddTruth("console-login-far", round,
            $"{victim.Identity.Name} signs in to the console from home ({home}); {Math.Round((theft - time).TotalMinutes)} minutes later the same user signs in from {attacker} in Singapore with another browser and makes 8 calls.",
            [ConsoleLoginFar], IamAnomalyTypes,
            [victim.Identity.Name, victim.Identity.AccessKeyId], theft, end);
    }

    /// <summary>An instance uploads about 5 GB to a new outside host over HTTPS within an hour.</summary>
    private void PlantTrafficExfiltration(int round, DateTimeOffset time)
    {
        var instance = instances[(round * 3 + 4) % instances.Count];
        var peer = ScenarioNetworks.Attackers[2].Address(random);
        var start = time.ToUnixTimeSeconds();
        var uploads = Enumerable.Range(0, 40).Select(_ => (Offset: random.Next(0, 3600), Bytes: random.NextInt64(100_000_000, 150_000_000))).ToList();
        Plan(time, _ => uploads.ForEach(upload => Connect(instance, peer, 443, 6, start + upload.Offset, random.Next(60, 300), upload.Bytes, random.Next(20_000, 80_000))));
        AddTruth("traffic-exfiltration", round,
            $"{instance.Id} uploads {uploads.Sum(upload => upload.Bytes) / 1_000_000} MB to the new host {peer} on port 443 within an hour.",
            ["Behavior:EC2/TrafficVolumeUnusual"], ["Backdoor:EC2/Beaconing.Flow"],
            [instance.Id, instance.Interface], time, time.AddSeconds(3900));
    }

    /// <summary>Malware on an instance resolves names through an outside resolver on port 53 instead of the VPC resolver.</summary>
    private void PlantUnusualResolver(int round, DateTimeOffset time)
    {
        var instance = instances[(round * 3 + 5) % instances.Count];
        var resolver = ScenarioNetworks.Attackers[1].Address(53 + round);
        var start = time.ToUnixTimeSeconds();
        var offsets = Enumerable.Range(0, 30).Select(_ => random.Next(0, 1800)).ToList();
        Plan(time, _ => offsets.ForEach(offset => Connect(instance, resolver, 53, 17, start + offset, 1, random.Next(60, 90), random.Next(90, 300))));
        AddTruth("unusual-dns-resolver", round,
            $"{instance.Id} sends 30 DNS queries to the outside resolver {resolver} on UDP port 53 within 30 minutes.",
            ["DefenseEvasion:EC2/UnusualDNSResolver"], [],
            [instance.Id, instance.Interface], time, time.AddSeconds(1800));
    }

    /// <summary>A process on an instance resolves names over DNS over HTTPS with a public resolver, out of sight of the query logs.</summary>
    private void PlantDoh(int round, DateTimeOffset time)
    {
        var instance = instances[(round * 3 + 6) % instances.Count];
        var (server, provider) = DohResolvers[round % DohResolvers.Length];
        var start = time.ToUnixTimeSeconds();
        var offsets = Enumerable.Range(0, 12).Select(_ => random.Next(0, 1800)).ToList();
        Plan(time, _ => offsets.ForEach(offset => Connect(instance, server, 443, 6, start + offset, random.Next(1, 30), random.Next(1_500, 6_000), random.Next(2_000, 9_000))));
        AddTruth("doh", round,
            $"{instance.Id} opens 12 HTTPS connections to the {provider} DNS-over-HTTPS resolver {server} within 30 minutes.",
            ["DefenseEvasion:EC2/UnusualDoHActivity"], [],
            [instance.Id, instance.Interface], time, time.AddSeconds(1800));
    }

    /// <summary>A process on an instance resolves names over DNS over TLS (port 853) with a public resolver.</summary>
    private void PlantDot(int round, DateTimeOffset time)
    {
        var instance = instances[(round * 3 + 1) % instances.Count];
        var (server, provider) = DohResolvers[(round + 1) % DohResolvers.Length];
        var start = time.ToUnixTimeSeconds();
        var offsets = Enumerable.Range(0, 12).Select(_ => random.Next(0, 1800)).ToList();
        Plan(time, _ => offsets.ForEach(offset => Connect(instance, server, 853, 6, start + offset, random.Next(1, 30), random.Next(1_000, 4_000), random.Next(1_500, 6_000))));
        AddTruth("dot", round,
            $"{instance.Id} opens 12 connections to the {provider} resolver {server} on the DNS-over-TLS port 853 within 30 minutes.",
            ["DefenseEvasion:EC2/UnusualDoTActivity"], [],
            [instance.Id, instance.Interface], time, time.AddSeconds(1800));
    }

    /// <summary>An instance opens a few connections to an outside host on a server port it never used: a log4j LDAP callback, a shell listener or IRC.</summary>
    private void PlantUnusualPort(int round, DateTimeOffset time)
    {
        var instance = instances[(round * 3 + 2) % instances.Count];
        var peer = ScenarioNetworks.Attackers[0].Address(random);
        var port = UnusualPorts[round % UnusualPorts.Length];
        var start = time.ToUnixTimeSeconds();
        var offsets = Enumerable.Range(0, 3).Select(_ => random.Next(0, 600)).ToList();
        Plan(time, _ => offsets.ForEach(offset => Connect(instance, peer, port, 6, start + offset, random.Next(1, 120), random.Next(300, 3_000), random.Next(300, 20_000))));
        AddTruth("unusual-port", round,
            $"{instance.Id} opens 3 TCP connections to {peer} on port {port}, which it never used, within ten minutes.",
            ["Behavior:EC2/NetworkPortUnusual"], [],
            [instance.Id, instance.Interface], time, time.AddSeconds(600));
    }

    /// <summary>Spam malware on an instance delivers mail to 50 mail servers on port 25 within an hour.</summary>
    private void PlantSpambot(int round, DateTimeOffset time)
    {
        var instance = instances[(round * 3 + 3) % instances.Count];
        var start = time.ToUnixTimeSeconds();
        var deliveries = Enumerable.Range(0, 200).Select(_ => (Server: ScenarioNetworks.MailServers.Address(random.Next(50)), Offset: random.Next(0, 3600))).ToList();
        Plan(time, _ => deliveries.ForEach(delivery => Connect(instance, delivery.Server, 25, 6, start + delivery.Offset, random.Next(1, 10), random.Next(3_000, 40_000), random.Next(300, 1_000))));
        AddTruth("spambot", round,
            $"{instance.Id} opens 200 SMTP connections on port 25 to 50 mail servers within an hour.",
            ["Backdoor:EC2/Spambot"], [],
            [instance.Id, instance.Interface], time, time.AddSeconds(3600));
    }
}

/// <summary>The insider attack that the frequency rules cannot see and the hourly volume rule finds, planted with <c>--insider</c>.</summary>
internal sealed partial class EstateScenario
{
    /// <summary>
    /// The type the principal profile raises for an hour with many more calls than the principal's
    /// busiest learned hour. Expected for the insider attack and acceptable for the bursts of 25 to
    /// 150 calls made with stolen keys, which also exceed the victim's busiest hour.
    /// </summary>
    public const string ActivityUnusualType = AnomalyTypes.ActivityVolumeUnusual;

    /// <summary>
    /// A person copies their own bucket: from their usual network, with their usual tool, the usual
    /// ListObjectsV2 and GetObject calls on the bucket they read every week, but 300 to 500 objects in
    /// an hour instead of a few dozen. Even rounds happen in working hours, odd rounds at night.
    /// </summary>
    private void PlantInsiderBulkRead(int round, DateTimeOffset time)
    {
        var candidates = staff.Where(member => member.Persona.Buckets.Length > 0 && member.Persona != EstateHabits.Security).ToList();
        var victim = candidates[(round * 7 + 4) % candidates.Count];
        var bucket = victim.Persona.Buckets[victim.Seed % victim.Persona.Buckets.Length];
        var localHour = round % 2 == 0 ? random.Next(10, 16) : random.Next(1, 4);
        var start = new DateTimeOffset(time.UtcDateTime.Date, TimeSpan.Zero).AddHours(localHour - victim.UtcOffset).AddMinutes(random.Next(0, 20));
        var address = localHour >= 8 ? victim.Office.Address(victim.Seed % 200) : victim.Home.Address(random);
        var agent = EstateHabits.Agents[victim.Tools[0]];
        var end = start;
        var calls = new List<ScenarioEvent> { new(end, victim.Identity, "s3.amazonaws.com", "ListObjectsV2", address, agent, bucket) };
        var objects = random.Next(300, 501);
        for (var item = 0; item < objects; item++)
        {
            end = end.AddMilliseconds(random.Next(3_000, 9_000));
            calls.Add(new ScenarioEvent(end, victim.Identity, "s3.amazonaws.com", "GetObject", address, agent, bucket, $"reports/{random.Next(1_000_000)}.csv"));
        }

        Plan(start, _ => calls.ForEach(Emit));
        AddTruth("insider-bulk-read", round,
            $"{victim.Identity.Name} downloads {objects} objects of their own bucket {bucket} from their usual network and tool at {localHour}:00 local time, ten times their usual volume.",
            [ActivityUnusualType], [ExfiltrationS3],
            [victim.Identity.Name, victim.Identity.AccessKeyId], start, end);
    }
}
