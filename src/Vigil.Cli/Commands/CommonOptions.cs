using System.CommandLine;
using System.Text.RegularExpressions;

namespace Vigil.Cli.Commands;

/// <summary>Options several commands share, and how their values are resolved.</summary>
internal static partial class CommonOptions
{
    /// <summary>Environment variable read when <c>--connection</c> is not given.</summary>
    public const string ConnectionVariable = "VIGIL_DATABASE";

    public static Option<string> Tenant(string description = "Tenant the logs belong to") => new("--tenant")
    {
        Description = description + " (lower-case letters, digits and '-', at most 64 characters).",
        DefaultValueFactory = _ => "default",
    };

    public static Option<string?> Connection() => new("--connection")
    {
        Description = $"Npgsql connection string of Vigil's PostgreSQL database; defaults to the {ConnectionVariable} environment variable.",
    };

    /// <summary>Returns the connection string, or writes what to set and returns null.</summary>
    public static string? ResolveConnection(string? option, TextWriter error)
    {
        var value = string.IsNullOrWhiteSpace(option) ? Environment.GetEnvironmentVariable(ConnectionVariable) : option;
        if (string.IsNullOrWhiteSpace(value))
        {
            error.WriteLine($"error: no database connection string; pass --connection or set {ConnectionVariable}.");
            return null;
        }

        return value;
    }

    /// <summary>Returns true for a valid tenant id; otherwise writes why and returns false.</summary>
    public static bool ValidateTenant(string tenant, TextWriter error)
    {
        if (TenantPattern().IsMatch(tenant))
        {
            return true;
        }

        error.WriteLine($"error: invalid tenant id '{tenant}'; use 1 to 64 lower-case letters, digits or '-'.");
        return false;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex TenantPattern();
}
