namespace Vigil.Rules;

/// <summary>One rule file to compile: its name (a file name or the stored rule name, shown in errors) and its YAML text.</summary>
public sealed record RuleSource(string Name, string Yaml)
{
    /// <summary>True to only count the matches of the file's rules, without raising findings.</summary>
    public bool DryRun { get; init; }
}
