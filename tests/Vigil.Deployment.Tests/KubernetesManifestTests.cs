using Vigil.Deployment.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Vigil.Deployment.Tests;

/// <summary>The objects under deploy/kubernetes: kinds, names, the kustomization and how they select each other.</summary>
public sealed class KubernetesManifestTests
{
    private static readonly KeyValuePair<string, string>[] SiloSelector =
    [
        new("app.kubernetes.io/name", "vigil"),
        new("app.kubernetes.io/component", "silo"),
    ];

    [Theory]
    [InlineData("namespace.yaml", "Namespace", "v1")]
    [InlineData("configmap.yaml", "ConfigMap", "v1")]
    [InlineData("secret.yaml", "Secret", "v1")]
    [InlineData("deployment.yaml", "Deployment", "apps/v1")]
    [InlineData("poddisruptionbudget.yaml", "PodDisruptionBudget", "policy/v1")]
    [InlineData("horizontalpodautoscaler.yaml", "HorizontalPodAutoscaler", "autoscaling/v2")]
    [InlineData("service.yaml", "Service", "v1")]
    [InlineData("service-silo.yaml", "Service", "v1")]
    [InlineData("job-migrate.yaml", "Job", "batch/v1")]
    public void Manifest_KindAndApiVersion_AreExpected(string fileName, string kind, string apiVersion)
    {
        var objects = KubernetesManifests.All.Where(item => item.FileName == fileName).ToList();

        var manifest = Assert.Single(objects);
        Assert.Equal(kind, manifest.Kind);
        Assert.Equal(apiVersion, manifest.ApiVersion);
        Assert.False(string.IsNullOrEmpty(manifest.Name), $"{fileName} has no metadata.name.");
    }

    [Fact]
    public void Manifests_EveryObject_IsLabelledVigil()
    {
        foreach (var manifest in KubernetesManifests.All)
        {
            Assert.True(
                manifest.Root.Text("metadata", "labels", "app.kubernetes.io/name") == "vigil",
                $"{manifest.FileName} lacks the label app.kubernetes.io/name: vigil.");
        }
    }

    [Fact]
    public void Manifests_NoObject_SetsItsOwnNamespace()
    {
        // The kustomization sets the namespace, so a hard-coded one would split the objects.
        foreach (var manifest in KubernetesManifests.All.Where(item => item.Kind != "Namespace"))
        {
            Assert.True(manifest.Root.Text("metadata", "namespace") is null, $"{manifest.FileName} sets metadata.namespace.");
        }
    }

    [Fact]
    public void Kustomization_Resources_ListEveryManifest()
    {
        var listed = KubernetesManifests.Kustomization().Items("resources").Select(item => ((YamlScalarNode)item).Value).ToList();

        foreach (var file in KubernetesManifests.ManifestFileNames())
        {
            Assert.True(listed.Contains(file), $"kustomization.yaml does not list {file}.");
        }

        foreach (var resource in listed)
        {
            Assert.True(File.Exists(Path.Combine(DeployFiles.KubernetesFolder, resource!)), $"kustomization.yaml lists {resource}, which does not exist.");
        }

        Assert.Equal(listed.Count, listed.Distinct().Count());
    }

    [Fact]
    public void Kustomization_Namespace_MatchesNamespaceObject()
    {
        var kustomization = KubernetesManifests.Kustomization();

        Assert.Equal("kustomize.config.k8s.io/v1beta1", kustomization.Text("apiVersion"));
        Assert.Equal("Kustomization", kustomization.Text("kind"));
        Assert.Equal(KubernetesManifests.Single("Namespace").Name, kustomization.Text("namespace"));
    }

    [Fact]
    public void Kustomization_Image_NamesContainerImage()
    {
        var imageNames = KubernetesManifests.Kustomization().Items("images").Select(item => item.Text("name")).ToList();

        foreach (var workload in KubernetesManifests.All.Where(item => item.Kind is "Deployment" or "Job"))
        {
            var image = KubernetesManifests.FirstContainer(workload).Text("image");
            Assert.True(imageNames.Contains(image), $"The image '{image}' of {workload.FileName} has no entry under images: in kustomization.yaml, so kustomize edit set image cannot change it.");
        }
    }

