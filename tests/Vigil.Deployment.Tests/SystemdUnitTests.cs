using Npgsql;
using Vigil.Deployment.Tests.Support;
using Vigil.Host.Configuration;

namespace Vigil.Deployment.Tests;

/// <summary>deploy/systemd/vigil-host.service and the environment file it loads.</summary>
public sealed class SystemdUnitTests
{
    private static readonly SystemdUnit Unit = SystemdUnit.Load(DeployFiles.SystemdUnit);

    [Fact]
    public void Unit_Sections_ArePresent()
    {
        Assert.True(Unit.HasSection("Unit"));
        Assert.True(Unit.HasSection("Service"));
        Assert.True(Unit.HasSection("Install"));
        Assert.Equal("multi-user.target", Unit.Value("Install", "WantedBy"));
    }

    [Fact]
    public void Unit_ExecStart_RunsHostFromWorkingDirectory()
    {
        var execStart = Unit.Value("Service", "ExecStart");
        var workingDirectory = Unit.Value("Service", "WorkingDirectory");

        Assert.Equal("/usr/bin/dotnet /opt/vigil/host/Vigil.Host.dll", execStart);

        // The host reads appsettings.json from its content root, which is the working directory.
        Assert.Equal("/opt/vigil/host", workingDirectory);
    }

    [Fact]
    public void Unit_EnvironmentFile_IsLoaded()
    {
        Assert.Equal("/etc/vigil/vigil.env", Unit.Value("Service", "EnvironmentFile"));
    }

    [Fact]
    public void Unit_Restart_IsOnFailure()
    {
        Assert.Equal("on-failure", Unit.Value("Service", "Restart"));

        // Status 2 is the host's exit for invalid settings, which a restart cannot fix.
        Assert.Equal("2", Unit.Value("Service", "RestartPreventExitStatus"));
    }

    [Fact]
    public void Unit_User_IsDedicated()
    {
        Assert.Equal("vigil", Unit.Value("Service", "User"));
        Assert.Equal("vigil", Unit.Value("Service", "Group"));
    }

    [Theory]
    [InlineData("NoNewPrivileges", "yes")]
    [InlineData("ProtectSystem", "strict")]
    [InlineData("ProtectHome", "yes")]
    [InlineData("PrivateTmp", "yes")]
    [InlineData("PrivateDevices", "yes")]
    [InlineData("ProtectKernelTunables", "yes")]
    [InlineData("ProtectKernelModules", "yes")]
    [InlineData("ProtectControlGroups", "yes")]
    [InlineData("RestrictSUIDSGID", "yes")]
    [InlineData("LockPersonality", "yes")]
    [InlineData("CapabilityBoundingSet", "")]
    [InlineData("UMask", "0077")]
    public void Unit_Hardening_IsSet(string key, string value)
    {
        Assert.Equal(value, Unit.Value("Service", key));
    }

    [Fact]
    public void Unit_MemoryDenyWriteExecute_IsNotSet()
    {
        // The .NET JIT needs memory that is writable and then executable.
        Assert.Null(Unit.Value("Service", "MemoryDenyWriteExecute"));
    }

    [Fact]
    public void Unit_StateDirectory_IsHome()
    {
        // ProtectSystem=strict leaves only the state directory writable, and the Data Protection keys go under $HOME.
        Assert.Equal("vigil", Unit.Value("Service", "StateDirectory"));
        Assert.Contains("HOME=/var/lib/vigil", Unit.Values("Service", "Environment"));
    }

    [Fact]
    public void Unit_WatchFolder_IsListedReadOnly()
    {
        var watchFolder = EnvironmentFile.Active(DeployFiles.SystemdEnvironment)["Vigil__Ingest__WatchFolder"];
        var readOnly = Unit.Values("Service", "ReadOnlyPaths").Select(path => path.TrimStart('-')).ToList();

        Assert.Contains(watchFolder, readOnly);
        Assert.Empty(Unit.Values("Service", "ReadWritePaths"));
    }

    [Fact]
    public void Unit_StopTimeout_ExceedsShutdownTimeout()
    {
        var stop = int.Parse(Unit.Value("Service", "TimeoutStopSec")!);
        var shutdown = int.Parse(EnvironmentFile.Active(DeployFiles.SystemdEnvironment)["shutdownTimeoutSeconds"]);

        Assert.True(stop > shutdown, $"TimeoutStopSec {stop} leaves no margin above shutdownTimeoutSeconds {shutdown}.");
    }

    [Fact]
    public void Unit_EnvironmentNames_AreKnown()
    {
        foreach (var assignment in Unit.Values("Service", "Environment"))
        {
            var name = assignment[..assignment.IndexOf('=', StringComparison.Ordinal)];
            Assert.True(SettingNames.IsKnown(name), $"Environment={assignment} sets no known variable.");
        }
    }

    [Fact]
    public void EnvExample_Names_AreKnown()
    {
        foreach (var name in EnvironmentFile.ActiveAndCommented(DeployFiles.SystemdEnvironment).Keys)
        {
            Assert.True(SettingNames.IsKnown(name), $"{name} in vigil.env.example is no setting of VigilHostOptions and no known framework variable.");
        }
    }

    [Fact]
    public void EnvExample_CoversEveryHostSetting()
    {
        var names = EnvironmentFile.ActiveAndCommented(DeployFiles.SystemdEnvironment).Keys.Select(SettingNames.ToKey).ToHashSet(StringComparer.Ordinal);

        foreach (var key in SettingNames.HostKeys)
        {
            Assert.True(names.Contains(key), $"vigil.env.example does not mention {key}.");
        }
    }

    [Fact]
    public void EnvExample_Settings_PassHostValidation()
    {
        var variables = new Dictionary<string, string>(EnvironmentFile.Active(DeployFiles.SystemdEnvironment), StringComparer.Ordinal);

        // The validator requires the watched folder to exist, and a test machine has no /srv/vigil/logs.
        variables["Vigil__Ingest__WatchFolder"] = AppContext.BaseDirectory;
        var result = new VigilHostOptionsValidator().Validate(null, SettingNames.Bind(variables));

        Assert.True(result.Succeeded, "Host validation failed: " + string.Join(" ", result.Failures ?? []));
    }

    [Fact]
    public void EnvExample_ConnectionString_HasPlaceholderPassword()
    {
        var builder = new NpgsqlConnectionStringBuilder(EnvironmentFile.Active(DeployFiles.SystemdEnvironment)["Vigil__Database__ConnectionString"]);

        Assert.Equal("CHANGE-ME", builder.Password);
    }

    [Fact]
    public void EnvExample_AdministratorPassword_IsCommentedOut()
    {
        Assert.False(EnvironmentFile.Active(DeployFiles.SystemdEnvironment).ContainsKey("Vigil__Administrator__Password"));
    }
}
