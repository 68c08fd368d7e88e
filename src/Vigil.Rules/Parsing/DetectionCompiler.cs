using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Vigil.Rules.Events;
using Vigil.Rules.Matching;
using YamlDotNet.RepresentationModel;

namespace Vigil.Rules.Parsing;

/// <summary>The compiled <c>detection</c> of a rule: its search identifiers and the condition over them.</summary>
internal sealed record CompiledDetection(IReadOnlyList<string> SelectionNames, IReadOnlyList<ISelection> Selections, ConditionNode Condition, IReadOnlySet<int> PositiveSelections);

/// <summary>
/// Compiles a rule's <c>detection</c> mapping: maps of <c>field|modifier|…: value(s)</c>, lists of
/// maps, keyword lists, every value modifier and the condition. Errors name the field path and the
/// YAML position of the offending node.
/// </summary>
internal sealed class DetectionCompiler(SigmaLogSource logSource, List<RuleDiagnostic> diagnostics, string sourceName)
{
    /// <summary>Most windash variants one value may expand to.</summary>
    public const int MaxWindashVariants = 625;

    private static readonly char[] Dashes = ['-', '/', '\u2013', '\u2014', '\u2015'];

    /// <summary>
    /// Compiles the detection, or returns null after adding its errors to the diagnostics. Each search
    /// identifier and each condition is checked even after another failed, so every error is reported.
    /// </summary>
    public CompiledDetection? Compile(YamlMappingNode detection)
    {
        var failed = false;
        var names = new List<string>();
        var selections = new List<ISelection>();
        YamlNode? conditionNode = null;
        foreach (var (keyNode, value) in detection.Children)
        {
            var key = YamlNodes.KeyText(keyNode, "detection");
            if (key == "condition")
            {
                conditionNode = value;
                continue;
            }

            if (key == "timeframe")
            {
                Warn("detection.timeframe", keyNode, "'timeframe' only applied to the deprecated aggregation expressions and is ignored; use a correlation rule's 'timespan'");
                continue;
            }

            names.Add(key);
            try
            {
                selections.Add(CompileSelection(value, "detection." + key));
            }
            catch (RuleCompileException exception)
            {
                // The name stays known, so a condition that uses it is not reported as a second error.
                Error(exception);
                failed = true;
            }
        }

        if (conditionNode is null)
        {
            throw YamlNodes.Fail("detection", detection, "the detection has no 'condition'");
        }

        var conditions = conditionNode switch
        {
            YamlScalarNode { Value: { } text } => [text],
            YamlSequenceNode sequence => sequence.Children.Select(item => item is YamlScalarNode { Value: { } text } ? text : throw YamlNodes.Fail("detection.condition", item, "each condition must be text")).ToList(),
            _ => throw YamlNodes.Fail("detection.condition", conditionNode, "the condition must be text or a list of text"),
        };

        var parsed = new List<ConditionNode>();
        foreach (var text in conditions)
        {
            try
            {
                parsed.Add(ConditionParser.Parse(text, names));
            }
            catch (FormatException exception)
            {
                Error(YamlNodes.Fail("detection.condition", conditionNode, $"invalid condition '{text}': {exception.Message}"));
                failed = true;
            }
        }

        if (failed)
        {
            return null;
        }

        var condition = parsed.Count == 1 ? parsed[0] : new OrNode(parsed);
        var positive = new HashSet<int>();
        CollectPositive(condition, negated: false, positive);
        return new CompiledDetection(names, selections, condition, positive);
    }

    private static void CollectPositive(ConditionNode node, bool negated, HashSet<int> into)
    {
        switch (node)
        {
            case SelectionReference reference when !negated:
                into.Add(reference.Index);
                break;
            case NotNode not:
                CollectPositive(not.Operand, !negated, into);
                break;
            case AndNode and:
                foreach (var operand in and.Operands)
                {
                    CollectPositive(operand, negated, into);
                }

                break;
            case OrNode or:
                foreach (var operand in or.Operands)
                {
                    CollectPositive(operand, negated, into);
                }

                break;
        }
    }

