using System.Globalization;
using Vigil.Detection.Dns;

namespace Vigil.Cli.Simulation.Scenario;

/// <summary>The planted attacks of the estate scenario and their ground truth.</summary>
internal sealed partial class EstateScenario
{
    private const string InstanceOutsideAws = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS";
    private const string InstanceInsideAws = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS";

    /// <summary>The AWS account of the attacker who uses stolen instance credentials from inside AWS.</summary>
    private const string AttackerAccountId = "739275104386";
    private const string DiscoveryIam = "Discovery:IAMUser/AnomalousBehavior";
    private const string CredentialAccessIam = "CredentialAccess:IAMUser/AnomalousBehavior";
    private const string ExfiltrationS3 = "Exfiltration:S3/AnomalousBehavior";
    private const string DiscoveryS3 = "Discovery:S3/AnomalousBehavior";

    private static readonly string[] DomainReputationTypes =
    [
        "Impact:EC2/MaliciousDomainRequest.Reputation", "Impact:EC2/BitcoinDomainRequest.Reputation",
        "Impact:EC2/AbusedDomainRequest.Reputation", "Impact:EC2/SuspiciousDomainRequest.Reputation",
    ];

    private static readonly string[] DiscoveryApis =
    [
        "sts:GetCallerIdentity", "iam:ListUsers", "iam:ListRoles", "iam:ListPolicies", "iam:GetAccountAuthorizationDetails", "iam:ListGroups",
        "ec2:DescribeInstances", "ec2:DescribeVpcs", "ec2:DescribeSnapshots", "ec2:DescribeImages", "s3:ListBuckets", "rds:DescribeDBInstances",
        "secretsmanager:ListSecrets", "kms:ListKeys", "lambda:ListFunctions20150331", "organizations:DescribeOrganization",
        "cloudtrail:DescribeTrails", "guardduty:ListDetectors", "ssm:DescribeParameters", "dynamodb:ListTables",
    ];

    private static readonly string[] TunnelDomains = ["cdn-telemetry-sync.net", "update-metrics-api.com", "static-assets-cache.org", "api-status-report.net"];

    /// <summary>Plans one round of every attack kind per week after the learning period; each round picks other victims.</summary>
    private void PlanAttacks()
    {
        // Two days of margin: a principal whose first call came on the second day still learns when the first round starts.
        var firstDay = (int)Math.Ceiling(options.LearningDays) + 2;
        var kinds = new (string Kind, Action<int, DateTimeOffset> Plant)[]
        {
            ("instance-credential-theft", PlantCredentialTheft),
            ("instance-credential-theft-inside-aws", PlantCredentialTheftInsideAws),
            ("discovery-burst", PlantDiscoveryBurst),
            ("s3-exfiltration", PlantS3Exfiltration),
            ("port-scan", PlantPortScan),
            ("ssh-brute-force", PlantBruteForce),
            ("dga", PlantDga),
            ("dns-tunnel", PlantDnsTunnel),
            ("beaconing", PlantBeaconing),
            ("console-login-far", PlantConsoleLoginFar),
            ("traffic-exfiltration", PlantTrafficExfiltration),
            ("unusual-dns-resolver", PlantUnusualResolver),
            ("doh", PlantDoh),
            ("dot", PlantDot),
            ("unusual-port", PlantUnusualPort),
            ("spambot", PlantSpambot),
        };
        if (options.PlantInsider)
        {
            kinds = [.. kinds, ("insider-bulk-read", PlantInsiderBulkRead)];
        }

        for (var round = 0; firstDay + (round * 7) + 4 < Days; round++)
        {
            foreach (var (_, plant) in kinds)
            {
                var day = firstDay + (round * 7) + random.Next(0, 5);
                var time = options.Start.AddDays(day).AddHours(random.Next(0, 22)).AddMinutes(random.Next(60));
                plant(round, time);
            }
        }
    }

    private void Plan(DateTimeOffset time, Action<ScenarioLogWriter> action)
    {
        var day = DayIndex(time);
        if (!plannedAttacks.TryGetValue(day, out var list))
        {
            list = [];
            plannedAttacks[day] = list;
        }

        list.Add(action);
    }

    private void AddTruth(string kind, int round, string description, string[] expected, string[] acceptable, string[] resources, DateTimeOffset start, DateTimeOffset end) =>
        attacks.Add(new PlantedAttack
        {
            Id = $"{kind}-{round + 1}",
            Kind = kind,
            Description = description,
            ExpectedTypes = expected,
            AcceptableTypes = acceptable,
            Resources = resources,
            WindowStart = start,
            WindowEnd = end,
        });

