using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Vigil.Ingestion.Integrity;

/// <summary>
/// CloudTrail's public keys for digest signatures, read from the output of <c>aws cloudtrail
/// list-public-keys</c> (the <c>ListPublicKeys</c> response): <c>PublicKeyList[]</c> of
/// <c>{Value, ValidityStartTime, ValidityEndTime, Fingerprint}</c>. CloudTrail uses one key pair per
/// Region, so the list must hold the keys of every Region whose digests are validated.
/// </summary>
public sealed class PublicKeyList(IReadOnlyList<CloudTrailPublicKey> keys)
{
    /// <summary>Deepest JSON nesting accepted. The layout nests three levels deep.</summary>
    public const int MaxDepth = 8;

    public IReadOnlyList<CloudTrailPublicKey> Keys { get; } = keys;

    /// <summary>Returns the keys with <paramref name="fingerprint"/> (hex, compared without case) whose validity window contains <paramref name="time"/>.</summary>
    public IReadOnlyList<CloudTrailPublicKey> FindValid(string fingerprint, DateTimeOffset time) =>
        [.. WithFingerprint(fingerprint).Where(key => key.IsValidAt(time))];

    /// <summary>Returns every key with <paramref name="fingerprint"/>, whatever its validity window.</summary>
    public IReadOnlyList<CloudTrailPublicKey> WithFingerprint(string fingerprint) =>
        [.. Keys.Where(key => string.Equals(key.Fingerprint, fingerprint, StringComparison.OrdinalIgnoreCase))];

    /// <summary>
    /// Parses the JSON layout of <c>list-public-keys</c>. Property names are matched without case,
    /// because the AWS documentation shows both <c>PublicKeyList</c> and <c>publicKeyList</c>.
    /// Raises <see cref="PublicKeyListFormatException"/> naming the line or field at fault.
    /// </summary>
    public static PublicKeyList Parse(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException exception)
        {
            throw new PublicKeyListFormatException(
                $"line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1} of the line: invalid JSON: {JsonErrors.WithoutPosition(exception)}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Property(root, "PublicKeyList") is not { ValueKind: JsonValueKind.Array } list)
            {
                throw new PublicKeyListFormatException("expected an object with a PublicKeyList array, as 'aws cloudtrail list-public-keys' writes it");
            }

            var keys = new List<CloudTrailPublicKey>();
            var index = 0;
            foreach (var entry in list.EnumerateArray())
            {
                keys.Add(ParseKey(entry, $"PublicKeyList[{index}]"));
                index++;
            }

            return new PublicKeyList(keys);
        }
    }

    private static CloudTrailPublicKey ParseKey(JsonElement entry, string path)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new PublicKeyListFormatException($"{path} is not an object");
        }

        var value = Property(entry, "Value") is { ValueKind: JsonValueKind.String } valueText ? valueText.GetString() : null;
        var fingerprint = Property(entry, "Fingerprint") is { ValueKind: JsonValueKind.String } fingerprintText ? fingerprintText.GetString() : null;
        if (string.IsNullOrEmpty(value))
        {
            throw new PublicKeyListFormatException($"{path}.Value is missing. It must contain the base64 DER public key");
        }

        if (string.IsNullOrEmpty(fingerprint))
        {
            throw new PublicKeyListFormatException($"{path}.Fingerprint is missing");
        }

        return new CloudTrailPublicKey(
            fingerprint,
            value,
            ParseTime(Property(entry, "ValidityStartTime"), path + ".ValidityStartTime"),
            ParseTime(Property(entry, "ValidityEndTime"), path + ".ValidityEndTime"));
    }

    /// <summary>Reads a timestamp as the AWS CLI writes it: ISO-8601 text, or seconds since 1970 as a number or as text ("1436317441.0").</summary>
    private static DateTimeOffset? ParseTime(JsonElement? element, string path)
    {
        if (element is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds))
        {
            return FromUnixSeconds(seconds, path);
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        if (text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds))
        {
            return FromUnixSeconds(seconds, path);
        }

        if (text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        throw new PublicKeyListFormatException($"{path} is not a valid time. Use ISO-8601 text or seconds since 1970");
    }

    private static DateTimeOffset FromUnixSeconds(double seconds, string path)
    {
        // DateTimeOffset covers years 1 to 9999, so a value outside that range cannot be a validity time.
        if (double.IsNaN(seconds) || seconds < -62_135_596_800 || seconds > 253_402_300_799)
        {
            throw new PublicKeyListFormatException($"{path} is out of range: {seconds.ToString(CultureInfo.InvariantCulture)} seconds since 1970");
        }

        return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
    }

    private static JsonElement? Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}

/// <summary>
/// One CloudTrail public key: its fingerprint, its base64 DER value, and the window in which
/// CloudTrail signed digests with its private key. A missing bound leaves that side of the window open.
/// </summary>
public sealed record CloudTrailPublicKey(string Fingerprint, string Value, DateTimeOffset? ValidityStartTime, DateTimeOffset? ValidityEndTime)
{
    public bool IsValidAt(DateTimeOffset time) =>
        (ValidityStartTime is null || ValidityStartTime <= time) && (ValidityEndTime is null || time <= ValidityEndTime);

    /// <summary>
    /// Imports the key. <c>ListPublicKeys</c> documents PKCS#1 <c>RSAPublicKey</c> DER, and its own
    /// sample output also contains SubjectPublicKeyInfo DER, so both are accepted. Raises
    /// <see cref="CryptographicException"/> when the value is neither, or not base64.
    /// </summary>
    public RSA ImportRsa()
    {
        byte[] der;
        try
        {
            der = Convert.FromBase64String(Value);
        }
        catch (FormatException exception)
        {
            throw new CryptographicException("the public key value is not base64", exception);
        }

        var rsa = RSA.Create();
        if (TryImport(rsa, der, subjectPublicKeyInfo: false) || TryImport(rsa, der, subjectPublicKeyInfo: true))
        {
            return rsa;
        }

        rsa.Dispose();
        throw new CryptographicException("the public key value is neither PKCS#1 RSAPublicKey nor SubjectPublicKeyInfo DER");
    }

    /// <summary>Imports <paramref name="der"/> into <paramref name="rsa"/>. Returns false when it is not that encoding or has bytes left over.</summary>
    private static bool TryImport(RSA rsa, byte[] der, bool subjectPublicKeyInfo)
    {
        try
        {
            int read;
            if (subjectPublicKeyInfo)
            {
                rsa.ImportSubjectPublicKeyInfo(der, out read);
            }
            else
            {
                rsa.ImportRSAPublicKey(der, out read);
            }

            return read == der.Length;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}

/// <summary>Raised when a public key file is not in the <c>list-public-keys</c> layout.</summary>
public sealed class PublicKeyListFormatException(string message) : Exception(message);
