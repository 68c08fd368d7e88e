using Amazon.S3;
using Amazon.SQS;
using Amazon.SQS.Model;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;
using Vigil.Ingestion.Objects;

namespace Vigil.Host.Sources;

/// <summary>
/// Reads the objects announced by S3 event notifications in an SQS queue (sent by S3 directly or
/// through SNS). A message is deleted once every object it names is recorded in the ledger as done,
/// skipped or given up. When an object failed and the ledger waits to retry it, the message is hidden
/// for <see cref="ObjectRetryPolicy.FirstDelay"/> and comes back, so the retry survives a restart.
/// Malformed messages and test events are deleted, the malformed ones with a logged reason.
/// </summary>
public sealed partial class S3NotificationSourceReader(SourceDefinition source, SourceReaderServices services) : SourceReader(source, services)
{
    protected override async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        var queueUrl = Source.QueueUrl ?? throw new InvalidOperationException($"S3 notification source {Source.Id} names no queue.");
        using var s3 = AwsClients.S3(Source);
        using var sqs = AwsClients.Sqs(Source);
        LogReceiving(Logger, LogText.Escape(Source.Name), LogText.Escape(queueUrl), Source.TenantId);
        while (!cancellationToken.IsCancellationRequested)
        {
            ReceiveMessageResponse response;
            try
            {
                response = await sqs.ReceiveMessageAsync(
                    new ReceiveMessageRequest
                    {
                        QueueUrl = queueUrl,
                        MaxNumberOfMessages = 10,
                        WaitTimeSeconds = Math.Clamp(Services.Settings.QueueWaitSeconds, 0, 20),
                    },
                    cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (IsNewError(exception.Message))
                {
                    LogReceiveFailed(Logger, LogText.Escape(Source.Name), LogText.Escape(exception.Message));
                }

                await RecordErrorAsync($"{queueUrl}: receiving messages failed: {exception.Message}");
                if (!await PauseAsync(cancellationToken))
                {
                    break;
                }

                continue;
            }
            catch (OperationCanceledException)
            {
                break;
            }

            ClearRepeatedError();
            foreach (var message in response.Messages ?? [])
            {
                cancellationToken.ThrowIfCancellationRequested();
                await HandleAsync(s3, sqs, queueUrl, message, cancellationToken);
            }
        }
    }

    private async Task HandleAsync(IAmazonS3 s3, IAmazonSQS sqs, string queueUrl, Message message, CancellationToken cancellationToken)
    {
        var messageId = LogText.Escape(message.MessageId ?? "(no id)");
        var parsed = S3EventNotification.Parse(message.Body ?? "");
        foreach (var problem in parsed.Problems)
        {
            LogMessageRejected(Logger, LogText.Escape(Source.Name), messageId, LogText.Escape(problem));
            await RecordErrorAsync($"queue message {message.MessageId}: {problem}");
        }

        if (parsed.IsInvalid || parsed.NothingToRead is not null)
        {
            if (parsed.NothingToRead is not null)
            {
                LogMessageIgnored(Logger, LogText.Escape(Source.Name), messageId, parsed.NothingToRead);
            }

            await DeleteAsync(sqs, queueUrl, message);
            return;
        }

        var settled = true;
        foreach (var created in parsed.Objects)
        {
            if (!BelongsToSource(created))
            {
                var reason = $"s3://{created.Bucket}/{created.Key} is outside s3://{Source.Bucket}/{Source.Prefix} of this source";
                LogMessageRejected(Logger, LogText.Escape(Source.Name), messageId, LogText.Escape(reason));
                await RecordErrorAsync($"queue message {message.MessageId}: {reason}");
                continue;
            }

            var logObject = S3ObjectOpener.For(s3, created.Bucket, created.Key, created.Size, created.ETag);
            var (decision, result) = await ReadObjectAsync(logObject, cancellationToken);
            if (decision == ObjectReadDecision.WaitingForRetry || result?.Record.Error is not null)
            {
                settled = false;
            }
        }

        if (settled)
        {
            await DeleteAsync(sqs, queueUrl, message);
        }
        else
        {
            // The ledger keeps the failure, and the message comes back when the retry may be due.
            await sqs.ChangeMessageVisibilityAsync(
                new ChangeMessageVisibilityRequest
                {
                    QueueUrl = queueUrl,
                    ReceiptHandle = message.ReceiptHandle,
                    VisibilityTimeout = (int)ObjectRetryPolicy.FirstDelay.TotalSeconds,
                },
                CancellationToken.None);
        }
    }

    private bool BelongsToSource(S3ObjectCreated created) =>
        string.Equals(created.Bucket, Source.Bucket, StringComparison.Ordinal)
        && created.Key.StartsWith(Source.Prefix ?? "", StringComparison.Ordinal);

    private static Task DeleteAsync(IAmazonSQS sqs, string queueUrl, Message message) =>
        sqs.DeleteMessageAsync(new DeleteMessageRequest { QueueUrl = queueUrl, ReceiptHandle = message.ReceiptHandle }, CancellationToken.None);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceName}: receiving S3 event notifications from {QueueUrl} for logs of tenant {TenantId}")]
    private static partial void LogReceiving(ILogger logger, string sourceName, string queueUrl, string tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Source {SourceName}: receiving messages failed: {Error}; trying again after each poll interval, and the same error is not logged again")]
    private static partial void LogReceiveFailed(ILogger logger, string sourceName, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {SourceName}: queue message {MessageId} rejected: {Reason}")]
    private static partial void LogMessageRejected(ILogger logger, string sourceName, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceName}: queue message {MessageId} deleted with nothing to read: {Reason}")]
    private static partial void LogMessageIgnored(ILogger logger, string sourceName, string messageId, string reason);
}
