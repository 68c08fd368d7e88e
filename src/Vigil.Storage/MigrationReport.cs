namespace Vigil.Storage;

/// <summary>The outcome of <see cref="DatabaseMigrator.MigrateAsync"/>.</summary>
/// <param name="Applied">File names of the migrations applied by this run, in order.</param>
/// <param name="AlreadyApplied">File names of the migrations that an earlier run had applied.</param>
public sealed record MigrationReport(IReadOnlyList<string> Applied, IReadOnlyList<string> AlreadyApplied);
