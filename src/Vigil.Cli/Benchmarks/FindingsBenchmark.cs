using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Vigil.Cli.Commands;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Findings.Criteria;
using Vigil.Contracts.Storage;
using Vigil.Storage;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// <c>vigil bench findings</c>: fills a throw-away database of the local PostgreSQL with millions of
/// findings of one tenant among several (COPY), then times the findings list query of the console and
/// the API (<see cref="PostgresFindingStore.ListAsync"/>: a page and the capped match count) with
/// typical criteria and sort orders, and prints the p50 and p95 latency of each as Markdown.
/// </summary>
internal static class FindingsBenchmark
{
    /// <summary>The p95 latency the list query should stay under at 5,000,000 findings.</summary>
    public static readonly TimeSpan TargetP95 = TimeSpan.FromMilliseconds(100);

    private const string MainTenant = "bench-main";

    private static readonly string[] Types =
    [
        "Recon:IAMUser/MaliciousIPCaller.Custom", "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom", "Policy:IAMUser/RootCredentialUsage",
        "Stealth:IAMUser/CloudTrailLoggingDisabled", "Recon:EC2/Portscan", "UnauthorizedAccess:EC2/SSHBruteForce", "Impact:EC2/MaliciousDomainRequest.Custom",
        "CryptoCurrency:EC2/BitcoinTool.B", "Backdoor:EC2/C&CActivity.B", "Discovery:IAMUser/AnomalousBehavior", "Persistence:IAMUser/AnomalousBehavior",
        "PenTest:IAMUser/KaliLinux", "Policy:S3/BucketAnonymousAccessGranted", "Stealth:S3/ServerAccessLoggingDisabled", "Recon:EC2/PortProbeUnprotectedPort",
        "UnauthorizedAccess:EC2/RDPBruteForce",
    ];

    private static readonly string[] Regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"];

