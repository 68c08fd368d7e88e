namespace Vigil.Rules.Events;

/// <summary>JSON type of one event value, as far as matching needs it.</summary>
public enum FieldValueKind
{
    String,
    Number,
    Boolean,
    Null,

    /// <summary>An object or array at the end of a field path, matched by its JSON text.</summary>
    Structure,
}

/// <summary>One value of an event field: its kind and its text (null only for <see cref="FieldValueKind.Null"/>).</summary>
public readonly record struct FieldValue(FieldValueKind Kind, string? Text)
{
    public static readonly FieldValue Null = new(FieldValueKind.Null, null);

    public static FieldValue Of(string? text) => text is null ? Null : new FieldValue(FieldValueKind.String, text);

    public static FieldValue Of(long? number) => number is { } value ? new FieldValue(FieldValueKind.Number, value.ToString(System.Globalization.CultureInfo.InvariantCulture)) : Null;

    public bool IsNull => Kind == FieldValueKind.Null;
}

/// <summary>The values a field path resolves to in one event; <see cref="Exists"/> is false when the path is absent.</summary>
public readonly record struct FieldLookup(bool Exists, IReadOnlyList<FieldValue> Values)
{
    public static readonly FieldLookup Missing = new(false, []);
}
