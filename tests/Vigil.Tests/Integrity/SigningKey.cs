using System.Security.Cryptography;
using System.Text;

namespace Vigil.Tests.Integrity;

/// <summary>An RSA key pair standing in for CloudTrail's per-Region signing key.</summary>
internal sealed class SigningKey
{
    private static readonly Lazy<SigningKey> PrimaryKey = new(Create);
    private static readonly Lazy<SigningKey> SecondaryKey = new(Create);

    private readonly RSA rsa;
    private readonly Lock gate = new();

    private SigningKey(RSA rsa)
    {
        this.rsa = rsa;
        Pkcs1Der = rsa.ExportRSAPublicKey();
        SubjectPublicKeyInfoDer = rsa.ExportSubjectPublicKeyInfo();

        // CloudTrail's fingerprints are 32 hex digits; how it derives them is not documented, and the validator only compares them.
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(Pkcs1Der)[..16]);
    }

    /// <summary>Shared by the tests, because generating a 2048-bit key takes about 100 ms.</summary>
    public static SigningKey Primary => PrimaryKey.Value;

    public static SigningKey Secondary => SecondaryKey.Value;

    public string Fingerprint { get; }

    public byte[] Pkcs1Der { get; }

    public byte[] SubjectPublicKeyInfoDer { get; }

    /// <summary>Signs the UTF-8 bytes of <paramref name="text"/> with SHA256withRSA (PKCS#1 v1.5) and returns the hex signature.</summary>
    public string SignHex(string text)
    {
        lock (gate)
        {
            return Convert.ToHexStringLower(rsa.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }
    }

    private static SigningKey Create() => new(RSA.Create(2048));
}