    private void PlantCredentialTheft(int round, DateTimeOffset time)
    {
        var instance = instances.Where(item => item.Kind == InstanceKind.App).ElementAt(round % 4);
        var identity = CloudTrailIdentity.Role(AccountId, "app-server", instance.Id);
        var attacker = ScenarioNetworks.Attackers[0].Address(random);
        var agent = EstateHabits.Agents["cli"];
        var end = time;
        var calls = new List<ScenarioEvent>();
        foreach (var (api, error) in new[]
        {
            ("sts:GetCallerIdentity", (string?)null), ("s3:ListBuckets", null), ("iam:ListRoles", "AccessDenied"), ("ec2:DescribeInstances", "AccessDenied"),
            ("secretsmanager:ListSecrets", null), ("secretsmanager:GetSecretValue", null), ("ssm:DescribeParameters", null),
        })
        {
            end = end.AddSeconds(random.Next(5, 40));
            calls.Add(ApiEvent(end, identity, api, attacker, agent, error));
        }

        for (var item = 0; item < 25; item++)
        {
            end = end.AddSeconds(random.Next(2, 10));
            calls.Add(new ScenarioEvent(end, identity, "s3.amazonaws.com", "GetObject", attacker, agent, "example-app-uploads", $"u/{random.Next(1_000_000)}.jpg"));
        }

        Plan(time, _ => calls.ForEach(Emit));
        AddTruth("instance-credential-theft", round,
            $"The instance credentials of {instance.Id} (role app-server) are used from {attacker}, a hosting network outside AWS: discovery calls, a secret read and 25 object downloads.",
            [InstanceOutsideAws], [DiscoveryIam, CredentialAccessIam, ExfiltrationS3, DiscoveryS3, ActivityUnusualType],
            ["app-server", instance.Id, identity.AccessKeyId], time, end);
    }

    /// <summary>
    /// An application server's instance credentials are used from an instance in the attacker's own
    /// AWS account. Even rounds call from its public EC2 address. Odd rounds call through an interface
    /// VPC endpoint of the attacker's VPC, and CloudTrail records its private address and endpoint account.
    /// </summary>
    private void PlantCredentialTheftInsideAws(int round, DateTimeOffset time)
    {
        var instance = instances.Where(item => item.Kind == InstanceKind.App).ElementAt((round + 2) % 4);
        var identity = CloudTrailIdentity.Role(AccountId, "app-server", instance.Id);
        var throughEndpoint = round % 2 == 1;

        // Offsets from 100,000 on keep clear of the estate's own NAT addresses, which sit near offset 1,000.
        var address = throughEndpoint
            ? $"172.31.{random.Next(0, 256).ToString(CultureInfo.InvariantCulture)}.{random.Next(4, 255).ToString(CultureInfo.InvariantCulture)}"
            : ScenarioNetworks.AwsEc2.Address(100_000 + random.Next(500_000));
        var endpoint = throughEndpoint ? "vpce-0" + ScenarioLogWriter.Stable($"{AttackerAccountId}/{round}", 16).ToLowerInvariant() : null;
        var endpointAccount = throughEndpoint ? AttackerAccountId : null;
        var agent = EstateHabits.Agents["cli"];
        var end = time;
        var calls = new List<ScenarioEvent>();
        foreach (var (api, error) in new[]
        {
            ("sts:GetCallerIdentity", (string?)null), ("s3:ListBuckets", null), ("iam:ListAttachedRolePolicies", "AccessDenied"),
            ("secretsmanager:ListSecrets", null), ("secretsmanager:GetSecretValue", null),
        })
        {
            end = end.AddSeconds(random.Next(5, 40));
            calls.Add(ApiEvent(end, identity, api, address, agent, error) with { VpcEndpointId = endpoint, VpcEndpointAccountId = endpointAccount });
        }

        for (var item = 0; item < 20; item++)
        {
            end = end.AddSeconds(random.Next(2, 10));
            calls.Add(new ScenarioEvent(end, identity, "s3.amazonaws.com", "GetObject", address, agent, "example-app-uploads", $"u/{random.Next(1_000_000)}.jpg", null, endpoint, endpointAccount));
        }

        Plan(time, _ => calls.ForEach(Emit));
        var source = throughEndpoint ? $"{address} through the VPC endpoint {endpoint} of account {AttackerAccountId}" : $"{address}, an EC2 address of another AWS account";
        AddTruth("instance-credential-theft-inside-aws", round,
            $"The instance credentials of {instance.Id} (role app-server) are used from {source}: discovery calls, a secret read and 20 object downloads.",
            [InstanceInsideAws], [DiscoveryIam, CredentialAccessIam, ExfiltrationS3, DiscoveryS3, ActivityUnusualType],
            ["app-server", instance.Id, identity.AccessKeyId], time, end);
    }

