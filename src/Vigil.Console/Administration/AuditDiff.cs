using System.Text.Json;

namespace Vigil.Console.Administration;

/// <summary>
/// The fields that differ between an audit entry's before and after documents, compared at the top
/// level of the JSON objects. A document that is not an object is compared as a whole.
/// </summary>
public static class AuditDiff
{
    /// <summary>The longest value shown per side; longer ones end in an ellipsis.</summary>
    public const int MaxValueLength = 400;

    /// <summary>The most fields listed per entry.</summary>
    public const int MaxFields = 50;

    /// <summary>Returns the changed fields in the order of the after document, then the removed ones.</summary>
    public static IReadOnlyList<FieldChange> Compute(string? before, string? after)
    {
        var beforeFields = Fields(before);
        var afterFields = Fields(after);
        var changes = new List<FieldChange>();
        foreach (var (name, value) in afterFields)
        {
            var old = beforeFields.GetValueOrDefault(name);
            if (old != value)
            {
                changes.Add(new FieldChange(name, Shorten(old), Shorten(value)));
            }
        }

        foreach (var (name, value) in beforeFields)
        {
            if (!afterFields.ContainsKey(name))
            {
                changes.Add(new FieldChange(name, Shorten(value), null));
            }
        }

        return changes.Count > MaxFields ? changes[..MaxFields] : changes;
    }

    private static Dictionary<string, string> Fields(string? document)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(document))
        {
            return fields;
        }

        try
        {
            using var parsed = JsonDocument.Parse(document);
            if (parsed.RootElement.ValueKind != JsonValueKind.Object)
            {
                fields["(value)"] = parsed.RootElement.GetRawText();
                return fields;
            }

            foreach (var property in parsed.RootElement.EnumerateObject())
            {
                // A null field reads as an absent one, so a created object lists only the fields it has.
                if (property.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                fields[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }
        catch (JsonException)
        {
            fields["(value)"] = document;
        }

        return fields;
    }

    private static string? Shorten(string? value) =>
        value is null || value.Length <= MaxValueLength ? value : value[..MaxValueLength] + "…";
}

/// <summary>One changed field: null before for an added field, null after for a removed one.</summary>
public sealed record FieldChange(string Field, string? Before, string? After);
