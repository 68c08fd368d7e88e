using System.Xml.Linq;
using Vigil.Deployment.Tests.Support;

namespace Vigil.Deployment.Tests;

/// <summary>deploy/container/Dockerfile and the build context exclusions BuildKit reads beside it.</summary>
public sealed class DockerfileTests
{
    private static readonly IReadOnlyList<DockerStage> Stages = DockerfileModel.ReadStages(DeployFiles.Dockerfile);

    private static DockerStage Build => Stages.Single(stage => stage.Name == "build");

    private static DockerStage Runtime => Stages[^1];

    [Fact]
    public void Stages_AreSdkBuildThenAspNetRuntime()
    {
        Assert.Equal(2, Stages.Count);
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", Stages[0].Image);
        Assert.Equal("build", Stages[0].Name);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", Runtime.Image);
    }

    [Theory]
    [InlineData("src/Vigil.Host/Vigil.Host.csproj")]
    [InlineData("src/Vigil.Cli/Vigil.Cli.csproj")]
    public void Build_Project_IsPublishedInRelease(string project)
    {
        var publish = Build.All("RUN")
            .SelectMany(run => run.Arguments.Split("&&"))
            .Select(command => command.Trim())
            .SingleOrDefault(command => command.StartsWith("dotnet publish " + project + " ", StringComparison.Ordinal));

        Assert.NotNull(publish);
        Assert.Contains("-c Release", publish, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RestoreLayer_CopiesEveryReferencedProject()
    {
        var copied = Build.All("COPY").SelectMany(DockerfileModel.CopySources).ToHashSet(StringComparer.Ordinal);

        foreach (var project in ProjectClosure("src/Vigil.Host/Vigil.Host.csproj", "src/Vigil.Cli/Vigil.Cli.csproj"))
        {
            Assert.True(copied.Contains(project), $"The restore layer does not copy {project}, so dotnet restore cannot find it.");
        }

        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
        {
            Assert.True(copied.Contains(file), $"The build stage does not copy {file}.");
        }
    }

    [Fact]
    public void Runtime_User_IsNotRoot()
    {
        var user = Runtime.All("USER").LastOrDefault()?.Arguments;

        Assert.NotNull(user);
        Assert.DoesNotContain(user, new[] { "root", "0", "0:0", "root:root" });
        Assert.Equal("$APP_UID", user);
    }

    [Fact]
    public void Runtime_User_IsSetBeforeEntryPoint()
    {
        var instructions = Runtime.Instructions.Select(instruction => instruction.Keyword).ToList();

        Assert.True(instructions.LastIndexOf("USER") < instructions.LastIndexOf("ENTRYPOINT"));
        Assert.True(instructions.LastIndexOf("RUN") < instructions.LastIndexOf("USER"), "A RUN after USER would run as the app user and likely fail.");
    }

    [Fact]
    public void Runtime_HealthCheck_ProbesLiveEndpoint()
    {
        var check = Assert.Single(Runtime.All("HEALTHCHECK"));

        Assert.Contains("http://127.0.0.1:5080/health/live", check.Arguments, StringComparison.Ordinal);
        Assert.Contains("--start-period=", check.Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void Runtime_EntryPoint_IsHost()
    {
        var entryPoint = Assert.Single(Runtime.All("ENTRYPOINT"));

        Assert.Equal("[\"dotnet\", \"/app/Vigil.Host.dll\"]", entryPoint.Arguments);
        Assert.Equal("/app", Runtime.All("WORKDIR").Last().Arguments);
    }

    [Theory]
    [InlineData("/out/host/", "/app/")]
    [InlineData("/out/cli/", "/app/cli/")]
    public void Runtime_PublishOutput_IsCopiedFromBuild(string source, string destination)
    {
        var copy = Runtime.All("COPY").SingleOrDefault(instruction => DockerfileModel.CopySources(instruction).SequenceEqual([source]));

        Assert.NotNull(copy);
        Assert.Equal("build", DockerfileModel.Flag(copy, "from"));
        Assert.EndsWith(" " + destination, copy.Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void Runtime_CliWrapper_RunsPublishedCli()
    {
        var wrapper = Runtime.All("RUN").Single(run => run.Arguments.Contains("/usr/local/bin/vigil", StringComparison.Ordinal));

        Assert.Contains("exec dotnet /app/cli/vigil.dll \"$@\"", wrapper.Arguments, StringComparison.Ordinal);
        Assert.Contains("chmod 0755 /usr/local/bin/vigil", wrapper.Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void Runtime_Ports_AreExposed()
    {
        var ports = Runtime.All("EXPOSE").SelectMany(expose => expose.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

        Assert.Equal(["5080", "11111", "30000"], ports);
    }

    [Fact]
    public void Runtime_Urls_BindsAllInterfaces()
    {
        var env = string.Join(' ', Runtime.All("ENV").Select(instruction => instruction.Arguments));

        Assert.Contains("Urls=http://0.0.0.0:5080", env, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_EnvNames_AreKnown()
    {
        foreach (var name in Stages.SelectMany(DockerfileModel.EnvironmentNames))
        {
            Assert.True(SettingNames.IsKnown(name), $"ENV {name} is no setting of VigilHostOptions and no known framework variable.");
        }
    }

    [Theory]
    [InlineData("src/Vigil.Host/bin/Debug/net10.0/Vigil.Host.dll")]
    [InlineData("src/Vigil.Grains/obj/project.assets.json")]
    [InlineData(".git/HEAD")]
    [InlineData(".local/pg/connection-string")]
    [InlineData("tests/Vigil.Tests/Vigil.Tests.csproj")]
    public void DockerIgnore_Path_IsExcluded(string path)
    {
        Assert.True(LoadIgnore().Excludes(path), $"The build context still contains {path}.");
    }

    [Fact]
    public void DockerIgnore_CopiedSources_AreKept()
    {
        var ignore = LoadIgnore();
        var sources = Build.All("COPY").SelectMany(DockerfileModel.CopySources).ToList();

        Assert.NotEmpty(sources);
        foreach (var source in sources)
        {
            Assert.False(ignore.Excludes(source), $"Dockerfile.dockerignore leaves out {source}, which the Dockerfile copies.");
        }

        Assert.False(ignore.Excludes("src/Vigil.Host/Program.cs"));
        Assert.False(ignore.Excludes("src/Vigil.Storage/Migrations/0001_orleans_clustering.sql"));
    }

    private static DockerIgnore LoadIgnore() => new(File.ReadAllLines(DeployFiles.DockerIgnore));

    /// <summary>Returns the projects the given ones reference, directly or not, themselves included, as repository paths.</summary>
    private static SortedSet<string> ProjectClosure(params string[] roots)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(roots);
        while (pending.Count > 0)
        {
            var project = pending.Pop();
            if (!found.Add(project))
            {
                continue;
            }

            var path = DeployFiles.InRepository(project);
            var folder = Path.GetDirectoryName(path)!;
            foreach (var reference in XDocument.Load(path).Descendants("ProjectReference"))
            {
                var include = reference.Attribute("Include")!.Value.Replace('\\', '/');
                pending.Push(DeployFiles.RelativeToRoot(Path.GetFullPath(Path.Combine(folder, include))));
            }
        }

        return found;
    }
}
