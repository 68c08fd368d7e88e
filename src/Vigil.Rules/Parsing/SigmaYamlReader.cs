using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Vigil.Rules.Parsing;

/// <summary>
/// Reads the YAML documents of one rule file with YamlDotNet. Before it builds the node tree it
/// walks the parser events once, without recursion, to reject a file that is too large, nests too
/// deeply, has too many nodes or uses aliases, so that no rule text can exhaust the stack or memory.
/// </summary>
internal static class SigmaYamlReader
{
    /// <summary>Largest rule file accepted, in characters.</summary>
    public const int MaxCharacters = 1024 * 1024;

    /// <summary>Deepest nesting of mappings and sequences accepted; Sigma rules need about 5.</summary>
    public const int MaxDepth = 32;

    /// <summary>Most YAML nodes in one file.</summary>
    public const int MaxNodes = 100_000;

    public static IReadOnlyList<YamlMappingNode> Read(RuleSource source, List<RuleDiagnostic> diagnostics)
    {
        if (source.Yaml.Length > MaxCharacters)
        {
            diagnostics.Add(new RuleDiagnostic(RuleDiagnosticSeverity.Error, source.Name, 1, 1, string.Empty, $"the file has {source.Yaml.Length} characters; at most {MaxCharacters} are accepted"));
            return [];
        }

        if (!CheckShape(source, diagnostics))
        {
            return [];
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(source.Yaml));
        }
        catch (YamlException exception)
        {
            diagnostics.Add(Error(source, exception));
            return [];
        }

        var documents = new List<YamlMappingNode>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlMappingNode mapping)
            {
                documents.Add(mapping);
            }
            else if (document.RootNode is YamlScalarNode { Value: null or "" })
            {
                // An empty document, such as the one after a trailing '---', is not a rule.
            }
            else
            {
                var start = document.RootNode.Start;
                diagnostics.Add(new RuleDiagnostic(RuleDiagnosticSeverity.Error, source.Name, (int)start.Line, (int)start.Column, string.Empty, "a rule document must be a YAML mapping (title, logsource, detection and so on)"));
            }
        }

        return documents;
    }

    private static bool CheckShape(RuleSource source, List<RuleDiagnostic> diagnostics)
    {
        var parser = new Parser(new StringReader(source.Yaml));
        var depth = 0;
        var nodes = 0;
        var lastMark = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                lastMark = current.End;
                switch (current)
                {
                    case MappingStart or SequenceStart:
                        depth++;
                        nodes++;
                        if (depth > MaxDepth)
                        {
                            diagnostics.Add(At(source, current.Start, $"the YAML nests deeper than {MaxDepth} levels"));
                            return false;
                        }

                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                    case Scalar:
                        nodes++;
                        break;
                    case AnchorAlias:
                        diagnostics.Add(At(source, current.Start, "YAML aliases (*name) are not accepted in rules; write the value out"));
                        return false;
                }

                if (nodes > MaxNodes)
                {
                    diagnostics.Add(At(source, current.Start, $"the file has more than {MaxNodes} YAML nodes"));
                    return false;
                }
            }
        }
        catch (YamlException exception)
        {
            diagnostics.Add(Error(source, exception));
            return false;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 18 throws this from its scanner for some malformed flow collections.
            diagnostics.Add(new RuleDiagnostic(RuleDiagnosticSeverity.Error, source.Name, (int)lastMark.Line, (int)lastMark.Column, string.Empty, "invalid YAML after this position: a flow collection ([ ] or { }) is not closed or a scalar is malformed"));
            return false;
        }

        return true;
    }

    private static RuleDiagnostic At(RuleSource source, Mark mark, string message) =>
        new(RuleDiagnosticSeverity.Error, source.Name, (int)mark.Line, (int)mark.Column, string.Empty, message);

    private static RuleDiagnostic Error(RuleSource source, YamlException exception)
    {
        // YamlException.Message repeats the position in parentheses; the diagnostic carries it already.
        var message = exception.InnerException?.Message ?? exception.Message;
        var bracket = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith('(') && bracket > 0)
        {
            message = message[(bracket + 3)..];
        }

        return new RuleDiagnostic(RuleDiagnosticSeverity.Error, source.Name, (int)exception.Start.Line, (int)exception.Start.Column, string.Empty, "invalid YAML: " + message);
    }
}
