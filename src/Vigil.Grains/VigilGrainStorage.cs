namespace Vigil.Grains;

/// <summary>Names of the grain storage provider the grains use; the host and replay register it.</summary>
public static class VigilGrainStorage
{
    public const string Name = "vigil";
}
