using Amazon.S3;
using Amazon.S3.Model;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;

namespace Vigil.Host.Sources;

/// <summary>
/// Reads an S3 bucket below a prefix by listing it (ListObjectsV2, page by page) every poll
/// interval. Each pass lists the whole prefix, so an object delivered late, whose key sorts before
/// keys already read, is found on the next pass. The ledger decides per key and fingerprint
/// (size and ETag) whether an object is read. A bounded cache of keys seen done spares the ledger
/// query for objects already read.
/// </summary>
public sealed partial class S3ListingSourceReader(SourceDefinition source, SourceReaderServices services) : SourceReader(source, services)
{
    private readonly DoneKeyCache done = new(services.Settings.DoneKeyCacheCapacity);

    protected override async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        var bucket = Source.Bucket ?? throw new InvalidOperationException($"S3 listing source {Source.Id} names no bucket.");
        using var client = AwsClients.S3(Source);
        LogListing(Logger, LogText.Escape(Source.Name), LogText.Escape(bucket), LogText.Escape(Source.Prefix ?? ""), Source.TenantId);
        do
        {
            await PassAsync(client, bucket, cancellationToken);
        }
        while (await PauseAsync(cancellationToken));
    }

    private async Task PassAsync(IAmazonS3 client, string bucket, CancellationToken cancellationToken)
    {
        try
        {
            var request = new ListObjectsV2Request { BucketName = bucket, Prefix = Source.Prefix ?? "" };
            do
            {
                var page = await client.ListObjectsV2Async(request, cancellationToken);
                foreach (var listed in page.S3Objects ?? [])
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await ConsiderAsync(client, bucket, listed, cancellationToken);
                }

                request.ContinuationToken = page.NextContinuationToken;
                if (page.IsTruncated != true)
                {
                    break;
                }
            }
            while (!string.IsNullOrEmpty(request.ContinuationToken));

            ClearRepeatedError();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A listing that keeps failing is logged once, and its counters keep the latest error.
            if (IsNewError(exception.Message))
            {
                LogPassFailed(Logger, LogText.Escape(Source.Name), LogText.Escape(bucket), LogText.Escape(exception.Message));
            }

            await RecordErrorAsync($"s3://{bucket}/{Source.Prefix}: listing failed: {exception.Message}");
        }
    }

    private async Task ConsiderAsync(IAmazonS3 client, string bucket, S3Object listed, CancellationToken cancellationToken)
    {
        if (listed.Key.EndsWith('/') || string.IsNullOrEmpty(listed.ETag))
        {
            // Folder markers that consoles create hold no logs.
            return;
        }

        var size = listed.Size ?? 0;
        var logObject = S3ObjectOpener.For(client, bucket, listed.Key, size, listed.ETag);
        if (done.IsDone(logObject.Key, logObject.Fingerprint))
        {
            return;
        }

        var (decision, result) = await ReadObjectAsync(logObject, cancellationToken);
        if (decision == ObjectReadDecision.AlreadyDone || result is { Record.Error: null })
        {
            done.MarkDone(logObject.Key, logObject.Fingerprint);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceName}: listing s3://{Bucket}/{Prefix} for logs of tenant {TenantId}")]
    private static partial void LogListing(ILogger logger, string sourceName, string bucket, string prefix, string tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Source {SourceName}: listing bucket {Bucket} failed: {Error}; each pass tries again, and the same error is not logged again")]
    private static partial void LogPassFailed(ILogger logger, string sourceName, string bucket, string error);
}
