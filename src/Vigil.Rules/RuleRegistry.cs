using System.Collections.Concurrent;

namespace Vigil.Rules;

/// <summary>
/// The current rule set of every tenant in this process. A rule set is replaced whole, so a grain
/// evaluates either the old or the new rules, never a mix. The refresh service of each silo fills
/// it from the database, as it does for threat lists.
/// </summary>
public sealed class RuleRegistry
{
    private readonly ConcurrentDictionary<string, RuleSet> ruleSets = new(StringComparer.Ordinal);

    /// <summary>Returns the tenant's rule set, or an empty one when the tenant has no enabled rules.</summary>
    public RuleSet For(string tenantId) => ruleSets.TryGetValue(tenantId, out var set) ? set : RuleSet.Empty;

    public void Replace(string tenantId, RuleSet ruleSet) => ruleSets[tenantId] = ruleSet;

    /// <summary>The tenants that have a rule set installed.</summary>
    public IReadOnlyCollection<string> Tenants => ruleSets.Keys.ToList();

    /// <summary>Compiles the rule files and installs the rules without errors as the tenant's rule set.</summary>
    public RuleSetCompilation Load(string tenantId, IEnumerable<RuleSource> sources)
    {
        var compilation = RuleSetCompiler.Compile(sources);
        Replace(tenantId, compilation.RuleSet);
        return compilation;
    }
}
