using System.CommandLine;
using System.Globalization;
using Vigil.Detection.Dns;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil train</c>: trains the DGA classifier on generated DGA domains and benign domain lists,
/// prints precision and recall on a held-out fifth of the data, and saves the model.
/// </summary>
internal static class TrainCommand
{
    /// <summary>The benign lists read from the shared data folder when no <c>--benign</c> is given.</summary>
    private static readonly string[] SharedBenignLists = ["intel/andrewaeva_DGA/opendns-top-domains.txt", "intel/andrewaeva_DGA/opendns-random-domains.txt"];

    public static Command Create()
    {
        var output = new Option<FileInfo>("--out") { Description = "File to write the model to (Microsoft.ML zip format).", Required = true };
        var benign = new Option<FileInfo[]>("--benign") { Description = "Benign domain list, one name a line (repeatable). Default: the OpenDNS top and random lists below VIGIL_SHARED_DATA.", AllowMultipleArgumentsPerToken = false };
        var perFamily = new Option<int>("--per-family") { Description = "Generated domains per DGA family.", DefaultValueFactory = _ => 3_500 };
        var seed = new Option<int>("--seed") { Description = "Seed of the split and the trainer; the same seed and data give the same model.", DefaultValueFactory = _ => 11 };
        var familyLists = new Option<DirectoryInfo?>("--family-lists") { Description = "Folder of other DGA lists (*_1000.txt, one name a line) to report the recall of each, as a test on families the model never saw." };

        var command = new Command("train", "Train the DGA domain classifier and print its precision and recall on held-out data.") { output, benign, perFamily, seed, familyLists };
        command.SetAction(parse =>
        {
            var files = parse.GetValue(benign) is { Length: > 0 } given ? given.Select(file => file.FullName).ToList() : SharedLists();
            if (files is null)
            {
                Console.Error.WriteLine("error: no benign domain list; pass --benign FILE or set VIGIL_SHARED_DATA to the shared data folder.");
                return 2;
            }

            if (parse.GetValue(perFamily) is < 10 or > 1_000_000)
            {
                Console.Error.WriteLine("error: --per-family must be 10 to 1000000.");
                return 2;
            }

            List<string> benignNames;
            try
            {
                benignNames = ReadDomains(files);
            }
            catch (IOException exception)
            {
                Console.Error.WriteLine($"error: cannot read a benign list: {exception.Message}");
                return 1;
            }

            var report = Run(benignNames, parse.GetValue(perFamily), parse.GetValue(seed), parse.GetValue(output)!.FullName, parse.GetValue(familyLists)?.FullName);
            Console.Write(report);
            return 0;
        });
        return command;
    }

    /// <summary>Trains, evaluates and saves; returns the printed report.</summary>
    internal static string Run(IReadOnlyList<string> benignNames, int perFamily, int seed, string outputPath, string? familyListFolder)
    {
        var generated = new HashSet<string>(StringComparer.Ordinal);
        var familyOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (family, _) in DgaGenerators.Families)
        {
            // Spread each family over up to ten years of days, 50 names a day.
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var day = 0; names.Count < perFamily && day < 3_650; day++)
            {
                foreach (var name in DgaGenerators.Generate(family, new DateOnly(2024, 1, 1).AddDays(day), 50))
                {
                    names.Add(DomainNames.RegistrableDomain(name));
                }
            }

