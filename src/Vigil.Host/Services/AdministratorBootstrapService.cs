using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Vigil.Contracts.Storage;
using Vigil.Host.Configuration;

namespace Vigil.Host.Services;

/// <summary>
/// Adds the tenant rows of the first administrator and of the watched folder when they are missing,
/// and, when local accounts are on, creates the first console administrator if the database has no
/// user. A generated password is written once to standard output, not to the log, so it never lands
/// in log storage.
/// </summary>
public sealed partial class AdministratorBootstrapService(
    IConsoleUserStore users,
    ITenantStore tenants,
    IOptions<VigilHostOptions> options,
    TimeProvider timeProvider,
    ILogger<AdministratorBootstrapService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Administrator;
        foreach (var tenantId in new[] { settings.TenantId, options.Value.Ingest.TenantId }.Distinct(StringComparer.Ordinal))
        {
            if (await tenants.CreateAsync(new Tenant(tenantId, tenantId, new Dictionary<string, string>(), timeProvider.GetUtcNow()), cancellationToken))
            {
                LogTenantCreated(logger, tenantId);
            }
        }

        if (!options.Value.Console.LocalAccountsEnabled)
        {
            return;
        }

        if (await users.AnyUserAsync(cancellationToken))
        {
            if (!string.IsNullOrEmpty(settings.Password))
            {
                LogPasswordNotApplied(logger, settings.UserName);
            }

            return;
        }

        var generated = string.IsNullOrEmpty(settings.Password);
        var password = generated ? RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 20) : settings.Password!;
        if (!await users.CreateIfMissingAsync(settings.UserName, password, settings.TenantId, ConsoleRoles.PlatformOperator, cancellationToken))
        {
            return;
        }

        LogAdministratorCreated(logger, settings.UserName, settings.TenantId);
        if (generated)
        {
            System.Console.WriteLine($"Created console administrator '{settings.UserName}' with password: {password}");
            System.Console.WriteLine("This password is shown only once; set Vigil:Administrator:Password to choose your own on a new database.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vigil:Administrator:Password is set, but the database already has console users, so it is not applied; {UserName} keeps the password it was created with")]
    private static partial void LogPasswordNotApplied(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first console administrator {UserName} for tenant {TenantId}")]
    private static partial void LogAdministratorCreated(ILogger logger, string userName, string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created tenant {TenantId}")]
    private static partial void LogTenantCreated(ILogger logger, string tenantId);
}