    public static Command Create()
    {
        var findings = new Option<int>("--findings") { Description = "Findings of the measured tenant (1,000 to 50,000,000).", DefaultValueFactory = _ => 5_000_000 };
        var otherTenants = new Option<int>("--other-tenants") { Description = "Other tenants in the same table (0 to 100).", DefaultValueFactory = _ => 3 };
        var otherFindings = new Option<int>("--other-findings") { Description = "Findings of each other tenant (0 to 10,000,000).", DefaultValueFactory = _ => 200_000 };
        var runs = new Option<int>("--runs") { Description = "Timed runs of each query (10 to 10,000), after 3 untimed ones.", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "Random seed of the data and the query values.", DefaultValueFactory = _ => 7 };
        var command = new Command(
            "findings",
            "Fill a throw-away database of the local PostgreSQL (deploy/local/pg-start.sh) with findings and time the findings list query; prints Markdown for docs/benchmarks.md.")
        {
            findings, otherTenants, otherFindings, runs, seed,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var settings = new Settings(parse.GetValue(findings), parse.GetValue(otherTenants), parse.GetValue(otherFindings), parse.GetValue(runs), parse.GetValue(seed));
            if (settings.Findings is < 1_000 or > 50_000_000 || settings.OtherTenants is < 0 or > 100 || settings.OtherFindings is < 0 or > 10_000_000 || settings.Runs is < 10 or > 10_000)
            {
                Console.Error.WriteLine("error: --findings must be 1,000 to 50,000,000, --other-tenants 0 to 100, --other-findings 0 to 10,000,000 and --runs 10 to 10,000.");
                return 2;
            }

            var root = BenchRunner.FindRepositoryRoot(AppContext.BaseDirectory) ?? BenchRunner.FindRepositoryRoot(Environment.CurrentDirectory);
            if (root is null || !File.Exists(Path.Combine(root, "deploy", "local", "pg-start.sh")))
            {
                Console.Error.WriteLine("error: vigil bench findings needs a checkout of Vigil (a folder with Platform.sln and deploy/local/pg-start.sh) above the vigil build output or the current folder.");
                return 2;
            }

            return await RunAsync(root, settings, Console.Out, cancellationToken);
        }));
        return command;
    }

    private static async Task<int> RunAsync(string repositoryRoot, Settings settings, TextWriter output, CancellationToken cancellationToken)
    {
        await using var database = await BenchDatabase.CreateAsync(repositoryRoot, MainTenant, null, cancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);

        var fill = Stopwatch.StartNew();
        var indexes = await DropFindingIndexesAsync(dataSource, cancellationToken);
        var random = new Random(settings.Seed);
        await CopyAsync(dataSource, MainTenant, settings.Findings, random, cancellationToken);
        for (var tenant = 1; tenant <= settings.OtherTenants; tenant++)
        {
            await CopyAsync(dataSource, $"bench-other-{tenant}", settings.OtherFindings, random, cancellationToken);
        }

        var loaded = fill.Elapsed;
        Console.Error.WriteLine($"Loaded {BenchFormat.Count(settings.Findings + ((long)settings.OtherTenants * settings.OtherFindings))} findings in {BenchFormat.Seconds(loaded)} s; building {indexes.Count} indexes");
        // A larger maintenance_work_mem lets the GIN index build in memory (the default is 64 MB).
        await ExecuteAsync(dataSource, "SET maintenance_work_mem = '1GB';\n" + string.Join(";\n", indexes), cancellationToken);

        // Autovacuum would do this too. Doing it now sets the visibility map and the statistics before
        // the first timed query, as on a database that has run for a while.
        await ExecuteAsync(dataSource, "VACUUM ANALYZE findings", cancellationToken);
        var indexed = fill.Elapsed - loaded;

        // Each row is printed as soon as it is measured, so a failing query still leaves the others.
        var store = new PostgresFindingStore(dataSource);
        WriteHeader(output, settings, loaded, indexed, await TableSizeAsync(dataSource, cancellationToken));
        var met = true;
        foreach (var (name, build, page) in Queries())
        {
            Console.Error.WriteLine($"Timing: {name}");
            try
            {
                var milliseconds = await TimeAsync(store, build, page, settings.Runs, new Random(settings.Seed), cancellationToken);
                var p95 = Percentile(milliseconds, 0.95);
                met &= p95 < TargetP95.TotalMilliseconds;
                output.WriteLine($"| {name} | {Percentile(milliseconds, 0.5):0.0} | {p95:0.0} | {milliseconds.Max():0.0} | {BenchFormat.Ratio(p95 / TargetP95.TotalMilliseconds)} |");
            }
            catch (NpgsqlException exception)
            {
                met = false;
                output.WriteLine($"| {name} | failed: {exception.Message.ReplaceLineEndings(" ")} | | | |");
            }

            await output.FlushAsync(cancellationToken);
        }

        return met ? 0 : 1;
    }

    /// <summary>The timed queries: typical console filters and sort orders, with values drawn per run.</summary>
    /// <summary>The timed queries: typical console filters and sort orders, with values drawn per run, and the page number timed.</summary>
    private static IEnumerable<(string Name, Func<Random, FindingListQuery> Build, int Page)> Queries()
    {
        yield return ("active findings, newest first (the default view)", _ => new FindingListQuery(), 1);
        yield return ("page 20 of the default view (keyset cursor)", _ => new FindingListQuery(), 20);
        yield return ("severity ≥ 7, newest first", _ => Query(new FindingCriterion("severity", CriterionOperator.GreaterThanOrEqual, ["7"])), 1);
        yield return ("one finding type, newest first", random => Query(new FindingCriterion("type", CriterionOperator.Equals, [Types[random.Next(Types.Length)]])), 1);
        yield return ("type wildcard Recon:*, by severity", _ => Query(new FindingCriterion("type", CriterionOperator.Matches, ["Recon:*"])) with { SortBy = FindingSortField.Severity }, 1);
        yield return ("one account and the last 7 days, by count", random => Query(
            new FindingCriterion("accountId", CriterionOperator.Equals, [Account(random.Next(20))]),
            new FindingCriterion("service.eventLastSeen", CriterionOperator.GreaterThanOrEqual, [Start.AddDays(83).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)])) with { SortBy = FindingSortField.Count }, 1);
        yield return ("one principal (user name in the document), newest first", random => Query(
            new FindingCriterion("resource.accessKeyDetails.userName", CriterionOperator.Equals, [$"user-{random.Next(2_000)}"])), 1);
        yield return ("remote IP in a /16 (CIDR on remoteIp) and severity ≥ 5", _ => Query(
            new FindingCriterion("severity", CriterionOperator.GreaterThanOrEqual, ["5"]),
            new FindingCriterion(FindingFields.RemoteIp, CriterionOperator.InCidr, ["198.51.0.0/16"])), 1);
        yield return ("one remote IP in the document (equality), newest first", random => Query(
            new FindingCriterion("service.action.awsApiCallAction.remoteIpDetails.ipAddressV4", CriterionOperator.Equals, [$"203.0.{random.Next(256)}.{random.Next(256)}"])), 1);
    }

    private static FindingListQuery Query(params FindingCriterion[] criteria) =>
        new() { Criteria = new FindingCriteria { Criteria = criteria } };

    private static async Task<double[]> TimeAsync(PostgresFindingStore store, Func<Random, FindingListQuery> build, int pageNumber, int runs, Random random, CancellationToken cancellationToken)
    {
        var timings = new double[runs];
        for (var run = -3; run < runs; run++)
        {
            // For a later page, follow the cursors untimed and time only the request of that page.
            var query = build(random);
            for (var page = 1; page < pageNumber; page++)
            {
                var previous = await store.ListAsync(MainTenant, query, cancellationToken);
                query = query with { After = previous.NextCursor };
            }

            var stopwatch = Stopwatch.StartNew();
            await store.ListAsync(MainTenant, query, cancellationToken);
            stopwatch.Stop();
            if (run >= 0)
            {
                timings[run] = stopwatch.Elapsed.TotalMilliseconds;
            }
        }

        return timings;
    }

    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static string Account(int index) => (111_100_000_000L + index).ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes the tenant's findings with binary COPY: 90 days of event time, 2,000 principals, 20 accounts.</summary>
    private static async Task CopyAsync(NpgsqlDataSource dataSource, string tenantId, int count, Random random, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var writer = await connection.BeginBinaryImportAsync("""
            COPY findings (tenant_id, id, type, severity, account_id, region, resource_type, resource_key, resource_label, title,
                           count, event_first_seen, event_last_seen, created_at, updated_at, archived, document, remote_ip)
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        for (var i = 0; i < count; i++)
        {
            var finding = Generate(tenantId, i, random);
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(tenantId, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(finding.Id, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(finding.Type, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(finding.Severity, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(finding.AccountId, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(finding.Region, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(finding.Resource.ResourceType, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(finding.Service.AdditionalInfo!["principalKey"], NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(finding.Resource.AccessKeyDetails!.UserName!, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(finding.Title, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(finding.Service.Count, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(finding.Service.EventFirstSeen.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(finding.Service.EventLastSeen.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(finding.CreatedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(finding.UpdatedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            // About one finding in ten is archived, as after an analyst's triage.
            await writer.WriteAsync(random.Next(10) == 0, NpgsqlDbType.Boolean, cancellationToken);
            await writer.WriteAsync(FindingJson.Serialize(finding), NpgsqlDbType.Jsonb, cancellationToken);
            await writer.WriteAsync(System.Net.IPAddress.Parse(finding.Service.Action.AwsApiCallAction!.RemoteIpDetails!.IpAddressV4!), NpgsqlDbType.Inet, cancellationToken);
            if (i > 0 && i % 1_000_000 == 0)
            {
                Console.Error.WriteLine($"  {tenantId}: {BenchFormat.Count(i)} findings copied");
            }
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private static Finding Generate(string tenantId, int index, Random random)
    {
        var id = Convert.ToHexStringLower(BitConverter.GetBytes(((long)tenantId.GetHashCode(StringComparison.Ordinal) << 32) ^ index))
            + index.ToString("x16", CultureInfo.InvariantCulture);
        var type = Types[(int)Math.Min(Types.Length - 1, Math.Abs(random.NextDouble() * random.NextDouble()) * Types.Length)];
        var account = Account(random.Next(20));
        var user = $"user-{random.Next(2_000)}";
        var lastSeen = Start.AddSeconds(random.Next(90 * 86_400));
        var firstSeen = lastSeen.AddSeconds(-random.Next(7 * 86_400));
        var address = random.Next(50) == 0 ? $"198.51.{random.Next(256)}.{random.Next(256)}" : $"203.0.{random.Next(256)}.{random.Next(256)}";
        return new Finding
        {
            AccountId = account,
            Region = Regions[random.Next(Regions.Length)],
            Id = id,
            Arn = $"arn:aws:guardduty:us-east-1:{account}:detector/bench/finding/{id}",
            Type = type,
            Resource = new FindingResource
            {
                ResourceType = "AccessKey",
                AccessKeyDetails = new AccessKeyDetails { AccessKeyId = "AKIABENCH" + random.Next(100_000).ToString("D6", CultureInfo.InvariantCulture), PrincipalId = "AIDABENCH" + user, UserName = user, UserType = "IAMUser" },
            },
            Service = new FindingService
            {
                DetectorId = "bench",
                Action = new FindingAction
                {
                    ActionType = "AWS_API_CALL",
                    AwsApiCallAction = new AwsApiCallAction
                    {
                        Api = "ListBuckets",
                        ServiceName = "s3.amazonaws.com",
                        CallerType = "Remote IP",
                        UserAgent = "aws-cli/2.15.30 Python/3.11.8",
                        RemoteIpDetails = new RemoteIpDetails { IpAddressV4 = address, Organization = new IpOrganization { Asn = "64496", AsnOrg = "Example Net" } },
                    },
                },
                Count = 1 + random.Next(50),
                EventFirstSeen = firstSeen,
                EventLastSeen = lastSeen,
                ResourceRole = "ACTOR",
                AdditionalInfo = new Dictionary<string, string> { ["principalKey"] = $"{account}/arn:aws:iam::{account}:user/{user}" },
            },
            Severity = Math.Round(1 + (random.NextDouble() * 8.9), 1),
            CreatedAt = firstSeen,
            UpdatedAt = lastSeen,
            Title = $"{type} by {user}",
            Description = "Generated by vigil bench findings.",
        };
    }

    // Loading into a table without its secondary indexes and building them afterwards is much faster
    // than updating a dozen indexes per row. The same definitions are created again, so the queries
    // run against the migrations' indexes.
    private static async Task<List<string>> DropFindingIndexesAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var definitions = new List<(string Name, string Definition)>();
        await using (var command = dataSource.CreateCommand(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'findings' AND indexname <> 'findings_pkey'"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                definitions.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in definitions)
        {
            await ExecuteAsync(dataSource, $"DROP INDEX \"{name}\"", cancellationToken);
        }

        return [.. definitions.Select(index => index.Definition)];
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> TableSizeAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_total_relation_size('findings')");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static double Percentile(double[] values, double fraction)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(fraction * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    private static void WriteHeader(TextWriter output, Settings settings, TimeSpan loaded, TimeSpan indexed, long tableBytes)
    {
        var machine = MachineDescription.Read();
        output.WriteLine("### Findings list query");
        output.WriteLine();
        output.WriteLine($"- Command: `vigil bench findings --findings {settings.Findings} --other-tenants {settings.OtherTenants} --other-findings {settings.OtherFindings} --runs {settings.Runs} --seed {settings.Seed}`");
        output.WriteLine($"- Machine: {machine.Describe()}; load average before the queries {MachineDescription.ReadLoadAverage() ?? "unknown"}");
        output.WriteLine($"- Data: {BenchFormat.Count(settings.Findings)} findings of the measured tenant and {BenchFormat.Count((long)settings.OtherTenants * settings.OtherFindings)} of {settings.OtherTenants} other tenants; table with indexes {BenchFormat.Bytes(tableBytes)}; COPY {BenchFormat.Seconds(loaded)} s, index build and VACUUM ANALYZE {BenchFormat.Seconds(indexed)} s");
        output.WriteLine($"- Each query: {settings.Runs} timed runs after 3 untimed ones, one page of 50 plus the match count capped at {BenchFormat.Count(FindingPage.MatchCountLimit)}; target p95 under {TargetP95.TotalMilliseconds:0} ms");
        output.WriteLine();
        output.WriteLine("| query | p50 ms | p95 ms | max ms | p95 / target |");
        output.WriteLine("|---|---:|---:|---:|---:|");
    }

    private sealed record Settings(int Findings, int OtherTenants, int OtherFindings, int Runs, int Seed);
}
