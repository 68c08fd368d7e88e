using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Vigil.Cli.Commands;
using Vigil.Contracts.Events;
using Vigil.Detection;
using Vigil.Detection.Intel;
using Vigil.Detection.Profiles;
using Vigil.Enrichment;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// <c>vigil bench profiles</c>: simulates one principal's activity over days of event time and
/// reports the size of its profile (serialised and in memory) and the events it scores per second,
/// running the principal and account steps of the anomaly detector in one thread as one grain would.
/// </summary>
internal static class ProfileBenchmark
{
    /// <summary>Target of a principal's serialised profile after a month, in bytes.</summary>
    public const int PrincipalTargetBytes = 8 * 1024;

    private const int ChunkSize = 500;

    public static Command Create()
    {
        var days = new Option<int>("--days") { Description = "Days of event time to simulate (1 to 366).", DefaultValueFactory = _ => 30 };
        var eventsPerDay = new Option<int>("--events-per-day") { Description = "Events of the principal per day (1 to 1,000,000).", DefaultValueFactory = _ => 2_000 };
        var apis = new Option<int>("--apis") { Description = "Distinct APIs the principal uses (1 to 10,000); a few are used daily, most rarely.", DefaultValueFactory = _ => 60 };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same options give the same events.", DefaultValueFactory = _ => 7 };
        var flowsPerDay = new Option<int>("--flows-per-day") { Description = "Flow records of the endpoint per day (1 to 1,000,000); DNS queries are a quarter of that.", DefaultValueFactory = _ => 20_000 };
        var peers = new Option<int>("--peers") { Description = "Distinct public peers the endpoint talks to (1 to 100,000); a few daily, most rarely.", DefaultValueFactory = _ => 2_000 };
        var command = new Command("profiles", "Measure the size of a principal and an endpoint behaviour profile after simulated activity and the records one grain scores per second.")
        {
            days, eventsPerDay, apis, seed, flowsPerDay, peers,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(() =>
        {
            var dayCount = parse.GetValue(days);
            var perDay = parse.GetValue(eventsPerDay);
            var apiCount = parse.GetValue(apis);
            if (dayCount is < 1 or > 366 || perDay is < 1 or > 1_000_000 || apiCount is < 1 or > 10_000
                || parse.GetValue(flowsPerDay) is < 1 or > 1_000_000 || parse.GetValue(peers) is < 1 or > 100_000)
            {
                Console.Error.WriteLine("error: --days must be 1 to 366, --events-per-day and --flows-per-day 1 to 1,000,000, --apis 1 to 10,000 and --peers 1 to 100,000.");
                return Task.FromResult(2);
            }

            Run(dayCount, perDay, apiCount, parse.GetValue(seed), Console.Out);
            EndpointProfileBenchmark.Run(dayCount, parse.GetValue(flowsPerDay), parse.GetValue(peers), parse.GetValue(seed), Console.Out);
            return Task.FromResult(0);
        }));
        return command;
    }

