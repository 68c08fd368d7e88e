using Vigil.Testing;

namespace Vigil.Faults.Tests.Infrastructure;

/// <summary>Paths of the host and CLI build outputs of the configuration these tests were built with.</summary>
internal static class BuildOutput
{
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string HostDll => Require(Path.Combine(RepositoryRoot.Find(), "src", "Vigil.Host", "bin", Configuration, "net10.0", "Vigil.Host.dll"));

    public static string CliDll => Require(Path.Combine(RepositoryRoot.Find(), "src", "Vigil.Cli", "bin", Configuration, "net10.0", "vigil.dll"));

    private static string Require(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"Build output '{path}' not found; build Platform.sln in {Configuration} first.", path);
}
