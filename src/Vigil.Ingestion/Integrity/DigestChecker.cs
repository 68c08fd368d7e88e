using System.Globalization;
using System.Security.Cryptography;
using Vigil.Ingestion.Objects;

namespace Vigil.Ingestion.Integrity;

/// <summary>
/// Checks one digest file or one log file of a bucket. A digest is checked in this order: found,
/// readable, at its own location, matching the hash the valid newer digest recorded, public key
/// found and valid at the digest end time, key loadable, signature verified.
/// </summary>
internal sealed class DigestChecker(ITrailObjectStore store, string bucket, PublicKeyList publicKeys, TrailValidatorOptions options)
{
    private const string Sha256Name = "SHA-256";

    public async Task<DigestResult> CheckDigestAsync(DigestStep step, CancellationToken cancellationToken)
    {
        if (!string.Equals(step.Bucket, bucket, StringComparison.Ordinal))
        {
            return Result(step, DigestVerdict.NotFound, $"INVALID: not found (only bucket {bucket} is available)", null);
        }

        DigestFile digest;
        await using (var raw = await store.OpenAsync(step.Key, cancellationToken))
        {
            if (raw is null)
            {
                return Result(step, DigestVerdict.NotFound, "INVALID: not found", null);
            }

            try
            {
                var content = await DigestFileParser.ReadContentAsync(raw, options.MaxDigestBytes, cancellationToken);
                digest = DigestFileParser.Parse(content);
            }
            catch (DigestFormatException exception)
            {
                return Result(step, DigestVerdict.InvalidFormat, $"INVALID: invalid format ({exception.Message})", null);
            }
        }

        if (digest.DigestS3Bucket != step.Bucket || digest.DigestS3Object != step.Key)
        {
            return Result(step, DigestVerdict.Moved, $"INVALID: has been moved from its original location (it names s3://{digest.DigestS3Bucket}/{digest.DigestS3Object})", digest);
        }

        // NOTE: a link that names a hash algorithm other than SHA-256 is not compared, because CloudTrail documents no other.
        if (step.Link is { Trusted: true, HashValue: { } recorded } link
            && IsSha256(link.HashAlgorithm)
            && !string.Equals(recorded, digest.ContentSha256, StringComparison.OrdinalIgnoreCase))
        {
            return Result(step, DigestVerdict.HashMismatch, $"INVALID: hash value doesn't match (the newer digest recorded {recorded}, the file hashes to {digest.ContentSha256})", digest);
        }

        return await CheckSignatureAsync(step, digest, cancellationToken);
    }

    public async Task<LogFileResult> CheckLogFileAsync(DigestLogFile logFile, CancellationToken cancellationToken)
    {
        if (!string.Equals(logFile.S3Bucket, bucket, StringComparison.Ordinal))
        {
            return LogResult(logFile, LogFileVerdict.NotFound, $"INVALID: not found (only bucket {bucket} is available)");
        }

        if (!IsSha256(logFile.HashAlgorithm))
        {
            return LogResult(logFile, LogFileVerdict.InvalidFormat, $"INVALID: invalid format (unsupported hash algorithm {logFile.HashAlgorithm})");
        }

        await using var raw = await store.OpenAsync(logFile.S3Object, cancellationToken);
        if (raw is null)
        {
            return LogResult(logFile, LogFileVerdict.NotFound, "INVALID: not found");
        }

        string actual;
        try
        {
            // The digest records the hash of the uncompressed content, so a file stored uncompressed is hashed as it is.
            await using var content = await LogObjectStream.OpenAsync(raw, options.MaxLogFileBytes, cancellationToken);
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
        }
        catch (InvalidDataException exception)
        {
            return LogResult(logFile, LogFileVerdict.InvalidFormat, $"INVALID: invalid format (the gzip data is damaged: {exception.Message})");
        }
        catch (DecompressedSizeExceededException exception)
        {
            return LogResult(logFile, LogFileVerdict.InvalidFormat, $"INVALID: invalid format (larger than {exception.Limit} bytes uncompressed)");
        }

        return string.Equals(actual, logFile.HashValue, StringComparison.OrdinalIgnoreCase)
            ? LogResult(logFile, LogFileVerdict.Valid, "valid")
            : LogResult(logFile, LogFileVerdict.HashMismatch, "INVALID: hash value doesn't match");
    }

