using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Vigil.Abstractions;

/// <summary>
/// Serialiser set-up shared by silos and clients. The contract types in <c>Vigil.Contracts</c> carry
/// no Orleans attributes, so detection and ingestion code stays free of Orleans; they cross grain
/// calls as JSON through Orleans' System.Text.Json codec.
/// </summary>
public static class VigilSerialization
{
    public static ISerializerBuilder AddVigilContracts(this ISerializerBuilder builder) =>
        builder.AddJsonSerializer(isSupported: IsContractType);

    public static IServiceCollection AddVigilSerialization(this IServiceCollection services) =>
        services.AddSerializer(builder => builder.AddVigilContracts());

    private static bool IsContractType(Type type) =>
        type.Namespace?.StartsWith("Vigil.Contracts", StringComparison.Ordinal) == true;
}
