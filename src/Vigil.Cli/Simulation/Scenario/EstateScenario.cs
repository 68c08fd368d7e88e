using System.Globalization;

namespace Vigil.Cli.Simulation.Scenario;

/// <summary>
/// The <c>estate</c> scenario of <c>vigil simulate</c>: an AWS account whose staff, automation and
/// instances follow their habits for some weeks of event time, with labelled attacks planted after
/// the learning period. Staff work from the office, from home and now and then on the road, pick up
/// new APIs and tools over time, and look up new domains; those habits are the false-finding load.
/// Writes the logs below <c>logs/</c>, the enrichment files below <c>enrichment/</c> and
/// <see cref="GroundTruth.FileName"/>. The same seed and options give the same files.
/// </summary>
internal sealed partial class EstateScenario
{
    public const string Name = "estate";
    public const string Region = "us-east-1";
    public const string VpcId = "vpc-0e57a7e000000001";

    private readonly Random random;
    private readonly ScenarioOptions options;
    private readonly List<StaffMember> staff = [];
    private readonly List<Instance> instances = [];
    private readonly HashSet<(string Principal, int Day)> principalDays = [];
    private readonly HashSet<(string Instance, int Day)> endpointDays = [];
    private readonly List<PlantedAttack> attacks = [];
    private readonly Dictionary<int, List<Action<ScenarioLogWriter>>> plannedAttacks = [];
    private ScenarioLogWriter writer = null!;

    public EstateScenario(ScenarioOptions options)
    {
        this.options = options;
        random = new Random(options.Seed);
        BuildEstate();
    }

    private string AccountId => options.AccountId;

    private int Days => options.Weeks * 7;

    /// <summary>Writes the scenario below <paramref name="folder"/> and returns its ground truth.</summary>
    public GroundTruth Write(string folder)
    {
        var logRoot = Path.Combine(folder, "logs");
        var enrichment = Path.Combine(folder, "enrichment");
        Directory.CreateDirectory(enrichment);
        ScenarioNetworks.WriteAsnFile(Path.Combine(enrichment, "asn.csv"));
        ScenarioNetworks.WriteLocationFile(Path.Combine(enrichment, "location.csv"));
        ScenarioNetworks.WriteAwsRanges(Path.Combine(enrichment, "ip-ranges.json"));

        writer = new ScenarioLogWriter(logRoot, AccountId, Region, VpcId, random);
        if (options.PlantAttacks)
        {
            PlanAttacks();
        }

        for (var day = 0; day < Days; day++)
        {
            var date = options.Start.AddDays(day);
            foreach (var member in staff)
            {
                StaffDay(member, date);
            }

            AutomationDay(date);
            foreach (var instance in instances)
            {
                InstanceDay(instance, date);
            }

            foreach (var attack in plannedAttacks.GetValueOrDefault(day) ?? [])
            {
                attack(writer);
            }

            writer.Flush();
        }

        var learningEndDay = (int)Math.Ceiling(options.LearningDays);
        var truth = new GroundTruth
        {
            Scenario = Name,
            Seed = options.Seed,
            AccountId = AccountId,
            Start = options.Start,
            End = options.Start.AddDays(Days),
            LearningDays = options.LearningDays,
            PrincipalDaysAfterLearning = principalDays.Count(item => item.Day >= learningEndDay),
            EndpointDaysAfterLearning = endpointDays.Count(item => item.Day >= learningEndDay),
            Attacks = attacks,
            AsnFile = "enrichment/asn.csv",
            LocationFile = "enrichment/location.csv",
            AwsIpRangesFile = "enrichment/ip-ranges.json",
        };
        truth.Write(Path.Combine(folder, GroundTruth.FileName));
        return truth;
    }

    public (long Events, long Flows, long Queries, int Files) Written => (writer.EventsWritten, writer.FlowsWritten, writer.QueriesWritten, writer.FilesWritten);

