namespace Vigil.Tests.Enrichment;

/// <summary>A temporary folder of enrichment files written by a test; deleted on dispose.</summary>
internal sealed class EnrichmentFiles : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "vigil-enrichment-" + Guid.NewGuid().ToString("N"));

    public EnrichmentFiles() => Directory.CreateDirectory(folder);

    public string Write(string name, string content)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string PathOf(string name) => Path.Combine(folder, name);

    /// <summary>Writes a MaxMind DB with two ASN networks, two city networks and one IPv6 network.</summary>
    public string WriteTestMmdb(string name = "test.mmdb")
    {
        var path = PathOf(name);
        new MmdbWriter { DatabaseType = "Vigil-Test-City-ASN" }
            .Add("198.51.100.0/24", new Dictionary<string, object>
            {
                ["autonomous_system_number"] = 64500u,
                ["autonomous_system_organization"] = "Example Transit",
                ["country"] = new Dictionary<string, object> { ["iso_code"] = "DE", ["names"] = new Dictionary<string, object> { ["en"] = "Germany" } },
                ["city"] = new Dictionary<string, object> { ["names"] = new Dictionary<string, object> { ["en"] = "Berlin" } },
                ["location"] = new Dictionary<string, object> { ["latitude"] = 52.52, ["longitude"] = 13.405 },
            })
            .Add("203.0.113.0/25", new Dictionary<string, object>
            {
                ["autonomous_system_number"] = 64501u,
                ["autonomous_system_organization"] = "Example Hosting",
                ["registered_country"] = new Dictionary<string, object> { ["iso_code"] = "BR" },
            })
            .Add("10.0.0.0/8", new Dictionary<string, object>
            {
                ["autonomous_system_number"] = 64999u,
                ["autonomous_system_organization"] = "Must Never Be Read",
            })
            .Add("2001:db8:1::/48", new Dictionary<string, object>
            {
                ["autonomous_system_number"] = 4_200_000_000u,
                ["autonomous_system_organization"] = "Example IPv6 Carrier",
                ["country"] = new Dictionary<string, object> { ["iso_code"] = "jp" },
            })
            .Save(path);
        return path;
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
