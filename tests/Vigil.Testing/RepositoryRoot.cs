namespace Vigil.Testing;

/// <summary>Locates the checkout that the tests run from.</summary>
public static class RepositoryRoot
{
    /// <summary>
    /// Returns the nearest folder at or above the test assembly's folder that contains <c>Platform.sln</c>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No folder above the test assembly contains Platform.sln.</exception>
    public static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No folder at or above {AppContext.BaseDirectory} contains Platform.sln; run the tests from inside the checkout.");
    }
}
