namespace Vigil.Tests;

/// <summary>A fact that runs only when <c>VIGIL_SHARED_DATA</c> names the folder of public sample data, and is skipped otherwise.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public const string Variable = "VIGIL_SHARED_DATA";

    public SharedDataFactAttribute()
    {
        var folder = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
        {
            Skip = $"{Variable} is not set to a folder of public sample data.";
        }
    }

    public static string Folder => Environment.GetEnvironmentVariable(Variable)!;
}
