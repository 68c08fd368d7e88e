using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Rules;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil rules validate|import|enable|disable</c>: checks Sigma rule files and manages a tenant's stored rules.</summary>
internal static class RulesCommand
{
    public static Command Create() => new("rules", "Check Sigma detection rules and manage a tenant's rules.")
    {
        Validate(),
        Import(),
        Toggle("enable", enabled: true),
        Toggle("disable", enabled: false),
    };

    private static Command Validate()
    {
        var path = new Argument<string>("path") { Description = "A Sigma rule file, or a folder whose .yml and .yaml files are read recursively." };
        var command = new Command("validate", "Compile Sigma rules as Vigil runs them and print every error and warning with file, line, column and field. No database is used.") { path };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(() =>
        {
            var sources = RuleFiles.Read(parse.GetValue(path)!, Console.Error);
            if (sources is null)
            {
                return Task.FromResult(2);
            }

            var compilation = RuleSetCompiler.Compile(sources);
            Print(compilation.Diagnostics);
            PrintSummary(sources.Count, compilation);
            return Task.FromResult(compilation.HasErrors || sources.Count == 0 ? 1 : 0);
        }));
        return command;
    }

    private static Command Import()
    {
        var path = new Argument<string>("path") { Description = "A Sigma rule file, or a folder whose .yml and .yaml files are read recursively." };
        var tenant = CommonOptions.Tenant("Tenant the rules belong to");
        var connection = CommonOptions.Connection();
        var disabled = new Option<bool>("--disabled") { Description = "Store the rules turned off; enable them later with 'vigil rules enable'." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Store the rules in dry-run mode: the silos count and log their matches but raise no findings." };
        var command = new Command("import", "Validate Sigma rule files and store those without errors for a tenant; silos load them within 30 seconds.") { path, tenant, connection, disabled, dryRun };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var tenantId = parse.GetValue(tenant)!;
            var connectionString = CommonOptions.ResolveConnection(parse.GetValue(connection), Console.Error);
            if (connectionString is null || !CommonOptions.ValidateTenant(tenantId, Console.Error))
            {
                return 2;
            }

            var sources = RuleFiles.Read(parse.GetValue(path)!, Console.Error);
            if (sources is null)
            {
                return 2;
            }

            // Files are compiled together, so a correlation rule may refer to rules in another file.
            var compilation = RuleSetCompiler.Compile(sources);
            Print(compilation.Diagnostics);
            var rejected = compilation.Diagnostics.Where(diagnostic => diagnostic.Severity == RuleDiagnosticSeverity.Error).Select(diagnostic => diagnostic.Source).ToHashSet(StringComparer.Ordinal);

            var services = new ServiceCollection().AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)).AddVigilStorage(connectionString);
            await using var provider = services.BuildServiceProvider();
            var store = provider.GetRequiredService<IRuleStore>();
            var stored = 0;
            foreach (var source in sources.Where(source => !rejected.Contains(source.Name)))
            {
                await store.SaveAsync(
                    new StoredRule
                    {
                        TenantId = tenantId,
                        Name = source.Name,
                        Yaml = source.Yaml,
                        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source.Yaml))),
                        Enabled = !parse.GetValue(disabled),
                        DryRun = parse.GetValue(dryRun),
                        UpdatedAt = DateTimeOffset.UtcNow,
                        UpdatedBy = "cli:" + Environment.UserName,
                    },
                    cancellationToken);
                stored++;
            }

            Console.WriteLine($"Stored {stored} of {sources.Count} rule files for tenant '{tenantId}'{(parse.GetValue(disabled) ? " (disabled)" : string.Empty)}{(parse.GetValue(dryRun) ? " (dry run)" : string.Empty)}; {rejected.Count} files with errors were not stored.");
            return rejected.Count == 0 ? 0 : 1;
        }));
        return command;
    }

    private static Command Toggle(string verb, bool enabled)
    {
        var name = new Argument<string>("name") { Description = "The stored rule file name, as 'vigil rules import' printed it (its path relative to the imported folder)." };
        var tenant = CommonOptions.Tenant("Tenant the rules belong to");
        var connection = CommonOptions.Connection();
        var command = new Command(verb, $"{(enabled ? "Turn on" : "Turn off")} a stored rule file of a tenant.") { name, tenant, connection };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var tenantId = parse.GetValue(tenant)!;
            var connectionString = CommonOptions.ResolveConnection(parse.GetValue(connection), Console.Error);
            if (connectionString is null || !CommonOptions.ValidateTenant(tenantId, Console.Error))
            {
                return 2;
            }

            var services = new ServiceCollection().AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)).AddVigilStorage(connectionString);
            await using var provider = services.BuildServiceProvider();
            var fileName = parse.GetValue(name)!;
            if (!await provider.GetRequiredService<IRuleStore>().SetEnabledAsync(tenantId, fileName, enabled, "cli:" + Environment.UserName, cancellationToken))
            {
                Console.Error.WriteLine($"error: tenant '{tenantId}' has no rule file named '{LogText.Escape(fileName)}'.");
                return 1;
            }

            Console.WriteLine($"Rule file '{fileName}' of tenant '{tenantId}' is now {(enabled ? "enabled" : "disabled")}.");
            return 0;
        }));
        return command;
    }

    private static void Print(IEnumerable<RuleDiagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            Console.Error.WriteLine(LogText.Escape(diagnostic.ToString()));
        }
    }

    private static void PrintSummary(int files, RuleSetCompilation compilation)
    {
        var errors = compilation.Diagnostics.Count(diagnostic => diagnostic.Severity == RuleDiagnosticSeverity.Error);
        var warnings = compilation.Diagnostics.Count - errors;
        Console.WriteLine($"{files} rule files: {compilation.RuleSet.Rules.Count} detection rules and {compilation.RuleSet.Correlations.Count} correlation rules compiled; {errors} errors, {warnings} warnings.");
    }
}
