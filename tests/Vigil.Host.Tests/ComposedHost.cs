using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Host.Configuration;

namespace Vigil.Host.Tests;

/// <summary>Composes the host's services as Program does, without starting it, so no database is needed.</summary>
internal static class ComposedHost
{
    public static IServiceCollection Services(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vigil:Database:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=vigil;Password=unused;Database=vigil",
            ["Vigil:Administrator:Password"] = "composed-test-password",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        var options = builder.Configuration.GetSection(VigilHostOptions.SectionName).Get<VigilHostOptions>()!;
        builder.AddVigilHost(options);
        return builder.Services;
    }
}
