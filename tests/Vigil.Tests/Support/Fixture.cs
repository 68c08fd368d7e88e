namespace Vigil.Tests.Support;

/// <summary>Locates the files under <c>Fixtures/</c>, which the build copies next to the test assembly.</summary>
internal static class Fixture
{
    public static string PathOf(string relativePath) =>
        Path.Combine(AppContext.BaseDirectory, "Fixtures", relativePath);

    public static byte[] Bytes(string relativePath) => File.ReadAllBytes(PathOf(relativePath));
}
