namespace Vigil.Abstractions;

/// <summary>Cluster settings that silos and clients must agree on.</summary>
public static class VigilCluster
{
    /// <summary>Default Orleans cluster id; every silo and client of one deployment uses the same one.</summary>
    public const string DefaultClusterId = "vigil";

    /// <summary>Default Orleans service id; grain state and reminders are stored under it.</summary>
    public const string DefaultServiceId = "vigil";

    /// <summary>ADO.NET invariant name of the PostgreSQL provider for the Orleans providers.</summary>
    public const string AdoNetInvariant = "Npgsql";
}