    private void BuildEstate()
    {
        var names = new[]
        {
            "alice", "bruno", "chandra", "dmitri", "eun-ji", "fatima", "gustavo", "hana", "ivan", "jasmine", "kwame", "lena", "mateo", "nadia",
            "oskar", "priya", "quentin", "rosa", "sven", "tomoko", "ulrich", "valentina", "wei", "xavier", "yusuf", "zara",
        };
        for (var i = 0; i < options.Users; i++)
        {
            var named = i < options.UserNames.Count;
            var name = named ? options.UserNames[i] : i < names.Length ? names[i] : $"{names[i % names.Length]}.{i / names.Length}";
            var persona = named ? EstateHabits.Operator : PickPersona();
            var london = random.NextDouble() < 0.6;
            var office = london ? ScenarioNetworks.LondonOffice : ScenarioNetworks.BerlinOffice;
            var home = london ? ScenarioNetworks.UkHomes[random.Next(2)] : ScenarioNetworks.DeHomes[random.Next(2)];
            var mobile = london ? ScenarioNetworks.UkMobile : ScenarioNetworks.DeMobile;

            // Each person uses most of their job's APIs, a few of them often (weights fall off like Zipf's law).
            var core = persona.Apis.OrderBy(_ => random.Next()).Take(Math.Max(4, (int)(persona.Apis.Length * (0.5 + (random.NextDouble() * 0.3))))).ToList();
            var tools = persona.Tools.OrderBy(_ => random.Next()).Take(random.Next(1, persona.Tools.Length + 1)).ToList();
            staff.Add(new StaffMember(CloudTrailIdentity.User(AccountId, name), persona, office, home, mobile, london ? 0 : 1, core, tools, random.Next(1_000_000)));
        }

        for (var i = 0; i < 4; i++)
        {
            instances.Add(new Instance($"i-0a{i:x15}", $"eni-0a{i:x15}", $"10.20.1.{10 + i}", InstanceKind.App, ScenarioNetworks.AwsEc2.Address(1000 + (i % 2))));
        }

        instances.Add(new Instance("i-0b000000000000001", "eni-0b000000000000001", "10.20.2.10", InstanceKind.Batch, ScenarioNetworks.AwsEc2.Address(1002)));
        instances.Add(new Instance("i-0c000000000000001", "eni-0c000000000000001", "10.20.0.5", InstanceKind.Bastion, ScenarioNetworks.AwsEc2.Address(1003)));
        instances.Add(new Instance("i-0d000000000000001", "eni-0d000000000000001", "10.20.3.10", InstanceKind.Build, ScenarioNetworks.AwsEc2.Address(1002)));
    }

    private Persona PickPersona()
    {
        var draw = random.NextDouble();
        foreach (var (persona, share) in EstateHabits.Personas)
        {
            if (draw < share)
            {
                return persona;
            }

            draw -= share;
        }

        return EstateHabits.Developer;
    }

    private void StaffDay(StaffMember member, DateTimeOffset date)
    {
        var day = DayIndex(date);
        var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        if (member.TripDaysLeft == 0 && !weekend && random.NextDouble() < options.TravelPerWorkday)
        {
            member.TripDaysLeft = random.Next(1, 4);
            member.Trip = ScenarioNetworks.Travel[random.Next(ScenarioNetworks.Travel.Length)];
        }

        var travelling = member.TripDaysLeft > 0;
        if (travelling)
        {
            member.TripDaysLeft--;
        }

        var active = travelling ? random.NextDouble() < 0.7 : weekend ? random.NextDouble() < 0.06 : random.NextDouble() < 0.9;
        if (!active)
        {
            return;
        }

        ScenarioNetwork network;
        if (travelling)
        {
            network = member.Trip!;
        }
        else if (!weekend && random.NextDouble() < 0.6)
        {
            network = member.Office;
        }
        else
        {
            network = random.NextDouble() < 0.07 ? member.Mobile : member.Home;
        }

        // New habits: now and then a person starts using another API of their job or another tool.
        if (random.NextDouble() < options.NewApiPerWorkday)
        {
            var unused = member.Persona.Apis.Except(member.Core).ToList();
            if (unused.Count > 0)
            {
                member.Core.Add(unused[random.Next(unused.Count)]);
            }
        }

        if (random.NextDouble() < options.NewToolPerWorkday)
        {
            var unused = member.Persona.Tools.Except(member.Tools).ToList();
            if (unused.Count > 0)
            {
                member.Tools.Add(unused[random.Next(unused.Count)]);
            }
        }

        var address = network == member.Office ? network.Address(member.Seed % 200) : network.Address(random);
        var sessions = weekend ? 1 : random.Next(1, 4);
        for (var session = 0; session < sessions; session++)
        {
            var localHour = weekend ? random.Next(10, 20) : random.Next(8, 18);
            var time = date.AddHours(localHour - member.UtcOffset).AddSeconds(random.Next(0, 3600));
            var tool = member.Tools[Math.Min(member.Tools.Count - 1, (int)Math.Floor(-Math.Log(1 - random.NextDouble()) * 0.8))];
            var agent = EstateHabits.Agents[tool];
            if (tool == "console")
            {
                Emit(new ScenarioEvent(time, member.Identity, "signin.amazonaws.com", "ConsoleLogin", address, agent));
            }

            var calls = random.Next(5, 40);
            for (var call = 0; call < calls; call++)
            {
                time = time.AddSeconds(random.Next(3, 150));
                var api = member.Core[ZipfIndex(member.Core.Count)];
                Emit(ApiEvent(time, member.Identity, api, address, agent));
            }

            if (member.Persona.Buckets.Length > 0 && random.NextDouble() < 0.4)
            {
                var bucket = member.Persona.Buckets[member.Seed % member.Persona.Buckets.Length];
                var objects = random.Next(2, 20);
                Emit(new ScenarioEvent(time.AddSeconds(5), member.Identity, "s3.amazonaws.com", "ListObjectsV2", address, agent, bucket));
                for (var item = 0; item < objects; item++)
                {
                    time = time.AddSeconds(random.Next(1, 30));
                    var name = random.NextDouble() < 0.8 ? "GetObject" : "PutObject";
                    Emit(new ScenarioEvent(time, member.Identity, "s3.amazonaws.com", name, address, agent, bucket, $"reports/{day}/{random.Next(10_000)}.csv"));
                }
            }
        }
    }

