using System.Security.Cryptography;
using System.Text;

namespace Vigil.Contracts.Storage;

/// <summary>
/// The REST API keys of each tenant. Only a key's SHA-256 is stored; the key is shown once, when it
/// is created. Calls that take a tenant id act on that tenant's keys only.
/// </summary>
public interface IApiKeyStore
{
    /// <summary>The tenant's keys, newest first, revoked ones included.</summary>
    Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string tenantId, CancellationToken cancellationToken);

    Task<ApiKeyInfo?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken);

    /// <summary>Stores a new key under the SHA-256 of its secret (see <see cref="ApiKeySecret.Hash"/>).</summary>
    Task CreateAsync(ApiKeyInfo key, string keySha256, CancellationToken cancellationToken);

    /// <summary>
    /// Revokes the tenant's key and returns it as stored after the change, or null when the tenant has
    /// no key with that id. Revoking a revoked key changes nothing.
    /// </summary>
    Task<ApiKeyInfo?> RevokeAsync(string tenantId, Guid id, string revokedBy, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Returns the key with this SHA-256 when it is neither revoked nor expired at <paramref name="now"/>,
    /// of any tenant, and records <paramref name="now"/> as its last use.
    /// </summary>
    Task<ApiKeyInfo?> UseAsync(string keySha256, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>An API key without its secret. <see cref="Role"/> is one of <see cref="ConsoleRoles"/> below platform operator.</summary>
public sealed record ApiKeyInfo(
    Guid Id,
    string TenantId,
    string Name,
    string Role,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string? RevokedBy,
    DateTimeOffset? LastUsedAt)
{
    public const int MaxNameLength = 200;
}

/// <summary>Generates and hashes API key secrets.</summary>
public static class ApiKeySecret
{
    /// <summary>Prefix of generated keys, so a leaked key is recognisable as a Vigil API key.</summary>
    public const string Prefix = "vigil-api-";

    /// <summary>Returns a new key: the prefix and 256 random bits in base64url.</summary>
    public static string Generate() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// Returns the lower-case hex SHA-256 of the key's UTF-8 bytes. A fast hash is enough because the
    /// key carries 256 random bits, so it cannot be guessed from its hash.
    /// </summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