    private void PlantDiscoveryBurst(int round, DateTimeOffset time)
    {
        var candidates = staff.Where(member => member.Persona != EstateHabits.Security).ToList();
        var victim = candidates[(round * 7 + 3) % candidates.Count];
        var attacker = ScenarioNetworks.Attackers[1].Address(random);
        var agent = "Boto3/1.28.85 md/Botocore#1.31.85 ua/2.0 os/linux#5.15.0-89-generic md/arch#x86_64 lang/python#3.10.12 md/pyimpl#CPython";
        var end = time;
        var calls = new List<ScenarioEvent>();
        for (var call = 0; call < 45; call++)
        {
            end = end.AddSeconds(random.Next(1, 6));
            var api = DiscoveryApis[call % DiscoveryApis.Length];
            calls.Add(ApiEvent(end, victim.Identity, api, attacker, agent, random.NextDouble() < 0.3 ? "AccessDenied" : null));
        }

        Plan(time, _ => calls.ForEach(Emit));
        AddTruth("discovery-burst", round,
            $"The access key of {victim.Identity.Name} ({victim.Persona.Name}) is used from {attacker} to enumerate IAM, EC2, S3, secrets and more: 45 calls in a few minutes.",
            [DiscoveryIam], [CredentialAccessIam, ActivityUnusualType],
            [victim.Identity.Name, victim.Identity.AccessKeyId], time, end);
    }

    private void PlantS3Exfiltration(int round, DateTimeOffset time)
    {
        var candidates = staff.Where(member => member.Persona == EstateHabits.Analyst || member.Persona == EstateHabits.Developer).ToList();
        var victim = candidates[(round * 5 + 1) % candidates.Count];
        var own = victim.Persona.Buckets[victim.Seed % victim.Persona.Buckets.Length];
        var bucket = own == "example-finance-reports" ? "example-data-lake" : "example-finance-reports";
        var attacker = ScenarioNetworks.Attackers[2].Address(random);
        var agent = EstateHabits.Agents["cli"];
        var end = time;
        var calls = new List<ScenarioEvent> { ApiEvent(end, victim.Identity, "s3:ListBuckets", attacker, agent) };
        for (var page = 0; page < 3; page++)
        {
            end = end.AddSeconds(random.Next(2, 8));
            calls.Add(new ScenarioEvent(end, victim.Identity, "s3.amazonaws.com", "ListObjectsV2", attacker, agent, bucket));
        }

        for (var item = 0; item < 150; item++)
        {
            end = end.AddSeconds(random.Next(1, 12));
            calls.Add(new ScenarioEvent(end, victim.Identity, "s3.amazonaws.com", "GetObject", attacker, agent, bucket, $"reports/{random.Next(100_000)}.csv"));
        }

        Plan(time, _ => calls.ForEach(Emit));
        AddTruth("s3-exfiltration", round,
            $"The access key of {victim.Identity.Name} is used from {attacker} to list and download 150 objects of {bucket}, a bucket that person does not use.",
            [ExfiltrationS3], [DiscoveryS3, DiscoveryIam, ActivityUnusualType],
            [victim.Identity.Name, victim.Identity.AccessKeyId], time, end);
    }

    private void PlantPortScan(int round, DateTimeOffset time)
    {
        var instance = instances.Where(item => item.Kind == InstanceKind.App).ElementAt((round + 1) % 4);
        var target = ScenarioNetworks.Attackers[2].Address(random);
        var ports = Enumerable.Range(1, 1024).OrderBy(_ => random.Next()).Take(120).ToList();
        var start = time.ToUnixTimeSeconds();
        Plan(time, _ =>
        {
            for (var i = 0; i < ports.Count; i++)
            {
                Connect(instance, target, ports[i], 6, start + (i * 2), 1, 60, 40);
            }
        });
        AddTruth("port-scan", round,
            $"{instance.Id} connects to 120 TCP ports of {target} within four minutes.",
            ["Recon:EC2/Portscan"],
            ["Behavior:EC2/NetworkPortUnusual", "Backdoor:EC2/Spambot", "DefenseEvasion:EC2/UnusualDNSResolver", "DefenseEvasion:EC2/UnusualDoTActivity"],
            [instance.Id, instance.Interface], time, time.AddSeconds(ports.Count * 2));
    }

