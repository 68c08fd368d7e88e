using Npgsql;
using Vigil.Deployment.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Vigil.Deployment.Tests;

/// <summary>The silo Deployment, its Services, the migration Job and the settings they pass to the host.</summary>
public sealed class KubernetesWorkloadTests
{
    private const int HttpPort = 5080;

    private static KubernetesObject Deployment => KubernetesManifests.Single("Deployment");

    private static YamlNode Container => KubernetesManifests.FirstContainer(Deployment);

    [Theory]
    [InlineData("http", HttpPort)]
    [InlineData("silo", 11111)]
    [InlineData("gateway", 30000)]
    public void Container_Port_IsDeclared(string name, int number)
    {
        Assert.Equal(number, KubernetesManifests.ResolvePort(Container, name));
    }

    [Theory]
    [InlineData("Vigil__Cluster__SiloPort", "silo")]
    [InlineData("Vigil__Cluster__GatewayPort", "gateway")]
    public void ConfigMap_ClusterPort_MatchesContainerPort(string variable, string portName)
    {
        var settings = KubernetesManifests.Single("ConfigMap").Root.StringMap("data");

        Assert.Equal(KubernetesManifests.ResolvePort(Container, portName)?.ToString(), settings.GetValueOrDefault(variable));
    }

    [Fact]
    public void ConfigMap_Urls_BindAllInterfaces()
    {
        var urls = KubernetesManifests.Single("ConfigMap").Root.StringMap("data").GetValueOrDefault("Urls");

        Assert.Equal($"http://0.0.0.0:{HttpPort}", urls);
    }

    [Theory]
    [InlineData("readinessProbe", "/health/ready")]
    [InlineData("livenessProbe", "/health/live")]
    [InlineData("startupProbe", "/health/live")]
    public void Probe_Path_IsHealthEndpoint(string probe, string path)
    {
        Assert.Equal(path, Container.Text(probe, "httpGet", "path"));
        Assert.Equal(HttpPort, KubernetesManifests.ResolvePort(Container, Container.Text(probe, "httpGet", "port")));
    }

    [Fact]
    public void StartupProbe_Budget_CoversMigrationsAndJoin()
    {
        // Kestrel listens only after migrations, the silo join and the first threat-list load.
        var period = int.Parse(Container.Text("startupProbe", "periodSeconds")!);
        var failures = int.Parse(Container.Text("startupProbe", "failureThreshold")!);

        Assert.True(period * failures >= 120, $"The startup probe gives up after {period * failures} s.");
    }

    [Fact]
    public void AdvertisedAddress_ComesFromPodIp()
    {
        var variable = EnvironmentEntry(Container, "Vigil__Cluster__AdvertisedAddress");

        Assert.Equal("status.podIP", variable.Text("valueFrom", "fieldRef", "fieldPath"));
        Assert.Null(variable.Text("value"));
    }

    [Fact]
    public void ConnectionString_ComesFromSecret()
    {
        var reference = EnvironmentEntry(Container, "Vigil__Database__ConnectionString").At("valueFrom", "secretKeyRef");
        var secret = KubernetesManifests.Single("Secret");

        Assert.NotNull(reference);
        Assert.Equal(secret.Name, reference.Text("name"));
        Assert.True(secret.Root.StringMap("stringData").ContainsKey(reference.Text("key")!), "The Secret template lacks the key the Deployment reads.");
    }

    [Fact]
    public void ConfigMap_IsLoadedThroughEnvFrom()
    {
        var names = Container.Items("envFrom").Select(item => item.Text("configMapRef", "name")).ToList();

        Assert.Contains(KubernetesManifests.Single("ConfigMap").Name, names);
    }

    [Fact]
    public void ConfigMap_Names_AreHostSettings()
    {
        foreach (var name in KubernetesManifests.Single("ConfigMap").Root.StringMap("data").Keys)
        {
            Assert.True(SettingNames.IsKnown(name), $"ConfigMap key {name} is no setting of VigilHostOptions and no known framework variable.");
        }
    }

    [Fact]
    public void Deployment_EnvNames_AreHostSettings()
    {
        foreach (var entry in Container.Items("env"))
        {
            var name = entry.Text("name")!;
            Assert.True(SettingNames.IsHostSetting(name), $"Environment variable {name} of the Deployment is no setting of VigilHostOptions.");
        }
    }

    [Fact]
    public void Deployment_Settings_PassHostValidation()
    {
        var variables = new Dictionary<string, string>(KubernetesManifests.Single("ConfigMap").Root.StringMap("data"), StringComparer.Ordinal)
        {
            // The values the pod gets from the downward API and the Secret.
            ["Vigil__Cluster__AdvertisedAddress"] = "192.0.2.10",
            ["Vigil__Database__ConnectionString"] = KubernetesManifests.Single("Secret").Root.StringMap("stringData")["connection-string"],
        };

        var result = new Vigil.Host.Configuration.VigilHostOptionsValidator().Validate(null, SettingNames.Bind(variables));

        Assert.True(result.Succeeded, "Host validation failed: " + string.Join(" ", result.Failures ?? []));
    }

