using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Storage;

/// <summary>
/// One versioned migration: an embedded <c>Migrations/NNNN_description.sql</c> file, its version
/// number and the SHA-256 of its text.
/// </summary>
internal sealed record MigrationScript(int Version, string FileName, string Sql, string Sha256)
{
    private const string ResourcePrefix = "Vigil.Storage.Migrations.";

    /// <summary>Loads the migrations embedded in this assembly, ordered by version.</summary>
    public static IReadOnlyList<MigrationScript> LoadEmbedded()
    {
        var assembly = typeof(MigrationScript).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => Load(assembly, name))
            .OrderBy(script => script.Version)
            .ToList();

        var duplicate = scripts.GroupBy(script => script.Version).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"Migrations {string.Join(" and ", duplicate.Select(script => script.FileName))} share version {duplicate.Key}; give each file its own number.");
        }

        return scripts;
    }

    /// <summary>Creates a migration from its file name, which starts with the version number and an underscore, and its text.</summary>
    public static MigrationScript FromText(string fileName, string sql)
    {
        var separator = fileName.IndexOf('_', StringComparison.Ordinal);
        if (separator <= 0 || !int.TryParse(fileName.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new InvalidOperationException($"Migration file name '{fileName}' is invalid: expected a version number, an underscore and a description, such as 0001_orleans_clustering.sql.");
        }

        // Git may check the files out with CRLF line ends on Windows, and the checksum must not depend on that.
        var normalized = sql.Replace("\r\n", "\n", StringComparison.Ordinal);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
        return new MigrationScript(version, fileName, normalized, sha256);
    }

    private static MigrationScript Load(Assembly assembly, string resourceName)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded migration {resourceName} is missing from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return FromText(resourceName[ResourcePrefix.Length..], reader.ReadToEnd());
    }
}
