using System.Security.Cryptography;
using System.Text;

namespace Vigil.Detection;

/// <summary>Bounds the length of grain keys built from log fields.</summary>
internal static class GrainKeyText
{
    /// <summary>Longest key kept as is; longer keys (forged or unusual ARNs and ids) are shortened with a hash suffix.</summary>
    public const int MaxLength = 512;

    /// <summary>Returns the key unchanged when it fits, else its first characters, '#' and 16 hex digits of its SHA-256.</summary>
    public static string Bound(string key)
    {
        if (key.Length <= MaxLength)
        {
            return key;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        return key[..(MaxLength - 17)] + "#" + hash;
    }
}