    private async Task<DigestResult> CheckSignatureAsync(DigestStep step, DigestFile digest, CancellationToken cancellationToken)
    {
        if (!DigestSignature.IsSupported(digest.DigestSignatureAlgorithm))
        {
            return Result(step, DigestVerdict.SignatureFailed, $"INVALID: signature verification failed (unsupported signature algorithm {digest.DigestSignatureAlgorithm})", digest);
        }

        var fingerprint = digest.DigestPublicKeyFingerprint;
        var candidates = publicKeys.WithFingerprint(fingerprint);
        var validKeys = candidates.Where(key => key.IsValidAt(digest.DigestEndTime)).ToList();
        if (validKeys.Count == 0)
        {
            var region = DigestKey.TryParse(step.Key)?.Region;
            var message = region is null
                ? $"INVALID: public key not found for fingerprint {fingerprint}"
                : $"INVALID: public key not found in region {region} for fingerprint {fingerprint}";
            if (candidates.Count > 0)
            {
                message += $" (a key with this fingerprint is valid {DescribeWindow(candidates[0])}, which does not contain the digest end time {Display(digest.DigestEndTime)})";
            }

            return Result(step, DigestVerdict.PublicKeyNotFound, message, digest);
        }

        var rsaKeys = LoadKeys(validKeys);
        try
        {
            if (rsaKeys.Count == 0)
            {
                return Result(step, DigestVerdict.PublicKeyNotLoaded, $"INVALID: Unable to load PKCS #1 key with fingerprint {fingerprint}", digest);
            }

            var (signatures, missingReason) = await CollectSignaturesAsync(step, cancellationToken);
            if (signatures.Count == 0)
            {
                return Result(step, DigestVerdict.SignatureFailed, $"INVALID: signature verification failed ({missingReason})", digest);
            }

            var verified = rsaKeys.Any(rsa => signatures.Any(signature => DigestSignature.Verify(rsa, digest, signature)));
            return verified
                ? Result(step, DigestVerdict.Valid, "valid", digest)
                : Result(step, DigestVerdict.SignatureFailed, "INVALID: signature verification failed", digest);
        }
        finally
        {
            foreach (var rsa in rsaKeys)
            {
                rsa.Dispose();
            }
        }
    }

    /// <summary>
    /// Returns the signatures to try: the one the newer digest recorded, then the one in the object's
    /// metadata. Either proves the digest authentic when it verifies, so their source needs no trust.
    /// When none is available, the returned reason explains why.
    /// </summary>
    private async Task<(List<string> Signatures, string MissingReason)> CollectSignaturesAsync(DigestStep step, CancellationToken cancellationToken)
    {
        var signatures = new List<string>();
        if (step.Link?.Signature is { } recorded)
        {
            signatures.Add(recorded);
        }

        var missingReason = "no signature: no newer digest refers to this one, and the object has no signature metadata";
        IReadOnlyDictionary<string, string>? metadata;
        try
        {
            metadata = await store.ReadUserMetadataAsync(step.Key, cancellationToken);
        }
        catch (InvalidDataException exception)
        {
            return (signatures, exception.Message);
        }

        if (metadata is null)
        {
            return (signatures, missingReason);
        }

        if (!metadata.TryGetValue("signature", out var stored))
        {
            return (signatures, "the signature metadata has no 'signature' entry");
        }

        if (metadata.TryGetValue("signature-algorithm", out var algorithm) && !DigestSignature.IsSupported(algorithm))
        {
            return (signatures, $"unsupported signature algorithm {algorithm} in the signature metadata");
        }

        if (!signatures.Contains(stored, StringComparer.OrdinalIgnoreCase))
        {
            signatures.Add(stored);
        }

        return (signatures, missingReason);
    }

    private static List<RSA> LoadKeys(List<CloudTrailPublicKey> keys)
    {
        var loaded = new List<RSA>();
        foreach (var key in keys)
        {
            try
            {
                loaded.Add(key.ImportRsa());
            }
            catch (CryptographicException)
            {
                // Reported as PublicKeyNotLoaded when no key with the fingerprint loads.
            }
        }

        return loaded;
    }

    private static bool IsSha256(string? algorithm) =>
        algorithm is null || string.Equals(algorithm, Sha256Name, StringComparison.OrdinalIgnoreCase);

    private static string DescribeWindow(CloudTrailPublicKey key) =>
        $"from {(key.ValidityStartTime is { } start ? Display(start) : "any time")} to {(key.ValidityEndTime is { } end ? Display(end) : "any time")}";

    private static string Display(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DigestResult Result(DigestStep step, DigestVerdict verdict, string message, DigestFile? digest) =>
        new(step.Bucket, step.Key, verdict, message, digest);

    private static LogFileResult LogResult(DigestLogFile logFile, LogFileVerdict verdict, string message) =>
        new(logFile.S3Bucket, logFile.S3Object, verdict, message);
}
