namespace Vigil.Rules;

/// <summary>How bad a <see cref="RuleDiagnostic"/> is: an error keeps the rule out of the rule set, a warning does not.</summary>
public enum RuleDiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>
/// A problem found in a rule file: the file (or stored rule name), the 1-based line and column
/// that YamlDotNet marked, the rule field path such as <c>detection.selection.eventName|re</c>,
/// and the reason.
/// </summary>
public sealed record RuleDiagnostic(RuleDiagnosticSeverity Severity, string Source, int Line, int Column, string Field, string Message)
{
    public override string ToString()
    {
        var kind = Severity == RuleDiagnosticSeverity.Error ? "error" : "warning";
        var field = string.IsNullOrEmpty(Field) ? string.Empty : $" {Field}:";
        return $"{Source}:{Line}:{Column}: {kind}:{field} {Message}";
    }
}

/// <summary>Thrown inside the compiler to abandon one rule; the compiler turns it into an error diagnostic.</summary>
internal sealed class RuleCompileException(string field, int line, int column, string message) : Exception(message)
{
    public string Field { get; } = field;

    public int Line { get; } = line;

    public int Column { get; } = column;
}
