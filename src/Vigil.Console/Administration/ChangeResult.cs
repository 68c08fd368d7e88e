namespace Vigil.Console.Administration;

/// <summary>How a change requested by an admin ended.</summary>
public enum ChangeStatus
{
    Succeeded,

    /// <summary>The tenant has no such object; another tenant's object is reported the same way.</summary>
    NotFound,

    /// <summary>A field is invalid; <see cref="ChangeResult{T}.Errors"/> names it.</summary>
    Invalid,

    /// <summary>The object exists already.</summary>
    Conflict,

    /// <summary>The user's role does not allow this change.</summary>
    Forbidden,
}

/// <summary>The outcome of a change: the object after it, or the status and the errors by field.</summary>
public sealed record ChangeResult<T>(ChangeStatus Status, T? Value, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Succeeded => Status == ChangeStatus.Succeeded;

    /// <summary>The first error message, for a page that shows one line.</summary>
    public string? Message => Errors.Values.SelectMany(messages => messages).FirstOrDefault();

    public static ChangeResult<T> Success(T value) => new(ChangeStatus.Succeeded, value, Empty);

    public static ChangeResult<T> Fail(ChangeStatus status, string field, string message) =>
        new(status, default, new Dictionary<string, string[]> { [field] = [message] });

    public static ChangeResult<T> NotFound(string message) => Fail(ChangeStatus.NotFound, "id", message);

    private static readonly IReadOnlyDictionary<string, string[]> Empty = new Dictionary<string, string[]>();
}
