using System.Diagnostics;

namespace Vigil.Faults.Tests.Infrastructure;

/// <summary>Runs the <c>vigil</c> command from its build output.</summary>
internal static class CliProcess
{
    public static async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(BuildOutput.CliDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Starting dotnet failed.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var text = $"vigil {string.Join(' ', arguments.Select(argument => argument.Contains("Password", StringComparison.Ordinal) ? "(connection string)" : argument))}: exit {process.ExitCode}\n{await output}\n{await error}";
        return process.ExitCode == 0 ? text : throw new InvalidOperationException(text);
    }
}