    [Fact]
    public void Secret_ConnectionString_HasPlaceholderPassword()
    {
        var secret = KubernetesManifests.Single("Secret").Root;
        var builder = new NpgsqlConnectionStringBuilder(secret.StringMap("stringData")["connection-string"]);

        Assert.Equal("CHANGE-ME", builder.Password);
        Assert.EndsWith(".example.internal", builder.Host, StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_Template_HoldsOnlyTheConnectionString()
    {
        var secret = KubernetesManifests.Single("Secret").Root;

        // Values under data: are base64 text, which hides a real password from a reader. An administrator
        // password does not belong in a template either.
        Assert.Null(secret.At("data"));
        Assert.Equal(["connection-string"], secret.StringMap("stringData").Keys);
    }

    [Fact]
    public void AdministratorPassword_IsOptionalSecretKey()
    {
        var reference = EnvironmentEntry(Container, "Vigil__Administrator__Password").At("valueFrom", "secretKeyRef");

        Assert.NotNull(reference);
        Assert.Equal("true", reference.Text("optional"));
    }

    [Fact]
    public void GracePeriod_ExceedsHostShutdownTimeout()
    {
        var grace = int.Parse(Deployment.Root.Text("spec", "template", "spec", "terminationGracePeriodSeconds")!);
        var shutdown = int.Parse(KubernetesManifests.Single("ConfigMap").Root.StringMap("data")["shutdownTimeoutSeconds"]);

        Assert.True(grace > shutdown, $"terminationGracePeriodSeconds {grace} leaves no margin above shutdownTimeoutSeconds {shutdown}.");
        Assert.True(shutdown > 30, $"shutdownTimeoutSeconds {shutdown} is not above .NET's default of 30 s.");
    }

    [Theory]
    [InlineData("requests", "cpu")]
    [InlineData("requests", "memory")]
    [InlineData("limits", "cpu")]
    [InlineData("limits", "memory")]
    public void Resources_Value_IsSet(string group, string resource)
    {
        Assert.False(string.IsNullOrEmpty(Container.Text("resources", group, resource)), $"resources.{group}.{resource} is not set.");
    }

    [Fact]
    public void Resources_Comment_CallsNumbersEstimates()
    {
        var text = File.ReadAllText(Path.Combine(DeployFiles.KubernetesFolder, Deployment.FileName));
        var resources = text.IndexOf("resources:", StringComparison.Ordinal);
        var comment = text[..resources].LastIndexOf("estimates", StringComparison.Ordinal);

        Assert.True(comment >= 0, "deployment.yaml does not call the resource numbers estimates.");
        Assert.True(resources - comment < 400, "The word 'estimates' is not in the comment right above resources:.");
    }

    [Fact]
    public void Pods_RunAsNonRootUser()
    {
        foreach (var workload in KubernetesManifests.All.Where(item => item.Kind is "Deployment" or "Job"))
        {
            var podSecurity = workload.Root.At("spec", "template", "spec", "securityContext")!;
            var container = KubernetesManifests.FirstContainer(workload);

            Assert.Equal("true", podSecurity.Text("runAsNonRoot"));
            Assert.Equal("1654", podSecurity.Text("runAsUser"));
            Assert.Equal("false", container.Text("securityContext", "allowPrivilegeEscalation"));
        }
    }

    [Fact]
    public void ConsoleService_Port80_TargetsHttp()
    {
        var port = Assert.Single(KubernetesManifests.Named("Service", "vigil").Root.Items("spec", "ports"));

        Assert.Equal("80", port.Text("port"));
        Assert.Equal(HttpPort, KubernetesManifests.ResolvePort(Container, port.Text("targetPort")));
    }

    [Fact]
    public void SiloService_IsHeadlessWithClusterPorts()
    {
        var service = KubernetesManifests.Named("Service", "vigil-silo").Root;
        var targets = service.Items("spec", "ports").Select(port => KubernetesManifests.ResolvePort(Container, port.Text("targetPort"))).ToList();

        Assert.Equal("None", service.Text("spec", "clusterIP"));
        Assert.Contains(11111, targets);
        Assert.Contains(30000, targets);
    }

    [Fact]
    public void MigrationJob_Command_RunsDbMigrate()
    {
        var command = KubernetesManifests.FirstContainer(KubernetesManifests.Single("Job")).Items("command")
            .Select(item => ((YamlScalarNode)item).Value).ToList();

        Assert.Equal(["dotnet", "/app/cli/vigil.dll", "db", "migrate"], command);
    }

    [Fact]
    public void MigrationJob_Connection_ComesFromSecret()
    {
        var container = KubernetesManifests.FirstContainer(KubernetesManifests.Single("Job"));
        var entry = Assert.Single(container.Items("env"));
        var secret = KubernetesManifests.Single("Secret");

        Assert.Equal("VIGIL_DATABASE", entry.Text("name"));
        Assert.Equal(secret.Name, entry.Text("valueFrom", "secretKeyRef", "name"));
        Assert.Equal("connection-string", entry.Text("valueFrom", "secretKeyRef", "key"));
    }

    [Fact]
    public void MigrationJob_Image_MatchesDeployment()
    {
        var job = KubernetesManifests.FirstContainer(KubernetesManifests.Single("Job"));

        Assert.Equal(Container.Text("image"), job.Text("image"));
        Assert.Equal("Never", KubernetesManifests.Single("Job").Root.Text("spec", "template", "spec", "restartPolicy"));
    }

    private static YamlNode EnvironmentEntry(YamlNode container, string name) =>
        container.Items("env").SingleOrDefault(entry => entry.Text("name") == name)
        ?? throw new InvalidOperationException($"The container sets no environment variable {name}.");
}
