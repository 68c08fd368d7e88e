namespace Vigil.Ingestion.VpcFlow;

/// <summary>
/// The field order of a text flow log object, from its header line. It has each column's name and
/// its mapped field, which is null for a name that Vigil does not map (kept as an extra field).
/// </summary>
internal sealed class FlowLayout
{
    public FlowLayout(IReadOnlyList<string> names)
    {
        Names = names;
        FieldArray = [.. names.Select(FlowFields.Find)];
        IsDefaultOrder = FieldArray.SequenceEqual(FlowFields.DefaultFormat);
    }

    private FlowLayout(IReadOnlyList<FlowField> fields)
    {
        Names = [.. fields.Select(field => field.Name)];
        FieldArray = [.. fields];
        IsDefaultOrder = true;
    }

    /// <summary>True when the fields are exactly the 14 version 2 fields in their documented order, as in the default format and its header line.</summary>
    public bool IsDefaultOrder { get; }

    /// <summary>The AWS default format: the 14 version 2 fields in their documented order.</summary>
    public static FlowLayout Default { get; } = new(FlowFields.DefaultFormat);

    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<FlowField?> Fields => FieldArray;

    /// <summary>The same as <see cref="Fields"/>, as an array for the per-record loop.</summary>
    public FlowField?[] FieldArray { get; }

    /// <summary>
    /// True when every token is written like a field name (a lowercase letter, then lowercase letters,
    /// digits or hyphens) and at least one is a field that Vigil maps. A record passes only when all its
    /// values are such words and one equals a field name: versions, counters and addresses start
    /// with a digit, and ACCEPT, OK and IPv4 have capitals.
    /// </summary>
    public static bool IsHeader(IReadOnlyList<string> tokens) =>
        tokens.All(IsFieldName) && tokens.Any(token => FlowFields.Find(token) is not null);

    public bool HasNames(IReadOnlyList<string> tokens) => tokens.SequenceEqual(Names, StringComparer.Ordinal);

    private static bool IsFieldName(string token)
    {
        if (token.Length == 0 || !char.IsAsciiLetterLower(token[0]))
        {
            return false;
        }

        foreach (var character in token)
        {
            if (!char.IsAsciiLetterLower(character) && !char.IsAsciiDigit(character) && character != '-')
            {
                return false;
            }
        }

        return true;
    }
}
