namespace Vigil.Storage;

/// <summary>
/// Raised when the database cannot be migrated: a migration failed (and was rolled back), or the
/// text of a migration that the database already applied has changed since. The message names the file.
/// </summary>
public sealed class MigrationException : Exception
{
    public MigrationException(string message)
        : base(message)
    {
    }

    public MigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
