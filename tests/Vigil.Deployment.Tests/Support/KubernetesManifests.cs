using YamlDotNet.RepresentationModel;

namespace Vigil.Deployment.Tests.Support;

/// <summary>One Kubernetes object from a YAML document under <c>deploy/kubernetes</c>.</summary>
internal sealed record KubernetesObject(string FileName, YamlMappingNode Root)
{
    public string? Kind => Root.Text("kind");

    public string? ApiVersion => Root.Text("apiVersion");

    public string? Name => Root.Text("metadata", "name");
}

/// <summary>Loads the manifests of <c>deploy/kubernetes</c> with YamlDotNet.</summary>
internal static class KubernetesManifests
{
    public const string KustomizationFile = "kustomization.yaml";

    private static readonly Lazy<IReadOnlyList<KubernetesObject>> Objects = new(LoadObjects);

    /// <summary>Every object of every manifest except the kustomization.</summary>
    public static IReadOnlyList<KubernetesObject> All => Objects.Value;

    /// <summary>File names of the manifests in the folder, the kustomization excepted.</summary>
    public static IReadOnlyList<string> ManifestFileNames() =>
        [.. Directory.EnumerateFiles(DeployFiles.KubernetesFolder)
            .Where(path => path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name != KustomizationFile)
            .Order(StringComparer.Ordinal)];

    public static YamlMappingNode Kustomization() => LoadDocuments(KustomizationFile).Single();

    /// <summary>Returns the only object of the kind.</summary>
    /// <exception cref="InvalidOperationException">There is no object of that kind, or more than one.</exception>
    public static KubernetesObject Single(string kind)
    {
        var matches = All.Where(item => item.Kind == kind).ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new InvalidOperationException($"Expected one {kind} under deploy/kubernetes, found {matches.Count}.");
    }

    /// <summary>Returns the object of the kind and name.</summary>
    /// <exception cref="InvalidOperationException">No object has that kind and name.</exception>
    public static KubernetesObject Named(string kind, string name) =>
        All.SingleOrDefault(item => item.Kind == kind && item.Name == name)
        ?? throw new InvalidOperationException($"No {kind} named '{name}' under deploy/kubernetes.");

    /// <summary>Returns the first container of a workload's pod template.</summary>
    public static YamlNode FirstContainer(KubernetesObject workload) =>
        workload.Root.Items("spec", "template", "spec", "containers").FirstOrDefault()
        ?? throw new InvalidOperationException($"{workload.Kind} '{workload.Name}' has no container.");

    /// <summary>Returns the container port number that a port name or number refers to.</summary>
    public static int? ResolvePort(YamlNode container, string? nameOrNumber)
    {
        if (int.TryParse(nameOrNumber, out var number))
        {
            return number;
        }

        var port = container.Items("ports").FirstOrDefault(item => item.Text("name") == nameOrNumber);
        return int.TryParse(port?.Text("containerPort"), out var resolved) ? resolved : null;
    }

    private static List<KubernetesObject> LoadObjects() =>
        [.. ManifestFileNames().SelectMany(file => LoadDocuments(file).Select(root => new KubernetesObject(file, root)))];

    private static List<YamlMappingNode> LoadDocuments(string fileName)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(DeployFiles.KubernetesFolder, fileName)))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Select(document => document.RootNode).OfType<YamlMappingNode>()];
    }
}