    private void PlantBruteForce(int round, DateTimeOffset time)
    {
        var bastion = instances.First(item => item.Kind == InstanceKind.Bastion);
        var attacker = ScenarioNetworks.Attackers[1].Address(random);
        var start = time.ToUnixTimeSeconds();
        Plan(time, _ =>
        {
            for (var attempt = 0; attempt < 60; attempt++)
            {
                Connect(bastion, attacker, 22, 6, start + (attempt * 8), random.Next(2, 6), random.Next(2_500, 3_500), random.Next(1_500, 2_500), outbound: false);
            }
        });
        AddTruth("ssh-brute-force", round,
            $"{attacker} opens 60 accepted SSH connections to the bastion {bastion.Id} within eight minutes.",
            ["UnauthorizedAccess:EC2/SSHBruteForce"], [],
            [bastion.Id, bastion.Interface], time, time.AddSeconds(60 * 8));
    }

    private void PlantDga(int round, DateTimeOffset time)
    {
        var instance = instances[(round * 3 + 1) % instances.Count];
        var family = DgaGenerators.Families[round % DgaGenerators.Families.Count].Name;
        var names = DgaGenerators.Generate(family, DateOnly.FromDateTime(time.UtcDateTime), 40);
        var landing = ScenarioNetworks.Attackers[3].Address(random);
        var offsets = names.Select(_ => random.Next(0, 1200)).ToList();
        Plan(time, _ =>
        {
            for (var i = 0; i < names.Count; i++)
            {
                writer.AddQuery(time.AddSeconds(offsets[i]), instance.Id, instance.PrivateAddress, names[i], i == names.Count - 1 ? landing : null);
            }
        });
        AddTruth("dga", round,
            $"{instance.Id} looks up 40 generated domains of the {family} family within 20 minutes; the last one resolves.",
            ["Trojan:EC2/DGADomainRequest.B"], DomainReputationTypes,
            [instance.Id, instance.Interface], time, time.AddSeconds(1200));
    }

    private void PlantDnsTunnel(int round, DateTimeOffset time)
    {
        var instance = instances[(round * 3 + 2) % instances.Count];
        var domain = TunnelDomains[round % TunnelDomains.Length];
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var queries = new List<(DateTimeOffset Time, string Name)>();
        for (var i = 0; i < 300; i++)
        {
            var data = string.Create(random.Next(40, 56), random, (span, rng) =>
            {
                for (var c = 0; c < span.Length; c++)
                {
                    span[c] = alphabet[rng.Next(alphabet.Length)];
                }
            });
            queries.Add((time.AddSeconds(i * 8), $"{data}.{i.ToString("x4", CultureInfo.InvariantCulture)}.{domain}"));
        }

        var answer = ScenarioNetworks.Attackers[0].Address(random);
        Plan(time, _ => queries.ForEach(query => writer.AddQuery(query.Time, instance.Id, instance.PrivateAddress, query.Name, answer)));
        AddTruth("dns-tunnel", round,
            $"{instance.Id} sends 300 base32-encoded queries below {domain} within 40 minutes.",
            ["Trojan:EC2/DNSDataExfiltration"], DomainReputationTypes,
            [instance.Id, instance.Interface], time, time.AddSeconds(300 * 8));
    }

    private void PlantBeaconing(int round, DateTimeOffset time)
    {
        var instance = instances[(round * 3) % instances.Count];
        var peer = ScenarioNetworks.Attackers[3].Address(random);
        var start = time.ToUnixTimeSeconds();
        var beats = new List<(long Start, long Out, long In)>();
        for (var beat = 0; beat < 120; beat++)
        {
            // A five-minute sleep with 15 % random jitter, as command-and-control implants configure it.
            beats.Add((start + (beat * 300) + random.Next(-45, 46), 900 + random.Next(-30, 31), 400 + random.Next(-20, 21)));
        }

        Plan(time, _ => beats.ForEach(beat => Connect(instance, peer, 443, 6, beat.Start, 1, beat.Out, beat.In)));
        AddTruth("beaconing", round,
            $"{instance.Id} connects to the new peer {peer} on port 443 about every five minutes (15 % jitter) for ten hours.",
            ["Backdoor:EC2/Beaconing.Flow"], [],
            [instance.Id, instance.Interface], time, time.AddSeconds(120 * 300));
    }
}
