using System.Security.Cryptography;
using System.Text;

namespace Vigil.Contracts.Storage;

/// <summary>
/// The access keys of Firehose sources. A key is shown to the user once when it is generated, and
/// only its SHA-256 is stored. A request's key is hashed the same way to find its source.
/// </summary>
public static class SourceAccessKey
{
    /// <summary>Prefix of generated keys, so a leaked key is recognisable as a Vigil Firehose key.</summary>
    public const string Prefix = "vigil-fh-";

    /// <summary>Returns a new key: the prefix and 256 random bits in base64url (52 characters in all).</summary>
    public static string Generate() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Returns the lower-case hex SHA-256 of the key's UTF-8 bytes, the form <see cref="SourceDefinition.AccessKeySha256"/> stores.</summary>
    public static string Hash(string accessKey)
    {
        ArgumentNullException.ThrowIfNull(accessKey);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(accessKey)));
    }
}