    [Fact]
    public void Deployment_Selector_MatchesPodLabels()
    {
        var deployment = KubernetesManifests.Single("Deployment");
        var selector = deployment.Root.StringMap("spec", "selector", "matchLabels");
        var podLabels = deployment.Root.StringMap("spec", "template", "metadata", "labels");

        Assert.Equal(SiloSelector.OrderBy(pair => pair.Key), selector.OrderBy(pair => pair.Key));
        Assert.True(IsSubset(selector, podLabels), "The Deployment's selector does not match its pod template labels.");
    }

    [Theory]
    [InlineData("vigil")]
    [InlineData("vigil-silo")]
    public void Service_Selector_MatchesSiloPods(string serviceName)
    {
        var service = KubernetesManifests.Named("Service", serviceName);
        var selector = service.Root.StringMap("spec", "selector");

        Assert.NotEmpty(selector);
        Assert.True(IsSubset(selector, SiloPodLabels()), $"Service {serviceName} selects no silo pod.");
    }

    [Fact]
    public void PodDisruptionBudget_Selector_MatchesSiloPods()
    {
        var budget = KubernetesManifests.Single("PodDisruptionBudget");
        var selector = budget.Root.StringMap("spec", "selector", "matchLabels");

        Assert.True(IsSubset(selector, SiloPodLabels()), "The PodDisruptionBudget selects no silo pod.");
        Assert.Equal(KubernetesManifests.Single("Deployment").Root.StringMap("spec", "selector", "matchLabels"), selector);
    }

    [Fact]
    public void PodDisruptionBudget_MaxUnavailable_IsOne()
    {
        var budget = KubernetesManifests.Single("PodDisruptionBudget");

        Assert.Equal("1", budget.Root.Text("spec", "maxUnavailable"));
        Assert.Null(budget.Root.Text("spec", "minAvailable"));
    }

    [Fact]
    public void Autoscaler_Target_IsSiloDeployment()
    {
        var autoscaler = KubernetesManifests.Single("HorizontalPodAutoscaler");
        var deployment = KubernetesManifests.Single("Deployment");

        Assert.Equal("apps/v1", autoscaler.Root.Text("spec", "scaleTargetRef", "apiVersion"));
        Assert.Equal("Deployment", autoscaler.Root.Text("spec", "scaleTargetRef", "kind"));
        Assert.Equal(deployment.Name, autoscaler.Root.Text("spec", "scaleTargetRef", "name"));
    }

    [Fact]
    public void Autoscaler_Metric_IsCpuUtilization()
    {
        var metric = Assert.Single(KubernetesManifests.Single("HorizontalPodAutoscaler").Root.Items("spec", "metrics"));

        Assert.Equal("Resource", metric.Text("type"));
        Assert.Equal("cpu", metric.Text("resource", "name"));
        Assert.Equal("Utilization", metric.Text("resource", "target", "type"));
        Assert.InRange(int.Parse(metric.Text("resource", "target", "averageUtilization")!), 1, 100);
    }

    [Fact]
    public void Autoscaler_Bounds_EnclosesDeploymentReplicas()
    {
        var autoscaler = KubernetesManifests.Single("HorizontalPodAutoscaler").Root;
        var replicas = int.Parse(KubernetesManifests.Single("Deployment").Root.Text("spec", "replicas")!);
        var minimum = int.Parse(autoscaler.Text("spec", "minReplicas")!);
        var maximum = int.Parse(autoscaler.Text("spec", "maxReplicas")!);

        Assert.Equal(3, replicas);
        Assert.Equal(replicas, minimum);
        Assert.True(maximum > minimum, $"maxReplicas {maximum} leaves the autoscaler no room above minReplicas {minimum}.");
    }

    [Fact]
    public void MigrationJob_Pods_AreNotSilos()
    {
        // A migration pod that matched the silo selector would receive console traffic.
        var job = KubernetesManifests.Single("Job");
        var jobLabels = job.Root.StringMap("spec", "template", "metadata", "labels");

        Assert.Equal("vigil", jobLabels.GetValueOrDefault("app.kubernetes.io/name"));
        Assert.False(IsSubset(KubernetesManifests.Single("Deployment").Root.StringMap("spec", "selector", "matchLabels"), jobLabels));
    }

    private static IReadOnlyDictionary<string, string> SiloPodLabels() =>
        KubernetesManifests.Single("Deployment").Root.StringMap("spec", "template", "metadata", "labels");

    private static bool IsSubset(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.All(pair => labels.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
