using Vigil.Testing;

namespace Vigil.Deployment.Tests.Support;

/// <summary>Paths and text of the files under <c>deploy/</c> that these tests check.</summary>
internal static class DeployFiles
{
    public static string Root { get; } = RepositoryRoot.Find();

    public static string KubernetesFolder => Path.Combine(Root, "deploy", "kubernetes");

    public static string Dockerfile => Path.Combine(Root, "deploy", "container", "Dockerfile");

    public static string DockerIgnore => Path.Combine(Root, "deploy", "container", "Dockerfile.dockerignore");

    public static string SystemdUnit => Path.Combine(Root, "deploy", "systemd", "vigil-host.service");

    public static string SystemdEnvironment => Path.Combine(Root, "deploy", "systemd", "vigil.env.example");

    public static string GrafanaDashboard => Path.Combine(Root, "deploy", "grafana", "vigil-dashboard.json");

    public static string HostAppSettings => Path.Combine(Root, "src", "Vigil.Host", "appsettings.json");

    /// <summary>Returns the path of a file inside the repository, given with '/' separators.</summary>
    public static string InRepository(string relativePath) =>
        Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Returns a path relative to the repository root, with '/' separators.</summary>
    public static string RelativeToRoot(string path) =>
        Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/');
}