    public static void Run(int days, int eventsPerDay, int apiCount, int seed, TextWriter output)
    {
        var random = new Random(seed);
        var principal = new PrincipalProfile(ProfileOptions.Default);
        var account = new BehaviorProfile(ProfileOptions.Default);
        var context = new DetectionContext("bench", ThreatIntelSnapshot.Empty, TimeProvider.System);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var chunk = new List<CloudTrailEvent>(ChunkSize);
        var scored = 0L;
        var findings = 0;
        var elapsed = TimeSpan.Zero;
        for (var day = 0; day < days; day++)
        {
            for (var index = 0; index < eventsPerDay; index++)
            {
                chunk.Add(EventOf(random, start.AddDays(day), index, eventsPerDay, apiCount));
                if (chunk.Count == ChunkSize)
                {
                    (var count, var time) = Score(chunk, principal, account, context);
                    findings += count;
                    elapsed += time;
                    scored += chunk.Count;
                    chunk.Clear();
                }
            }
        }

        if (chunk.Count > 0)
        {
            (var count, var time) = Score(chunk, principal, account, context);
            findings += count;
            elapsed += time;
            scored += chunk.Count;
        }

        var serialised = principal.Serialize();
        var accountBytes = AccountBytes(account);
        var inMemory = RetainedBytes(() => PrincipalProfile.Deserialize(serialised, ProfileOptions.Default));
        var perSecond = scored / Math.Max(elapsed.TotalSeconds, 1e-9);

        output.WriteLine($"Machine: {MachineDescription.Read().Describe()}");
        output.WriteLine($"Simulated: {days} days, {eventsPerDay.ToString("N0", CultureInfo.InvariantCulture)} events a day, {apiCount} APIs, seed {seed}; {findings} anomaly findings");
        output.WriteLine($"Principal profile serialised: {serialised.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes ({principal.Behavior.CountOf(ProfileDimension.Api)} APIs kept)");
        output.WriteLine($"Principal profile serialised / target {PrincipalTargetBytes:N0} bytes: {((double)serialised.Length / PrincipalTargetBytes).ToString("0.00", CultureInfo.InvariantCulture)}");
        output.WriteLine($"Principal profile in memory (estimate): {inMemory.ToString("N0", CultureInfo.InvariantCulture)} bytes");
        output.WriteLine($"Account profile serialised: {accountBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes");
        output.WriteLine($"Events scored per second by one grain: {perSecond.ToString("N0", CultureInfo.InvariantCulture)}");
    }

    private static (int Findings, TimeSpan Elapsed) Score(List<CloudTrailEvent> chunk, PrincipalProfile principal, BehaviorProfile account, DetectionContext context)
    {
        var stopwatch = Stopwatch.StartNew();
        var prepared = ProfileAnomalyDetector.Default.Prepare(chunk, principal, IpEnricher.None, context);
        var answers = AccountProfileAnswers.AnswerThenObserve(account, prepared.Questions, prepared.Observations);
        var findings = ProfileAnomalyDetector.Default.Decide(prepared, answers, "111122223333/arn:aws:iam::111122223333:user/bench", context, principal);
        stopwatch.Stop();
        return (findings.Count, stopwatch.Elapsed);
    }

    /// <summary>
    /// Returns one event in the working hours of its day. API ranks follow a Zipf-like law, so the
    /// first few are used every day and the tail only now and then. Most calls come from the office
    /// network and some from home and a VPN, made with two tools.
    /// </summary>
    private static CloudTrailEvent EventOf(Random random, DateTimeOffset day, int index, int eventsPerDay, int apiCount)
    {
        var rank = Math.Min(apiCount - 1, (int)Math.Floor(Math.Pow(apiCount + 1, random.NextDouble())) - 1);
        var network = random.NextDouble() switch
        {
            < 0.8 => "198.51.100.",
            < 0.95 => "192.0.2.",
            _ => "203.0.113.",
        };
        var time = day.AddHours(8).AddSeconds(36_000.0 * index / eventsPerDay);
        return new CloudTrailEvent
        {
            EventId = $"{day:yyyyMMdd}-{index}",
            EventTime = time,
            IngestTime = time,
            EventSource = "ec2.amazonaws.com",
            EventName = "DescribeThing" + rank.ToString(CultureInfo.InvariantCulture),
            AwsRegion = "us-east-1",
            SourceIpAddress = network + random.Next(1, 255).ToString(CultureInfo.InvariantCulture),
            UserAgent = random.Next(4) == 0 ? "Boto3/1.34.0" : "aws-cli/2.15.0 Python/3.11.6",
            RecipientAccountId = "111122223333",
            UserIdentity = new UserIdentity { Type = "IAMUser", Arn = "arn:aws:iam::111122223333:user/bench", AccountId = "111122223333", UserName = "bench" },
            RawJson = "{}",
        };
    }

    private static long AccountBytes(BehaviorProfile account)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            account.WriteTo(writer);
        }

        return buffer.Length;
    }

    /// <summary>Returns the bytes still allocated after a full collection that <paramref name="create"/>'s result keeps alive: an estimate, since the runtime may allocate meanwhile.</summary>
    internal static long RetainedBytes(Func<object> create)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var kept = create();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(kept);
        return Math.Max(0, after - before);
    }
}
