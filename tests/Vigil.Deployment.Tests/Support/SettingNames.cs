using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Vigil.Host.Configuration;

namespace Vigil.Deployment.Tests.Support;

/// <summary>
/// The configuration keys the host reads, for checking environment variable names in the deploy
/// files. A variable name is a key with ':' written as '__'.
/// </summary>
internal static class SettingNames
{
    /// <summary>
    /// Variables that are not <see cref="VigilHostOptions"/> settings but that .NET, ASP.NET Core or
    /// the vigil command read, with where each is read. Tests check the ones they can.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> FrameworkVariables = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Urls"] = "ASP.NET Core's listen addresses; appsettings.json sets it",
        ["shutdownTimeoutSeconds"] = ".NET HostOptions.ShutdownTimeout in seconds",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "OTLP collector address; VigilTelemetryExtensions turns OTLP export on when it is set",
        ["ASPNETCORE_HTTP_PORTS"] = "Kestrel's default ports, set by the ASP.NET Core base image",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "turns off the .NET SDK's usage telemetry",
        ["DOTNET_NOLOGO"] = "turns off the .NET SDK's first-run banner",
        ["HOME"] = "folder of ASP.NET Core's Data Protection keys ($HOME/.aspnet)",
        ["VIGIL_DATABASE"] = "connection string of the vigil command",
    };

    private static readonly Lazy<IReadOnlySet<string>> Keys = new(CollectHostKeys);
    private static readonly Lazy<IReadOnlySet<string>> MapKeys = new(() => CollectKeys(maps: true));

    /// <summary>Configuration keys of every <see cref="VigilHostOptions"/> property, such as <c>Vigil:Cluster:SiloPort</c>.</summary>
    public static IReadOnlySet<string> HostKeys => Keys.Value;

    /// <summary>Returns the configuration key that an environment variable name stands for.</summary>
    public static string ToKey(string variableName) => variableName.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>
    /// True when the variable is a <see cref="VigilHostOptions"/> setting spelled as the property names are,
    /// or an entry below a map setting such as <c>Vigil:Console:Oidc:RoleMap</c>.
    /// </summary>
    public static bool IsHostSetting(string variableName)
    {
        var key = ToKey(variableName);
        return HostKeys.Contains(key) || MapKeys.Value.Any(map => key.StartsWith(map + ":", StringComparison.Ordinal) && key.Length > map.Length + 1);
    }

    /// <summary>True when the variable is a host setting or one of <see cref="FrameworkVariables"/>.</summary>
    public static bool IsKnown(string variableName) =>
        IsHostSetting(variableName) || FrameworkVariables.ContainsKey(variableName);

    /// <summary>Top-level keys of src/Vigil.Host/appsettings.json.</summary>
    public static IReadOnlySet<string> AppSettingsTopLevelKeys()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(DeployFiles.HostAppSettings));
        return document.RootElement.EnumerateObject().Select(property => property.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Binds environment-style variables to <see cref="VigilHostOptions"/> the way the host does and
    /// returns the options. The binder throws when a value does not convert to the property's type.
    /// </summary>
    public static VigilHostOptions Bind(IReadOnlyDictionary<string, string> variables)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(variables.Select(pair => new KeyValuePair<string, string?>(ToKey(pair.Key), pair.Value)))
            .Build();
        var options = new VigilHostOptions();
        configuration.GetSection(VigilHostOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        return options;
    }

    private static HashSet<string> CollectHostKeys() => CollectKeys(maps: false);

    private static HashSet<string> CollectKeys(bool maps)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        AddKeys(keys, VigilHostOptions.SectionName, typeof(VigilHostOptions), maps);
        return keys;
    }

    // A map setting (a dictionary) has no value of its own, only entries below its key, so it is
    // collected apart from the leaf settings.
    private static void AddKeys(HashSet<string> keys, string prefix, Type type, bool maps)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetSetMethod() is null)
            {
                continue;
            }

            var key = prefix + ":" + property.Name;
            var isMap = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>);
            if (IsSettingsClass(property.PropertyType))
            {
                AddKeys(keys, key, property.PropertyType, maps);
            }
            else if (isMap == maps)
            {
                keys.Add(key);
            }
        }
    }

    // Nested settings classes live in the options' own namespace or, for sign-in, in the console's
    // security namespace, and everything else is a leaf value.
    private static bool IsSettingsClass(Type type) =>
        type.IsClass && type != typeof(string)
        && (type.Namespace == typeof(VigilHostOptions).Namespace || type.Namespace == typeof(Vigil.Console.Security.ConsoleAuthenticationSettings).Namespace);
}