            foreach (var name in names.Order(StringComparer.Ordinal).Take(perFamily))
            {
                generated.Add(name);
                familyOf.TryAdd(name, family);
            }
        }

        var benignSet = new HashSet<string>(benignNames, StringComparer.Ordinal);
        generated.ExceptWith(benignSet);
        var examples = benignSet.Select(name => (Domain: name, Generated: false)).Concat(generated.Select(name => (Domain: name, Generated: true))).ToList();
        var random = new Random(seed);
        examples.Sort((left, right) => string.CompareOrdinal(left.Domain, right.Domain));
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(examples));
        var testCount = examples.Count / 5;
        var test = examples[..testCount];
        var train = examples[testCount..];

        var classifier = DgaClassifier.Train(train, seed);
        using (var file = File.Create(outputPath))
        {
            classifier.Save(file);
        }

        var writer = new StringWriter(CultureInfo.InvariantCulture);
        writer.WriteLine($"Training examples: {train.Count} ({train.Count(item => item.Generated)} generated, {train.Count(item => !item.Generated)} benign)");
        writer.WriteLine($"Held-out examples: {test.Count} ({test.Count(item => item.Generated)} generated, {test.Count(item => !item.Generated)} benign)");
        writer.WriteLine("| threshold | precision | recall | false positive rate |");
        writer.WriteLine("|---|---|---|---|");
        var scores = test.Select(item => (item.Generated, Score: classifier.Score(item.Domain))).ToList();
        foreach (var threshold in new[] { 0.5, 0.7, 0.9, 0.95, 0.98, DnsAnomalyOptions.Default.DgaThreshold }.Distinct().Order())
        {
            var truePositives = scores.Count(item => item.Generated && item.Score >= threshold);
            var falsePositives = scores.Count(item => !item.Generated && item.Score >= threshold);
            var positives = scores.Count(item => item.Generated);
            var negatives = scores.Count - positives;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {threshold:0.00} | {Ratio(truePositives, truePositives + falsePositives)} | {Ratio(truePositives, positives)} | {Ratio(falsePositives, negatives)} |"));
        }

        // The operating points of the ROC curve: the best recall while at most 1 % or 2 % of the
        // held-out benign names score at or above the threshold.
        writer.WriteLine();
        writer.WriteLine("| false positive rate at most | threshold | recall |");
        writer.WriteLine("|---|---|---|");
        var benignScores = scores.Where(item => !item.Generated).Select(item => (double)item.Score).OrderDescending().ToList();
        foreach (var bound in new[] { 0.01, 0.02 })
        {
            var allowed = (int)Math.Floor(bound * benignScores.Count);
            var threshold = allowed < benignScores.Count ? Math.BitIncrement(benignScores[allowed]) : 0;
            var recall = scores.Count(item => item.Generated && item.Score >= threshold);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {bound:0.00} | {threshold:0.0000} | {Ratio(recall, scores.Count(item => item.Generated))} |"));
        }

        writer.WriteLine();
        writer.WriteLine($"Held-out recall per generated family at {DnsAnomalyOptions.Default.DgaThreshold:0.00}:");
        writer.WriteLine("| family | held-out names | recall |");
        writer.WriteLine("|---|---|---|");
        foreach (var group in test.Where(item => item.Generated).GroupBy(item => familyOf[item.Domain]).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            var found = group.Count(item => classifier.Score(item.Domain) >= DnsAnomalyOptions.Default.DgaThreshold);
            writer.WriteLine($"| {group.Key} | {group.Count()} | {Ratio(found, group.Count())} |");
        }

        if (familyListFolder is not null && Directory.Exists(familyListFolder))
        {
            writer.WriteLine();
            writer.WriteLine($"Recall at {DnsAnomalyOptions.Default.DgaThreshold:0.00} on other DGA lists (families and generators the model was not trained on):");
            writer.WriteLine("| list | names | recall |");
            writer.WriteLine("|---|---|---|");
            foreach (var path in Directory.EnumerateFiles(familyListFolder, "*_1000.txt").Order(StringComparer.Ordinal))
            {
                // The alexa list is of popular benign names: its share above the threshold is a false positive rate.
                var names = ReadDomains([path]);
                var found = names.Count(name => classifier.Score(name) >= DnsAnomalyOptions.Default.DgaThreshold);
                var label = Path.GetFileName(path).Contains("alexa", StringComparison.OrdinalIgnoreCase) ? " (benign: false positive rate)" : string.Empty;
                writer.WriteLine($"| {Path.GetFileName(path)}{label} | {names.Count} | {Ratio(found, names.Count)} |");
            }
        }

        writer.WriteLine();
        writer.WriteLine($"Model written to {outputPath}");
        return writer.ToString();
    }

    private static string Ratio(int numerator, int denominator) =>
        denominator == 0 ? "n/a" : (numerator / (double)denominator).ToString("0.0000", CultureInfo.InvariantCulture);

    private static List<string>? SharedLists()
    {
        var root = Environment.GetEnvironmentVariable("VIGIL_SHARED_DATA");
        if (string.IsNullOrEmpty(root))
        {
            return null;
        }

        var files = SharedBenignLists.Select(path => Path.Combine(root, path)).ToList();
        return files.All(File.Exists) ? files : null;
    }

    /// <summary>Reads names one a line, skipping blank lines and # comments, as lower-case registrable domains.</summary>
    private static List<string> ReadDomains(IEnumerable<string> files)
    {
        var names = new List<string>();
        foreach (var file in files)
        {
            foreach (var line in File.ReadLines(file))
            {
                var name = line.Trim().TrimEnd('.').ToLowerInvariant();
                if (name.Length == 0 || name.StartsWith('#') || name.Length > 253 || name.Contains(' ', StringComparison.Ordinal))
                {
                    continue;
                }

                names.Add(DomainNames.RegistrableDomain(name));
            }
        }

        return names;
    }
}
