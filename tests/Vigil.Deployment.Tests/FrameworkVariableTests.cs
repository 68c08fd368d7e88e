using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vigil.Deployment.Tests.Support;

namespace Vigil.Deployment.Tests;

/// <summary>Variables in the deploy files that are not VigilHostOptions settings, checked against what reads them.</summary>
public sealed class FrameworkVariableTests
{
    [Fact]
    public void ShutdownTimeoutSeconds_SetsHostShutdownTimeout()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("shutdownTimeoutSeconds", "90")]);

        using var host = builder.Build();

        Assert.Equal(TimeSpan.FromSeconds(90), host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public void Urls_IsHostAppSetting()
    {
        // An environment variable overrides appsettings.json only under the same key.
        Assert.Contains("Urls", SettingNames.AppSettingsTopLevelKeys());
    }

    [Fact]
    public async Task VigilDatabase_IsReadByCli()
    {
        var cli = CliDll();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(cli);
        start.ArgumentList.Add("db");
        start.ArgumentList.Add("migrate");
        start.Environment.Remove("VIGIL_DATABASE");

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        // Exit status 2 and this message mean the command parsed and stopped for the missing variable.
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("VIGIL_DATABASE", await error, StringComparison.Ordinal);
        Assert.Equal("", await output);
    }

    private static string CliDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(DeployFiles.Root, "src", "Vigil.Cli", "bin", configuration, "net10.0", "vigil.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"CLI build output '{path}' not found. Build Platform.sln in {configuration} first.", path);
    }
}
