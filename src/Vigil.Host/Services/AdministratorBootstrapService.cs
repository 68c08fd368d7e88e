using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Vigil.Contracts.Storage;
using Vigil.Host.Configuration;

namespace Vigil.Host.Services;

/// <summary>
/// Adds the tenant rows of the first administrator and of the watched folder when they are missing,
/// and, when local accounts are on, creates the first console administrator if the database has no
/// user. A generated password is written once to standard output, not to the log, so it never lands
/// in log storage. Each creation is written to the audit log with the actor <see cref="Actor"/>.
/// </summary>
public sealed partial class AdministratorBootstrapService(
    IConsoleUserStore users,
    ITenantStore tenants,
    IAuditLog auditLog,
    IOptions<VigilHostOptions> options,
    TimeProvider timeProvider,
    ILogger<AdministratorBootstrapService> logger) : IHostedService
{
    /// <summary>The audit actor of what the host creates on its first start.</summary>
    public const string Actor = "system:first-run";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Administrator;
        foreach (var tenantId in new[] { settings.TenantId, options.Value.Ingest.TenantId }.Distinct(StringComparer.Ordinal))
        {
            var tenant = new Tenant(tenantId, tenantId, new Dictionary<string, string>(), timeProvider.GetUtcNow());
            if (await tenants.CreateAsync(tenant, cancellationToken))
            {
                LogTenantCreated(logger, tenantId);
                var document = JsonSerializer.Serialize(tenant, JsonOptions);
                await AuditAsync(AuditEntry.PlatformTenant, "tenant.create", "tenant", tenantId, document, cancellationToken);
                await AuditAsync(tenantId, "tenant.create", "tenant", tenantId, document, cancellationToken);
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
        var created = await users.GetAsync(settings.TenantId, settings.UserName, cancellationToken);
        await AuditAsync(settings.TenantId, "user.create", "user", settings.UserName, JsonSerializer.Serialize(created, JsonOptions), cancellationToken);
        if (generated)
        {
            System.Console.WriteLine($"Created console administrator '{settings.UserName}' with password: {password}");
            System.Console.WriteLine("This password is shown only once; set Vigil:Administrator:Password to choose your own on a new database.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private Task AuditAsync(string tenantId, string action, string objectType, string objectId, string after, CancellationToken cancellationToken) =>
        auditLog.WriteAsync(new AuditEntry(tenantId, Actor, action, objectType, objectId, null, after, timeProvider.GetUtcNow()), cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vigil:Administrator:Password is set, but the database already has console users, so it is not applied; {UserName} keeps the password it was created with")]
    private static partial void LogPasswordNotApplied(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first console administrator {UserName} for tenant {TenantId}")]
    private static partial void LogAdministratorCreated(ILogger logger, string userName, string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created tenant {TenantId}")]
    private static partial void LogTenantCreated(ILogger logger, string tenantId);
}
