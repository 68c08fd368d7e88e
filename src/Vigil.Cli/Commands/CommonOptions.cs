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

    /// <summary>The <c>--actor</c> option of commands that change lists: who the audit log names for the change.</summary>
    public static Option<string?> Actor() => new("--actor")
    {
        Description = "Name recorded as the author of the change in the audit log and the list trail, after 'cli:'; defaults to the operating-system user name.",
    };

    /// <summary>
    /// Returns the audit actor of a CLI change, <c>cli:</c> and the <c>--actor</c> value or the
    /// operating-system user, or writes why the value is invalid and returns null.
    /// </summary>
    public static string? ResolveActor(string? option, TextWriter error)
    {
        if (option is null)
        {
            return "cli:" + Environment.UserName;
        }

        if (string.IsNullOrWhiteSpace(option) || option.Length > MaxActorLength || option.Any(char.IsControl))
        {
            error.WriteLine($"error: invalid --actor; use 1 to {MaxActorLength} characters without control characters.");
            return null;
        }

        return "cli:" + option.Trim();
    }

    /// <summary>Longest <c>--actor</c> value; with the <c>cli:</c> prefix it fits the audit log's 256 characters.</summary>
    public const int MaxActorLength = 200;

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
