using System.Text.RegularExpressions;

namespace Vigil.Rules.Parsing;

/// <summary>A node of a compiled condition; selections are referred to by their index in the rule.</summary>
internal abstract record ConditionNode;

internal sealed record SelectionReference(int Index) : ConditionNode;

internal sealed record NotNode(ConditionNode Operand) : ConditionNode;

internal sealed record AndNode(IReadOnlyList<ConditionNode> Operands) : ConditionNode;

internal sealed record OrNode(IReadOnlyList<ConditionNode> Operands) : ConditionNode;

/// <summary>
/// Parses a Sigma condition: <c>and</c>, <c>or</c>, <c>not</c>, parentheses, <c>1 of</c> /
/// <c>any of</c> / <c>all of</c> followed by <c>them</c> or an identifier pattern with <c>*</c>.
/// Precedence from loosest to tightest is or, and, not, "x of", parentheses. The parser is
/// recursive descent with a nesting bound, so a hostile condition cannot exhaust the stack.
/// </summary>
internal sealed partial class ConditionParser
{
    /// <summary>Deepest nesting of parentheses and <c>not</c> accepted.</summary>
    public const int MaxNesting = 64;

    /// <summary>Longest condition accepted, in characters.</summary>
    public const int MaxLength = 4_096;

    private readonly IReadOnlyList<string> selectionNames;
    private readonly List<string> tokens;
    private int position;
    private int nesting;

    private ConditionParser(string condition, IReadOnlyList<string> selectionNames)
    {
        this.selectionNames = selectionNames;
        tokens = Tokenize(condition);
    }

    /// <summary>Parses a condition over the named selections.</summary>
    /// <exception cref="FormatException">The condition is invalid; the message says where and why.</exception>
    public static ConditionNode Parse(string condition, IReadOnlyList<string> selectionNames)
    {
        if (condition.Length > MaxLength)
        {
            throw new FormatException($"the condition has {condition.Length} characters; at most {MaxLength} are accepted");
        }

        if (condition.Contains('|', StringComparison.Ordinal))
        {
            throw new FormatException("aggregation expressions after '|' (count() by …, near) are deprecated in Sigma and not supported; write a correlation rule instead");
        }

        var parser = new ConditionParser(condition, selectionNames);
        if (parser.tokens.Count == 0)
        {
            throw new FormatException("the condition is empty");
        }

        var node = parser.ParseOr();
        if (parser.position < parser.tokens.Count)
        {
            throw new FormatException($"unexpected '{parser.tokens[parser.position]}' at token {parser.position + 1}");
        }

        return node;
    }

    private static List<string> Tokenize(string condition) =>
        TokenPattern().Matches(condition).Select(match => match.Value).ToList();

    private ConditionNode ParseOr()
    {
        var operands = new List<ConditionNode> { ParseAnd() };
        while (Accept("or"))
        {
            operands.Add(ParseAnd());
        }

        return operands.Count == 1 ? operands[0] : new OrNode(operands);
    }

    private ConditionNode ParseAnd()
    {
        var operands = new List<ConditionNode> { ParseNot() };
        while (Accept("and"))
        {
            operands.Add(ParseNot());
        }

        return operands.Count == 1 ? operands[0] : new AndNode(operands);
    }

    private ConditionNode ParseNot()
    {
        if (Accept("not"))
        {
            Enter();
            var operand = ParseNot();
            nesting--;
            return new NotNode(operand);
        }

        return ParsePrimary();
    }

    private ConditionNode ParsePrimary()
    {
        if (position >= tokens.Count)
        {
            throw new FormatException("the condition ends where a selection name, 'not', 'x of' or '(' was expected");
        }

        var token = tokens[position];
        if (token == "(")
        {
            position++;
            Enter();
            var inner = ParseOr();
            nesting--;
            if (!Accept(")"))
            {
                throw new FormatException("a '(' is not closed");
            }

            return inner;
        }

        if (token == ")")
        {
            throw new FormatException($"unexpected ')' at token {position + 1}");
        }

        if (IsQuantifier(token) && position + 1 < tokens.Count && string.Equals(tokens[position + 1], "of", StringComparison.OrdinalIgnoreCase))
        {
            position += 2;
            return ParseOf(token);
        }

        if (IsKeyword(token))
        {
            throw new FormatException($"unexpected '{token}' at token {position + 1}");
        }

        position++;
        var index = IndexOf(token);
        if (index < 0)
        {
            throw new FormatException($"the condition names '{token}', which is not a search identifier of the detection");
        }

        return new SelectionReference(index);
    }

    private ConditionNode ParseOf(string quantifier)
    {
        if (position >= tokens.Count)
        {
            throw new FormatException($"'{quantifier} of' needs 'them' or a search identifier pattern after it");
        }

        var target = tokens[position++];
        List<int> indexes;
        if (string.Equals(target, "them", StringComparison.OrdinalIgnoreCase))
        {
            // Identifiers that start with '_' are left out of 'them' by convention.
            indexes = Enumerable.Range(0, selectionNames.Count).Where(i => !selectionNames[i].StartsWith('_')).ToList();
        }
        else
        {
            var pattern = new Regex("^" + Regex.Escape(target).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            indexes = Enumerable.Range(0, selectionNames.Count).Where(i => pattern.IsMatch(selectionNames[i])).ToList();
        }

        if (indexes.Count == 0)
        {
            throw new FormatException($"'{quantifier} of {target}' matches no search identifier of the detection");
        }

        var references = indexes.Select(ConditionNode (i) => new SelectionReference(i)).ToList();
        if (references.Count == 1)
        {
            return references[0];
        }

        return string.Equals(quantifier, "all", StringComparison.OrdinalIgnoreCase) ? new AndNode(references) : new OrNode(references);
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < selectionNames.Count; i++)
        {
            if (string.Equals(selectionNames[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private bool Accept(string keyword)
    {
        if (position < tokens.Count && string.Equals(tokens[position], keyword, StringComparison.OrdinalIgnoreCase))
        {
            position++;
            return true;
        }

        return false;
    }

    private void Enter()
    {
        if (++nesting > MaxNesting)
        {
            throw new FormatException($"the condition nests deeper than {MaxNesting} levels");
        }
    }

    private static bool IsQuantifier(string token) => token is "1" || string.Equals(token, "any", StringComparison.OrdinalIgnoreCase) || string.Equals(token, "all", StringComparison.OrdinalIgnoreCase);

    private static bool IsKeyword(string token) =>
        token is "and" or "or" or "not" or "of" or "them" || string.Equals(token, "and", StringComparison.OrdinalIgnoreCase) || string.Equals(token, "or", StringComparison.OrdinalIgnoreCase) || string.Equals(token, "not", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\(|\)|[^\s()]+", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}