    private ISelection CompileSelection(YamlNode node, string field)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                return CompileMap(mapping, field);
            case YamlSequenceNode sequence:
                if (sequence.Children.Count == 0)
                {
                    throw YamlNodes.Fail(field, node, "the search identifier is an empty list");
                }

                var keywords = new List<WildcardPattern>();
                var parts = new List<ISelection>();
                foreach (var item in sequence.Children)
                {
                    switch (item)
                    {
                        case YamlMappingNode map:
                            parts.Add(CompileMap(map, field));
                            break;
                        case YamlScalarNode scalar when !YamlNodes.IsNull(scalar):
                            keywords.AddRange(KeywordPatterns(scalar, [], field));
                            break;
                        default:
                            throw YamlNodes.Fail(field, item, "a list item must be a keyword or a map of fields");
                    }
                }

                if (keywords.Count > 0)
                {
                    parts.Add(new KeywordCondition(keywords, all: false));
                }

                return parts.Count == 1 ? parts[0] : new AnyOfSelection(parts);
            case YamlScalarNode scalar when !YamlNodes.IsNull(scalar):
                return new KeywordCondition(KeywordPatterns(scalar, [], field), all: false);
            default:
                throw YamlNodes.Fail(field, node, "a search identifier must be a map of fields, a list, or a keyword");
        }
    }

    private AllOfSelection CompileMap(YamlMappingNode mapping, string field)
    {
        if (mapping.Children.Count == 0)
        {
            throw YamlNodes.Fail(field, mapping, "the map has no fields");
        }

        var parts = new List<ISelection>();
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = YamlNodes.KeyText(keyNode, field);
            parts.Add(CompileField(key, keyNode, value, $"{field}.{key}"));
        }

        return new AllOfSelection(parts);
    }

    private ISelection CompileField(string key, YamlNode keyNode, YamlNode value, string field)
    {
        var pieces = key.Split('|');
        var name = pieces[0];
        var modifiers = pieces.Skip(1).Select(piece => piece.Trim()).ToList();
        foreach (var modifier in modifiers)
        {
            if (!KnownModifiers.Contains(modifier))
            {
                throw YamlNodes.Fail(field, keyNode, $"unknown value modifier '{modifier}'; Sigma defines {string.Join(", ", KnownModifiers.Order(StringComparer.Ordinal))}");
            }
        }

        var values = value switch
        {
            YamlSequenceNode sequence => sequence.Children.ToList(),
            _ => [value],
        };
        if (values.Count == 0)
        {
            throw YamlNodes.Fail(field, value, "the value list is empty");
        }

        foreach (var item in values)
        {
            if (item is not YamlScalarNode)
            {
                throw YamlNodes.Fail(field, item, "a field value must be text, a number, a boolean or null, or a list of them");
            }
        }

        var scalars = values.Cast<YamlScalarNode>().ToList();
        if (name.Length == 0)
        {
            if (modifiers.Contains("all") && scalars.Count < 2)
            {
                throw YamlNodes.Fail(field, value, "'all' needs a list of at least two values");
            }

            return new KeywordCondition(scalars.SelectMany(scalar => KeywordPatterns(scalar, modifiers, field)).ToList(), modifiers.Contains("all"));
        }

        WarnUnknownField(name, keyNode, field);
        if (modifiers.Contains("expand"))
        {
            throw YamlNodes.Fail(field, keyNode, "placeholders ('expand') are not supported: Vigil has no placeholder values to expand them with");
        }

        if (modifiers.Contains("exists"))
        {
            if (scalars.Count != 1 || scalars[0].Value is not ("true" or "false" or "True" or "False"))
            {
                throw YamlNodes.Fail(field, value, "'exists' takes one value, true or false");
            }

            return new FieldCondition(name, [], all: false, matchesNull: false, exists: string.Equals(scalars[0].Value, "true", StringComparison.OrdinalIgnoreCase), negated: false);
        }

        var all = modifiers.Contains("all");
        if (all && scalars.Count < 2)
        {
            throw YamlNodes.Fail(field, value, "'all' needs a list of at least two values");
        }

        var matchesNull = false;
        var matchers = new List<IValueMatcher>();
        foreach (var scalar in scalars)
        {
            if (YamlNodes.IsNull(scalar))
            {
                matchesNull = true;
                continue;
            }

            matchers.AddRange(CompileValue(scalar, modifiers, field));
        }

        return new FieldCondition(name, matchers, all, matchesNull, exists: null, negated: modifiers.Contains("neq"));
    }

    private IEnumerable<IValueMatcher> CompileValue(YamlScalarNode scalar, List<string> modifiers, string field)
    {
        var text = scalar.Value ?? string.Empty;
        var cased = modifiers.Contains("cased");
        var timePart = TimePartOf(modifiers);
        var comparison = ComparisonOf(modifiers, field, scalar);

        if (modifiers.Contains("re"))
        {
            return [new RegexMatcher(CompileRegex(text, modifiers, field, scalar))];
        }

        if (modifiers.Any(modifier => modifier is "i" or "m" or "s"))
        {
            throw YamlNodes.Fail(field, scalar, "the modifiers 'i', 'm' and 's' only apply after 're'");
        }

        if (modifiers.Contains("cidr"))
        {
            var trimmed = text.Trim();
            if (!IPNetwork.TryParse(trimmed, out var network))
            {
                throw YamlNodes.Fail(field, scalar, $"'{text}' is not a CIDR network such as 10.0.0.0/8");
            }

            var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0 && IPAddress.TryParse(trimmed[..slash], out var written) && !written.Equals(network.BaseAddress))
            {
                throw YamlNodes.Fail(field, scalar, $"'{text}' has host bits set (host bits must be zero); write {network}");
            }

            return [new CidrMatcher(network)];
        }

        if (comparison is not null || timePart is not null)
        {
            if (!YamlNodes.IsPlain(scalar) || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound))
            {
                throw YamlNodes.Fail(field, scalar, $"'{text}' is not a number, which {(comparison is null ? "a time modifier" : "lt, lte, gt and gte")} need");
            }

            return [new NumericMatcher(comparison ?? NumericComparison.Equal, bound, timePart)];
        }

        if (modifiers.Contains("fieldref"))
        {
            if (modifiers.Any(modifier => modifier is "contains" or "startswith" or "endswith" or "base64" or "base64offset" or "windash" or "wide" or "utf16" or "utf16le" or "utf16be"))
            {
                throw YamlNodes.Fail(field, scalar, "'fieldref' compares whole values; it cannot be combined with string or encoding modifiers");
            }

            return [new FieldReferenceMatcher(text, cased)];
        }

        return StringPatterns(scalar, modifiers, field).Select(IValueMatcher (pattern) => new WildcardMatcher(pattern));
    }

    private List<WildcardPattern> KeywordPatterns(YamlScalarNode scalar, List<string> modifiers, string field)
    {
        foreach (var modifier in modifiers)
        {
            if (modifier is not ("all" or "contains" or "startswith" or "endswith" or "cased" or "base64" or "base64offset" or "windash" or "wide" or "utf16" or "utf16le" or "utf16be"))
            {
                throw YamlNodes.Fail(field, scalar, $"the modifier '{modifier}' needs a field name");
            }
        }

        // A keyword is found anywhere in a text value, as a full-text search term would be.
        var withContains = modifiers.Contains("startswith") || modifiers.Contains("endswith") ? modifiers : [.. modifiers, "contains"];
        return StringPatterns(scalar, withContains, field);
    }

    /// <summary>Applies windash, the encodings and contains/startswith/endswith, in the order Sigma defines, to one string value.</summary>
    private static List<WildcardPattern> StringPatterns(YamlScalarNode scalar, List<string> modifiers, string field)
    {
        var text = scalar.Value ?? string.Empty;
        var cased = modifiers.Contains("cased");
        var prefix = modifiers.Contains("contains") || modifiers.Contains("endswith");
        var suffix = modifiers.Contains("contains") || modifiers.Contains("startswith");
        var variants = modifiers.Contains("windash") ? WindashVariants(text, field, scalar) : [text];

        var encodings = modifiers.Where(modifier => modifier is "base64" or "base64offset" or "wide" or "utf16" or "utf16le" or "utf16be").ToList();
        if (encodings.Count == 0)
        {
            return variants.Select(variant => WildcardPattern.Parse(variant, prefix, suffix, cased)).ToList();
        }

        var patterns = new List<WildcardPattern>();
        foreach (var variant in variants)
        {
            var plain = WildcardPattern.Parse(variant, false, false, true);
            if (plain.HasWildcards)
            {
                throw YamlNodes.Fail(field, scalar, $"'{variant}' has wildcards, which cannot be encoded; escape them as \\* and \\?");
            }

            foreach (var encoded in Encode(plain.Literal, encodings, field, scalar))
            {
                // Encoded text is matched case-sensitively, because base64 output differs by case.
                patterns.Add(WildcardPattern.Parse(EscapeWildcards(encoded), prefix, suffix, caseSensitive: true));
            }
        }

        return patterns;
    }

    private static IEnumerable<string> Encode(string text, List<string> encodings, string field, YamlScalarNode scalar)
    {
        byte[]? bytes = null;
        var results = new List<string> { text };
        foreach (var encoding in encodings)
        {
            switch (encoding)
            {
                case "wide" or "utf16le":
                    bytes = Encoding.Unicode.GetBytes(text);
                    break;
                case "utf16be":
                    bytes = Encoding.BigEndianUnicode.GetBytes(text);
                    break;
                case "utf16":
                    bytes = [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)];
                    break;
                case "base64":
                    results = [Convert.ToBase64String(bytes ?? Encoding.UTF8.GetBytes(text))];
                    bytes = null;
                    break;
                case "base64offset":
                    results = Base64Offsets(bytes ?? Encoding.UTF8.GetBytes(text));
                    bytes = null;
                    break;
            }
        }

        if (bytes is not null)
        {
            throw YamlNodes.Fail(field, scalar, "'wide' and the 'utf16' modifiers produce bytes; follow them with 'base64' or 'base64offset', because these logs are text");
        }

        return results;
    }

    /// <summary>
    /// Returns the three base64 texts that the value has inside a longer base64 string, one for each
    /// byte offset modulo 3. Characters that depend on the neighbouring bytes are cut off.
    /// </summary>
    internal static List<string> Base64Offsets(byte[] value)
    {
        int[] startCut = [0, 2, 3];
        int[] endCut = [0, 3, 2];
        var results = new List<string>(3);
        for (var shift = 0; shift < 3; shift++)
        {
            var shifted = new byte[shift + value.Length];
            value.CopyTo(shifted, shift);
            var encoded = Convert.ToBase64String(shifted);
            var end = encoded.Length - endCut[(value.Length + shift) % 3];
            var start = startCut[shift];
            if (end > start)
            {
                results.Add(encoded[start..end]);
            }
        }

        return results;
    }

    private static string EscapeWildcards(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("*", "\\*", StringComparison.Ordinal).Replace("?", "\\?", StringComparison.Ordinal);

    private static List<string> WindashVariants(string text, string field, YamlScalarNode scalar)
    {
        var positions = new List<int>();
        for (var i = 0; i < text.Length; i++)
        {
            if (Array.IndexOf(Dashes, text[i]) >= 0 && (i == 0 || char.IsWhiteSpace(text[i - 1])))
            {
                positions.Add(i);
            }
        }

        var count = Math.Pow(Dashes.Length, positions.Count);
        if (count > MaxWindashVariants)
        {
            throw YamlNodes.Fail(field, scalar, $"'windash' would expand '{text}' to {count} values; at most {MaxWindashVariants} are accepted");
        }

        var variants = new List<string> { text };
        foreach (var position in positions)
        {
            variants = variants.SelectMany(variant => Dashes.Select(dash =>
            {
                var chars = variant.ToCharArray();
                chars[position] = dash;
                return new string(chars);
            })).ToList();
        }

        return variants;
    }

    private static Regex CompileRegex(string pattern, List<string> modifiers, string field, YamlScalarNode scalar)
    {
        var options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;
        if (modifiers.Contains("i"))
        {
            options |= RegexOptions.IgnoreCase;
        }

        if (modifiers.Contains("m"))
        {
            options |= RegexOptions.Multiline;
        }

        if (modifiers.Contains("s"))
        {
            options |= RegexOptions.Singleline;
        }

        try
        {
            return new Regex(pattern, options, RegexMatcher.MatchTimeout);
        }
        catch (NotSupportedException exception)
        {
            throw YamlNodes.Fail(field, scalar, $"the regular expression '{pattern}' uses a construct that linear-time matching cannot run ({exception.Message}); Sigma's regex flavour does not need backreferences, lookarounds or atomic groups");
        }
        catch (ArgumentException exception)
        {
            throw YamlNodes.Fail(field, scalar, $"invalid regular expression '{pattern}': {exception.Message}");
        }
    }

    private static NumericComparison? ComparisonOf(List<string> modifiers, string field, YamlScalarNode scalar)
    {
        var found = modifiers.Where(modifier => modifier is "lt" or "lte" or "gt" or "gte").ToList();
        if (found.Count > 1)
        {
            throw YamlNodes.Fail(field, scalar, "use one of lt, lte, gt and gte per field; put a range in two entries");
        }

        return found.Count == 0 ? null : found[0] switch
        {
            "lt" => NumericComparison.LessThan,
            "lte" => NumericComparison.LessOrEqual,
            "gt" => NumericComparison.GreaterThan,
            _ => NumericComparison.GreaterOrEqual,
        };
    }

    private static TimePart? TimePartOf(List<string> modifiers)
    {
        foreach (var modifier in modifiers)
        {
            switch (modifier)
            {
                case "minute": return TimePart.Minute;
                case "hour": return TimePart.Hour;
                case "day": return TimePart.Day;
                case "week": return TimePart.Week;
                case "month": return TimePart.Month;
                case "year": return TimePart.Year;
            }
        }

        return null;
    }

    private void WarnUnknownField(string name, YamlNode node, string field)
    {
        var known = logSource switch
        {
            SigmaLogSource.VpcFlow => FlowRuleEvent.IsKnownField(name),
            SigmaLogSource.Route53Resolver => DnsRuleEvent.IsKnownField(name),
            _ => true,
        };
        if (!known)
        {
            var effect = logSource == SigmaLogSource.VpcFlow ? "it only matches a custom flow log column of that name" : "it never matches";
            Warn(field, node, $"'{name}' is not a field of this log source, so {effect}");
        }
    }

    private void Error(RuleCompileException exception) =>
        diagnostics.Add(new RuleDiagnostic(RuleDiagnosticSeverity.Error, sourceName, exception.Line, exception.Column, exception.Field, exception.Message));

    private void Warn(string field, YamlNode node, string message) =>
        diagnostics.Add(new RuleDiagnostic(RuleDiagnosticSeverity.Warning, sourceName, (int)node.Start.Line, (int)node.Start.Column, field, message));

    private static readonly HashSet<string> KnownModifiers = new(StringComparer.Ordinal)
    {
        "contains", "startswith", "endswith", "all", "base64", "base64offset", "wide", "utf16", "utf16le", "utf16be",
        "windash", "re", "i", "m", "s", "cidr", "lt", "lte", "gt", "gte", "exists", "cased", "neq", "fieldref", "expand",
        "minute", "hour", "day", "week", "month", "year",
    };
}
