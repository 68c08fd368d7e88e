namespace Vigil.Rules.Events;

/// <summary>
/// One log record as the rule matchers see it: fields by Sigma name, the event time and every text
/// value for keyword searches. Lookups are cached for the life of the object, which is one record
/// evaluated against every rule of a rule set.
/// </summary>
public abstract class RuleEvent : IDisposable
{
    /// <summary>Most values one field path returns, and most texts a keyword search reads, per record.</summary>
    public const int MaxValues = 1_000;

    private readonly Dictionary<string, FieldLookup> cache = new(StringComparer.Ordinal);
    private IReadOnlyList<string>? keywordTexts;

    /// <summary>The record's event time, which drives correlation windows.</summary>
    public abstract DateTimeOffset Time { get; }

    public FieldLookup Lookup(string field)
    {
        if (!cache.TryGetValue(field, out var lookup))
        {
            lookup = Resolve(field);
            cache[field] = lookup;
        }

        return lookup;
    }

    /// <summary>Returns the texts a keyword (a value without a field) is searched in.</summary>
    public IReadOnlyList<string> KeywordTexts() => keywordTexts ??= CollectKeywordTexts();

    /// <summary>Releases what the lookups cached, such as a parsed JSON document.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);

    protected abstract FieldLookup Resolve(string field);

    protected abstract IReadOnlyList<string> CollectKeywordTexts();
}
