using Vigil.Ingestion.ThreatLists;
using Vigil.Tests.Support;

namespace Vigil.Tests.ThreatLists;

/// <summary>Parses the list files under <c>Fixtures/ThreatLists</c> and lists given inline.</summary>
internal static class ListFixtures
{
    public static ParsedList Parse(ThreatListFormat format, string fileName, ListParserOptions? options = null)
    {
        using var stream = File.OpenRead(Fixture.PathOf(Path.Combine("ThreatLists", fileName)));
        return ThreatListParsers.Parse(format, stream, fileName, options);
    }

    public static ParsedList ParseText(ThreatListFormat format, string content, ListParserOptions? options = null) =>
        ThreatListParsers.Parse(format, new StringReader(content), "inline", options);

    public static string ReadText(string fileName) => File.ReadAllText(Fixture.PathOf(Path.Combine("ThreatLists", fileName)));

    /// <summary>The entries of a list as text: addresses and ranges as their network, then domains.</summary>
    public static string[] Values(ParsedList list) =>
        [.. list.Entries.Select(entry => entry.Network.ToString()), .. list.Domains.Select(domain => domain.Domain)];
}
