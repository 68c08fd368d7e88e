using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Vigil.Rules.Correlation;
using Vigil.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Vigil.Rules;

/// <summary>The result of compiling rule files: the rule set of every rule without errors, and every error and warning.</summary>
public sealed record RuleSetCompilation(RuleSet RuleSet, IReadOnlyList<RuleDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(diagnostic => diagnostic.Severity == RuleDiagnosticSeverity.Error);
}

/// <summary>
/// Compiles Sigma rule files (detection rules and correlation rules, several documents per file
/// allowed) into a <see cref="RuleSet"/>. A rule with an error is left out and reported with its
/// file, line, column and field; the other rules still compile.
/// </summary>
public static partial class RuleSetCompiler
{
    /// <summary>Most rules (detection and correlation) in one rule set.</summary>
    public const int MaxRules = 10_000;

    /// <summary>Longest correlation timespan accepted; it bounds how long a grain keeps correlation windows.</summary>
    public static readonly TimeSpan MaxTimespan = TimeSpan.FromDays(7);

    public static RuleSetCompilation Compile(IEnumerable<RuleSource> sources)
    {
        var diagnostics = new List<RuleDiagnostic>();
        var rules = new List<SigmaRule>();
        var pendingCorrelations = new List<(RuleSource Source, YamlMappingNode Document)>();
        var version = new StringBuilder();
        var count = 0;
        foreach (var source in sources)
        {
            version.Append(source.Name).Append('\n').Append(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source.Yaml)))).Append('\n');
            foreach (var document in SigmaYamlReader.Read(source, diagnostics))
            {
                if (++count > MaxRules)
                {
                    diagnostics.Add(new RuleDiagnostic(RuleDiagnosticSeverity.Error, source.Name, (int)document.Start.Line, (int)document.Start.Column, string.Empty, $"more than {MaxRules} rules; the rest are not loaded"));
                    break;
                }

                if (YamlNodes.Child(document, "correlation") is not null)
                {
                    pendingCorrelations.Add((source, document));
                    continue;
                }

                if (YamlNodes.Child(document, "filter") is not null && YamlNodes.Child(document, "detection") is null)
                {
                    diagnostics.Add(new RuleDiagnostic(RuleDiagnosticSeverity.Error, source.Name, (int)document.Start.Line, (int)document.Start.Column, "filter", "Sigma filter documents are not supported"));
                    continue;
                }

                if (CompileDetectionRule(source, document, diagnostics) is { } rule)
                {
                    rules.Add(rule);
                }
            }
        }

        var correlations = new List<CorrelationRule>();
        var generated = new HashSet<SigmaRule>();
        var referred = new HashSet<SigmaRule>();
        foreach (var (source, document) in pendingCorrelations)
        {
            try
            {
                var (correlation, generate) = CompileCorrelation(source, document, rules);
                correlations.Add(correlation);
                referred.UnionWith(correlation.Rules);
                if (generate)
                {
                    generated.UnionWith(correlation.Rules);
                }
            }
            catch (RuleCompileException exception)
            {
                diagnostics.Add(new RuleDiagnostic(RuleDiagnosticSeverity.Error, source.Name, exception.Line, exception.Column, exception.Field, exception.Message));
            }
        }

        // Sigma: rules that a correlation refers to raise nothing of their own unless it says generate: true.
        foreach (var rule in referred)
        {
            rule.RaisesFindings = generated.Contains(rule);
        }

        ReportDuplicateKeys(rules.Select(rule => rule.Header).Concat(correlations.Select(correlation => correlation.Header)), diagnostics);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(version.ToString())))[..16];
        return new RuleSetCompilation(new RuleSet(hash, rules, correlations), diagnostics);
    }

    /// <summary>
    /// Compiles one detection rule, or returns null after adding its errors to <paramref name="diagnostics"/>.
    /// The log source, the header and the detection are checked even after an earlier part failed, so one
    /// run reports every error of the rule.
    /// </summary>
    private static SigmaRule? CompileDetectionRule(RuleSource source, YamlMappingNode document, List<RuleDiagnostic> diagnostics)
    {
        var errorsBefore = diagnostics.Count(diagnostic => diagnostic.Severity == RuleDiagnosticSeverity.Error);

        // After an invalid log source, the detection is checked as a CloudTrail rule, because that log source warns of no field name.
        var logSource = TryCompile(source, diagnostics, () =>
        {
            var logSourceNode = YamlNodes.Child(document, "logsource") as YamlMappingNode
                ?? throw YamlNodes.Fail("logsource", document, "the rule has no 'logsource' mapping");
            return (SigmaLogSource?)LogSourceOf(logSourceNode);
        });
        var header = TryCompile(source, diagnostics, () => HeaderOf(source, document, logSource is null or SigmaLogSource.CloudTrail ? "IAMUser" : "EC2", "SigmaRule"));
        var detection = TryCompile(source, diagnostics, () =>
        {
            var detectionNode = YamlNodes.Child(document, "detection") as YamlMappingNode
                ?? throw YamlNodes.Fail("detection", document, "the rule has no 'detection' mapping");
            return new DetectionCompiler(logSource ?? SigmaLogSource.CloudTrail, diagnostics, source.Name).Compile(detectionNode);
        });

        var errorsAfter = diagnostics.Count(diagnostic => diagnostic.Severity == RuleDiagnosticSeverity.Error);
        return logSource is { } validLogSource && header is not null && detection is not null && errorsAfter == errorsBefore
            ? new SigmaRule(header, validLogSource, detection)
            : null;
    }

    /// <summary>Runs one compile step; on a compile error, adds it to <paramref name="diagnostics"/> and returns null.</summary>
    private static T? TryCompile<T>(RuleSource source, List<RuleDiagnostic> diagnostics, Func<T?> step)
    {
        try
        {
            return step();
        }
        catch (RuleCompileException exception)
        {
            diagnostics.Add(new RuleDiagnostic(RuleDiagnosticSeverity.Error, source.Name, exception.Line, exception.Column, exception.Field, exception.Message));
            return default;
        }
    }

    private static SigmaLogSource LogSourceOf(YamlMappingNode node)
    {
        var product = YamlNodes.OptionalText(node, "product", "logsource.product")?.ToLowerInvariant();
        var service = YamlNodes.OptionalText(node, "service", "logsource.service")?.ToLowerInvariant();
        var category = YamlNodes.OptionalText(node, "category", "logsource.category")?.ToLowerInvariant();
        if (product == "aws")
        {
            switch (service)
            {
                case "cloudtrail":
                    return SigmaLogSource.CloudTrail;
                case "vpcflowlogs" or "vpcflow" or "vpc_flow_logs" or "vpc-flow-logs":
                    return SigmaLogSource.VpcFlow;
                case "route53resolver" or "route53" or "resolver_query_logs" or "route53_resolver":
                    return SigmaLogSource.Route53Resolver;
                case null when category == "dns":
                    return SigmaLogSource.Route53Resolver;
            }
        }

        throw YamlNodes.Fail("logsource", node, $"unsupported log source (product: {product ?? "none"}, service: {service ?? "none"}, category: {category ?? "none"}); Vigil reads product aws with service cloudtrail, vpcflowlogs or route53resolver");
    }

    private static RuleHeader HeaderOf(RuleSource source, YamlMappingNode document, string resourceType, string family)
    {
        var title = YamlNodes.OptionalText(document, "title", "title");
        if (string.IsNullOrWhiteSpace(title))
        {
            throw YamlNodes.Fail("title", document, "the rule has no 'title'");
        }

        var id = YamlNodes.OptionalText(document, "id", "id");
        var name = YamlNodes.OptionalText(document, "name", "name");
        var tags = YamlNodes.TextList(document, "tags", "tags");
        var level = LevelOf(document);
        var findingType = $"{PurposeOf(tags)}:{resourceType}/{family}.Custom";
        var severity = SeverityOf(level);

        if (YamlNodes.Child(document, "vigil") is { } custom)
        {
            if (custom is not YamlMappingNode vigil)
            {
                throw YamlNodes.Fail("vigil", custom, "'vigil' must be a mapping with finding_type and/or severity");
            }

            if (YamlNodes.OptionalText(vigil, "finding_type", "vigil.finding_type") is { } type)
            {
                if (!FindingTypePattern().IsMatch(type))
                {
                    throw YamlNodes.Fail("vigil.finding_type", YamlNodes.Child(vigil, "finding_type")!, $"'{type}' is not a finding type in GuardDuty's scheme ThreatPurpose:ResourceType/ThreatFamily.Mechanism, such as Persistence:IAMUser/SamlProviderUpdated.Custom");
                }

                findingType = type;
            }

            if (YamlNodes.OptionalText(vigil, "severity", "vigil.severity") is { } severityText)
            {
                if (!double.TryParse(severityText, NumberStyles.Float, CultureInfo.InvariantCulture, out severity) || severity < 1 || severity > 10)
                {
                    throw YamlNodes.Fail("vigil.severity", YamlNodes.Child(vigil, "severity")!, $"'{severityText}' is not a severity from 1.0 to 10.0");
                }
            }
        }

        return new RuleHeader
        {
            DryRun = source.DryRun,
            Key = id ?? name ?? title,
            Id = id,
            Name = name,
            Title = title.Trim(),
            Description = YamlNodes.OptionalText(document, "description", "description"),
            Level = level,
            Tags = tags,
            FindingType = findingType,
            Severity = severity,
            Source = source.Name,
            Line = (int)document.Start.Line,
        };
    }

    private static SigmaLevel LevelOf(YamlMappingNode document)
    {
        var text = YamlNodes.OptionalText(document, "level", "level");
        return text?.ToLowerInvariant() switch
        {
            null => SigmaLevel.Medium,
            "informational" => SigmaLevel.Informational,
            "low" => SigmaLevel.Low,
            "medium" => SigmaLevel.Medium,
            "high" => SigmaLevel.High,
            "critical" => SigmaLevel.Critical,
            _ => throw YamlNodes.Fail("level", YamlNodes.Child(document, "level")!, $"invalid level '{text}'; use informational, low, medium, high or critical"),
        };
    }

    /// <summary>Maps a Sigma level onto GuardDuty's severity bands: Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0.</summary>
    public static double SeverityOf(SigmaLevel level) => level switch
    {
        SigmaLevel.Informational => 1,
        SigmaLevel.Low => 2,
        SigmaLevel.Medium => 5,
        SigmaLevel.High => 8,
        _ => 9,
    };

    /// <summary>Returns the GuardDuty threat purpose for the first MITRE ATT&amp;CK tactic tag, or Policy without one.</summary>
    internal static string PurposeOf(IReadOnlyList<string> tags)
    {
        foreach (var tag in tags)
        {
            var tactic = tag.ToLowerInvariant().Replace('_', '-');
            var purpose = tactic switch
            {
                "attack.reconnaissance" => "Recon",
                "attack.initial-access" => "InitialAccess",
                "attack.execution" => "Execution",
                "attack.persistence" => "Persistence",
                "attack.privilege-escalation" => "PrivilegeEscalation",
                "attack.defense-evasion" => "DefenseEvasion",
                "attack.credential-access" => "CredentialAccess",
                "attack.discovery" => "Discovery",
                "attack.lateral-movement" => "UnauthorizedAccess",
                "attack.collection" or "attack.exfiltration" => "Exfiltration",
                "attack.command-and-control" => "Backdoor",
                "attack.impact" => "Impact",
                _ => null,
            };
            if (purpose is not null)
            {
                return purpose;
            }
        }

        return "Policy";
    }

    private static (CorrelationRule Rule, bool Generate) CompileCorrelation(RuleSource source, YamlMappingNode document, List<SigmaRule> rules)
    {
        var section = YamlNodes.Child(document, "correlation") as YamlMappingNode
            ?? throw YamlNodes.Fail("correlation", document, "'correlation' must be a mapping");
        var typeText = YamlNodes.OptionalText(section, "type", "correlation.type");
        var type = typeText switch
        {
            "event_count" => CorrelationType.EventCount,
            "value_count" => CorrelationType.ValueCount,
            "temporal" => CorrelationType.Temporal,
            "temporal_ordered" => CorrelationType.TemporalOrdered,
            null => throw YamlNodes.Fail("correlation.type", section, "the correlation has no 'type'"),
            _ => throw YamlNodes.Fail("correlation.type", YamlNodes.Child(section, "type")!, $"unsupported correlation type '{typeText}'; use event_count, value_count, temporal or temporal_ordered"),
        };

        var references = YamlNodes.TextList(section, "rules", "correlation.rules");
        if (references.Count == 0)
        {
            throw YamlNodes.Fail("correlation.rules", section, "the correlation refers to no rules");
        }

        var referred = new List<SigmaRule>();
        foreach (var reference in references)
        {
            var match = rules.FirstOrDefault(candidate => candidate.Header.Id == reference || candidate.Header.Name == reference)
                ?? throw YamlNodes.Fail("correlation.rules", YamlNodes.Child(section, "rules")!, $"no detection rule has the id or name '{reference}' (correlations of correlations are not supported)");
            referred.Add(match);
        }

        if (referred.Select(rule => rule.LogSource).Distinct().Count() > 1)
        {
            throw YamlNodes.Fail("correlation.rules", YamlNodes.Child(section, "rules")!, "the referred rules read different log sources; Vigil correlates within one log source");
        }

        var timespanNode = YamlNodes.Child(section, "timespan") ?? throw YamlNodes.Fail("correlation.timespan", section, "the correlation has no 'timespan'");
        var timespan = TimespanOf(timespanNode);
        var groupBy = YamlNodes.TextList(section, "group-by", "correlation.group-by");
        var aliases = AliasesOf(section);

        string? valueField = null;
        var criteria = new List<CountCriterion>();
        if (YamlNodes.Child(section, "condition") is { } conditionNode)
        {
            if (conditionNode is not YamlMappingNode condition)
            {
                throw YamlNodes.Fail("correlation.condition", conditionNode, "the condition must be a mapping such as 'gte: 10'");
            }

            foreach (var (keyNode, valueNode) in condition.Children)
            {
                var key = YamlNodes.KeyText(keyNode, "correlation.condition");
                var valueText = (valueNode as YamlScalarNode)?.Value;
                if (key == "field")
                {
                    valueField = valueText ?? throw YamlNodes.Fail("correlation.condition.field", valueNode, "'field' must name a field");
                    continue;
                }

                if (key is not ("gt" or "gte" or "lt" or "lte" or "eq"))
                {
                    throw YamlNodes.Fail("correlation.condition." + key, keyNode, $"unknown condition '{key}'; use gt, gte, lt, lte, eq and, for value_count, field");
                }

                if (!long.TryParse(valueText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bound) || bound < 0)
                {
                    throw YamlNodes.Fail("correlation.condition." + key, valueNode, $"'{valueText}' is not a whole number of zero or more");
                }

                criteria.Add(new CountCriterion(key, bound));
            }
        }

        if (criteria.Count == 0)
        {
            if (type is CorrelationType.EventCount or CorrelationType.ValueCount)
            {
                throw YamlNodes.Fail("correlation.condition", section, $"{typeText} needs a condition such as 'gte: 10'");
            }

            criteria.Add(new CountCriterion("gte", referred.Count));
        }

        if (type == CorrelationType.ValueCount && valueField is null)
        {
            throw YamlNodes.Fail("correlation.condition", section, "value_count needs 'field' in its condition: the field whose distinct values are counted");
        }

        var header = HeaderOf(source, document, referred[0].LogSource == SigmaLogSource.CloudTrail ? "IAMUser" : "EC2", "SigmaCorrelation");
        var generate = YamlNodes.OptionalText(document, "generate", "generate") ?? YamlNodes.OptionalText(section, "generate", "correlation.generate");
        var rule = new CorrelationRule(header, type, referred, groupBy, aliases, timespan, criteria, valueField);
        return (rule, string.Equals(generate, "true", StringComparison.OrdinalIgnoreCase));
    }

    private static TimeSpan TimespanOf(YamlNode node)
    {
        var text = (node as YamlScalarNode)?.Value ?? string.Empty;
        var match = TimespanPattern().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount == 0)
        {
            throw YamlNodes.Fail("correlation.timespan", node, $"invalid timespan '{text}'; write a number and s, m, h or d, such as 90m");
        }

        var span = match.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            _ => TimeSpan.FromDays(amount),
        };
        if (span > MaxTimespan)
        {
            throw YamlNodes.Fail("correlation.timespan", node, $"the timespan '{text}' is longer than the {MaxTimespan.TotalDays} days Vigil keeps correlation windows");
        }

        return span;
    }

    private static Dictionary<string, IReadOnlyDictionary<string, string>> AliasesOf(YamlMappingNode section)
    {
        var aliases = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        if (YamlNodes.Child(section, "aliases") is not { } node || YamlNodes.IsNull(node))
        {
            return aliases;
        }

        if (node is not YamlMappingNode mapping)
        {
            throw YamlNodes.Fail("correlation.aliases", node, "'aliases' must map each alias to rule names and fields");
        }

        foreach (var (aliasNode, byRuleNode) in mapping.Children)
        {
            var alias = YamlNodes.KeyText(aliasNode, "correlation.aliases");
            if (byRuleNode is not YamlMappingNode byRule)
            {
                throw YamlNodes.Fail("correlation.aliases." + alias, byRuleNode, "an alias must map rule names to field names");
            }

            aliases[alias] = byRule.Children.ToDictionary(
                pair => YamlNodes.KeyText(pair.Key, "correlation.aliases." + alias),
                pair => (pair.Value as YamlScalarNode)?.Value ?? throw YamlNodes.Fail("correlation.aliases." + alias, pair.Value, "the field name must be text"),
                StringComparer.Ordinal);
        }

        return aliases;
    }

    private static void ReportDuplicateKeys(IEnumerable<RuleHeader> headers, List<RuleDiagnostic> diagnostics)
    {
        foreach (var group in headers.GroupBy(header => header.Key, StringComparer.Ordinal).Where(group => group.Count() > 1))
        {
            var first = group.First();
            foreach (var duplicate in group.Skip(1))
            {
                diagnostics.Add(new RuleDiagnostic(RuleDiagnosticSeverity.Warning, duplicate.Source, duplicate.Line, 1, "id", $"the rule key '{group.Key}' is also used at {first.Source}:{first.Line}; their findings aggregate together"));
            }
        }
    }

    [GeneratedRegex(@"^([0-9]{1,9})([smhd])$", RegexOptions.CultureInvariant)]
    private static partial Regex TimespanPattern();

    [GeneratedRegex(@"^[A-Za-z]{2,40}:[A-Za-z0-9]{2,40}/[A-Za-z0-9_.!-]{2,120}$", RegexOptions.CultureInvariant)]
    private static partial Regex FindingTypePattern();
}