    private void AutomationDay(DateTimeOffset date)
    {
        var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        var runs = weekend ? random.Next(0, 2) : random.Next(3, 9);
        for (var run = 0; run < runs; run++)
        {
            var session = "GitHubActions-" + random.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);
            var identity = CloudTrailIdentity.Role(AccountId, "ci-deployer", session);
            var address = ScenarioNetworks.CiCloud.Address(random);
            var time = date.AddHours(random.Next(7, 19)).AddSeconds(random.Next(3600));
            foreach (var api in EstateHabits.CiApis.Where(_ => random.NextDouble() < 0.8))
            {
                time = time.AddSeconds(random.Next(1, 20));
                Emit(ApiEvent(time, identity, api, address, EstateHabits.Agents[random.NextDouble() < 0.7 ? "terraform" : "go"]));
            }

            Emit(new ScenarioEvent(time.AddSeconds(3), identity, "s3.amazonaws.com", "PutObject", address, EstateHabits.Agents["go"], "example-app-artifacts", $"builds/{session}.zip"));
        }

        for (var hour = 0; hour < 24; hour++)
        {
            var hourStart = date.AddHours(hour);
            foreach (var instance in instances.Where(item => item.Kind == InstanceKind.App))
            {
                var identity = CloudTrailIdentity.Role(AccountId, "app-server", instance.Id);
                var agent = EstateHabits.Agents["java"];
                Emit(ApiEvent(hourStart.AddSeconds(random.Next(3600)), identity, "kms:Decrypt", instance.NatAddress, agent));
                if (random.NextDouble() < 0.5)
                {
                    Emit(ApiEvent(hourStart.AddSeconds(random.Next(3600)), identity, "secretsmanager:GetSecretValue", instance.NatAddress, agent));
                }

                for (var item = random.Next(1, 5); item > 0; item--)
                {
                    var name = random.NextDouble() < 0.6 ? "GetObject" : "PutObject";
                    Emit(new ScenarioEvent(hourStart.AddSeconds(random.Next(3600)), identity, "s3.amazonaws.com", name, instance.NatAddress, agent, "example-app-uploads", $"u/{random.Next(1_000_000)}.jpg"));
                }
            }

            var lambda = CloudTrailIdentity.Role(AccountId, "thumbnailer-role", "thumbnailer");
            for (var item = random.Next(0, 6); item > 0; item--)
            {
                var name = random.NextDouble() < 0.5 ? "GetObject" : "PutObject";
                Emit(new ScenarioEvent(hourStart.AddSeconds(random.Next(3600)), lambda, "s3.amazonaws.com", name, ScenarioNetworks.AwsEc2.Address(random), EstateHabits.Agents["nodejs"], "example-app-uploads", $"t/{random.Next(1_000_000)}.jpg"));
            }
        }

