namespace Vigil.Contracts.Events;

/// <summary>
/// A column that Vigil does not map to a <see cref="FlowRecord"/> property, such as a field AWS added
/// after this reader was written. The value is the text as delivered, or null for <c>-</c>.
/// </summary>
public sealed record FlowExtraField(string Name, string? Value);