        var batch = instances.First(item => item.Kind == InstanceKind.Batch);
        var pipeline = CloudTrailIdentity.Role(AccountId, "data-pipeline", batch.Id);
        var night = date.AddHours(2).AddSeconds(random.Next(600));
        var boto = EstateHabits.Agents["boto3"];
        Emit(ApiEvent(night, pipeline, "glue:StartJobRun", batch.NatAddress, boto));
        Emit(new ScenarioEvent(night.AddSeconds(5), pipeline, "s3.amazonaws.com", "ListObjectsV2", batch.NatAddress, boto, "example-data-lake"));
        for (var item = 0; item < 30; item++)
        {
            night = night.AddSeconds(random.Next(5, 60));
            Emit(new ScenarioEvent(night, pipeline, "s3.amazonaws.com", item % 2 == 0 ? "GetObject" : "PutObject", batch.NatAddress, boto, "example-data-lake", $"raw/{random.Next(1_000_000)}.parquet"));
            if (item % 6 == 0)
            {
                Emit(ApiEvent(night.AddSeconds(2), pipeline, "glue:GetJobRun", batch.NatAddress, boto));
            }
        }

        Emit(ApiEvent(night.AddSeconds(30), pipeline, "athena:StartQueryExecution", batch.NatAddress, boto));
    }

    /// <summary>Returns an index below <paramref name="count"/>, small indexes much more often (Zipf-like, exponent 1).</summary>
    private int ZipfIndex(int count)
    {
        var harmonic = 0.0;
        for (var i = 1; i <= count; i++)
        {
            harmonic += 1.0 / i;
        }

        var draw = random.NextDouble() * harmonic;
        for (var i = 1; i <= count; i++)
        {
            draw -= 1.0 / i;
            if (draw <= 0)
            {
                return i - 1;
            }
        }

        return count - 1;
    }

    private static ScenarioEvent ApiEvent(DateTimeOffset time, CloudTrailIdentity identity, string api, string address, string agent, string? errorCode = null)
    {
        var colon = api.IndexOf(':', StringComparison.Ordinal);
        return new ScenarioEvent(time, identity, api[..colon] + ".amazonaws.com", api[(colon + 1)..], address, agent, ErrorCode: errorCode);
    }

    private void Emit(ScenarioEvent record)
    {
        principalDays.Add((record.Identity.PrincipalArn, DayIndex(record.Time)));
        writer.Add(record);
    }

    private int DayIndex(DateTimeOffset time) => (int)Math.Floor((time - options.Start).TotalDays);

    private sealed class StaffMember(CloudTrailIdentity identity, Persona persona, ScenarioNetwork office, ScenarioNetwork home, ScenarioNetwork mobile, int utcOffset, List<string> core, List<string> tools, int seed)
    {
        public CloudTrailIdentity Identity { get; } = identity;

        public Persona Persona { get; } = persona;

        public ScenarioNetwork Office { get; } = office;

        public ScenarioNetwork Home { get; } = home;

        public ScenarioNetwork Mobile { get; } = mobile;

        public int UtcOffset { get; } = utcOffset;

        public List<string> Core { get; } = core;

        public List<string> Tools { get; } = tools;

        public int Seed { get; } = seed;

        public int TripDaysLeft { get; set; }

        public ScenarioNetwork? Trip { get; set; }
    }
}

/// <summary>Settings of a scenario; the defaults are those of <c>vigil simulate --scenario estate</c>.</summary>
internal sealed record ScenarioOptions
{
    public int Seed { get; init; } = 7;

    public int Weeks { get; init; } = 6;

    public int Users { get; init; } = 40;

    /// <summary>Names of the first staff members, who work as operators; the others get generated names and jobs.</summary>
    public IReadOnlyList<string> UserNames { get; init; } = [];

    public string AccountId { get; init; } = "210987654321";

    public DateTimeOffset Start { get; init; } = new(2026, 10, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Days of event time before profiles may raise anomaly findings; attacks come after.</summary>
    public double LearningDays { get; init; } = 14;

    public bool PlantAttacks { get; init; } = true;

    /// <summary>Also plant the insider bulk reads, which no shipped detector is meant to find (the activity model comparison).</summary>
    public bool PlantInsider { get; init; }

    /// <summary>Chance per workday that a person starts a trip of one to three days, working from hotel or conference networks.</summary>
    public double TravelPerWorkday { get; init; } = 0.01;

    /// <summary>Chance per working day that a person starts using another API of their job.</summary>
    public double NewApiPerWorkday { get; init; } = 0.03;

    /// <summary>Chance per working day that a person starts using another tool.</summary>
    public double NewToolPerWorkday { get; init; } = 0.005;
}
