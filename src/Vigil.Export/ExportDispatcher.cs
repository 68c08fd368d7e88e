using System.Globalization;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Findings;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;

namespace Vigil.Export;

/// <summary>
/// Sends findings from the outbox to every destination this silo holds the lease of. New findings
/// go out on the next run; updates go out in batches that start once per publishing interval of
/// the tenant. Archived findings are held back. A failed batch is tried again after doubling delays
/// and, after the last try or an error that a retry cannot fix, its findings become dead letters.
/// A destination's position moves only after its findings were accepted or dead-lettered.
/// </summary>
public sealed partial class ExportDispatcher
{
    private readonly IExportOutbox outbox;
    private readonly Dictionary<ExportDestinationKind, IExportSender> senders;
    private readonly ExportInstruments instruments;
    private readonly TimeProvider clock;
    private readonly ExportDispatcherOptions options;
    private readonly ILogger<ExportDispatcher> logger;

    public ExportDispatcher(IExportOutbox outbox, IEnumerable<IExportSender> senders, ExportInstruments instruments, TimeProvider clock, ExportDispatcherOptions options, ILogger<ExportDispatcher> logger)
    {
        this.outbox = outbox;
        this.senders = senders.ToDictionary(sender => sender.Kind);
        this.instruments = instruments;
        this.clock = clock;
        this.options = options;
        this.logger = logger;
    }

    /// <summary>Leases the free destinations and sends what is due for each; returns how many destinations it served.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var destinations = await outbox.LeaseAsync(options.OwnerId, clock.GetUtcNow(), options.LeaseDuration, cancellationToken);
        foreach (var destination in destinations)
        {
            try
            {
                await DispatchAsync(destination, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogDispatchFailed(logger, exception, destination.Destination.Id, destination.Destination.TenantId);
            }
        }

        return destinations.Count;
    }

    private async Task DispatchAsync(LeasedExportDestination destination, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (destination.State.NextAttemptAt is { } next && next > now)
        {
            return;
        }

        if (!senders.ContainsKey(destination.Destination.Kind))
        {
            return;
        }

        var afterNew = await DrainAsync(destination, ExportStream.New, cancellationToken);
        if (afterNew is null)
        {
            return;
        }

        destination = afterNew;
        if (destination.UpdatePosition >= destination.UpdateTarget)
        {
            if (now < destination.State.UpdatesStartedAt + TimeSpan.FromMinutes((int)destination.Frequency))
            {
                return;
            }

            var started = await outbox.StartUpdateBatchAsync(destination.Destination.Id, options.OwnerId, now, cancellationToken);
            if (started is null)
            {
                return;
            }

            destination = started;
        }

        await DrainAsync(destination, ExportStream.Updates, cancellationToken);
    }

    /// <summary>Sends pages of one stream until it is empty; returns the destination with its new position, or null after a failure.</summary>
    private async Task<LeasedExportDestination?> DrainAsync(LeasedExportDestination destination, ExportStream stream, CancellationToken cancellationToken)
    {
        for (var page = 0; page < options.MaxPagesPerRun; page++)
        {
            var start = stream == ExportStream.New ? destination.NewPosition : destination.UpdatePosition;
            var read = await outbox.ReadAsync(destination, stream, options.PageSize, cancellationToken);
            if (read.Items.Count == 0 && read.End == start)
            {
                return destination;
            }

            var position = await DeliverAsync(destination, stream, start, read, cancellationToken);
            if (position is null)
            {
                return null;
            }

            destination = stream == ExportStream.New
                ? destination with { NewPosition = position.Value, State = destination.State with { Attempts = 0 } }
                : destination with { UpdatePosition = position.Value, State = destination.State with { Attempts = 0 } };
            if (read.Items.Count < options.PageSize)
            {
                return destination;
            }
        }

        return destination;
    }

    /// <summary>Sends one page; returns the position reached, or null when the page must be tried again.</summary>
    private async Task<ExportPosition?> DeliverAsync(LeasedExportDestination destination, ExportStream stream, ExportPosition start, ExportPage page, CancellationToken cancellationToken)
    {
        var units = SelectUnits(page.Items);
        var format = destination.Destination.Format == ExportDocumentFormat.Ocsf ? FindingExportFormat.Ocsf : FindingExportFormat.EventBridge;
        var documents = units
            .Select(unit => new ExportDocument(unit.Finding, stream == ExportStream.New, FindingExportFormats.Serialize(FindingExportFormats.Format(unit.Finding, format, stream == ExportStream.New))))
            .ToList();
        var now = clock.GetUtcNow();
        if (documents.Count == 0)
        {
            return await CompleteAsync(destination, stream, page.End, [], [], now, cancellationToken);
        }

        var batchKey = string.Create(CultureInfo.InvariantCulture, $"{destination.Destination.Id}/{stream}/{start.Transaction}.{start.Id}");
        var result = await senders[destination.Destination.Kind].SendAsync(destination, documents, batchKey, cancellationToken);
        var delivered = documents.Take(result.Delivered).ToList();
        if (result.Delivered >= documents.Count)
        {
            return await CompleteAsync(destination, stream, page.End, delivered, [], now, cancellationToken);
        }

        var error = result.Error ?? "the destination accepted only part of the batch";
        var attempts = destination.State.Attempts + 1;
        LogSendFailed(logger, destination.Destination.Id, destination.Destination.TenantId, attempts, options.MaxAttempts, LogText.Escape(error));
        if (!result.Retryable || attempts >= options.MaxAttempts)
        {
            var dead = documents.Skip(result.Delivered).ToList();
            LogDeadLettered(logger, dead.Count, destination.Destination.Id, destination.Destination.TenantId);
            await outbox.RecordFailureAsync(destination.Destination.Id, options.OwnerId, attempts, now, error, now, cancellationToken);
            return await CompleteAsync(destination, stream, page.End, delivered, DeadLetters(destination, dead, attempts, error, now), now, cancellationToken);
        }

        if (result.Delivered > 0)
        {
            // Keep what was accepted: the next try starts at the first row of the first unsent finding.
            var firstUnsent = units[result.Delivered].ItemIndex;
            var reached = firstUnsent == 0 ? start : page.Items[firstUnsent - 1].Position;
            await CompleteAsync(destination, stream, reached, delivered, [], now, cancellationToken);
            attempts = 1;
        }

        await outbox.RecordFailureAsync(destination.Destination.Id, options.OwnerId, attempts, now + options.RetryDelay(attempts), error, now, cancellationToken);
        return null;
    }

    private async Task<ExportPosition?> CompleteAsync(
        LeasedExportDestination destination,
        ExportStream stream,
        ExportPosition position,
        IReadOnlyList<ExportDocument> delivered,
        IReadOnlyList<(ExportDeadLetter Letter, string FindingType)> letters,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var completion = new ExportCompletion
        {
            DestinationId = destination.Destination.Id,
            Stream = stream,
            Position = position,
            Sent = [.. delivered.Select(document => (document.Finding.Id, document.Finding.UpdatedAt))],
            DeadLetters = [.. letters.Select(letter => letter.Letter)],
            At = now,
        };
        if (!await outbox.CompleteAsync(completion, options.OwnerId, cancellationToken))
        {
            LogLeaseLost(logger, destination.Destination.Id);
            return null;
        }

        foreach (var document in delivered)
        {
            instruments.RecordExported(destination.Destination, stream, document.Finding.Type, "sent");
        }

        foreach (var letter in letters)
        {
            instruments.RecordExported(destination.Destination, stream, letter.FindingType, "dead_letter");
        }

        return position;
    }

    private static List<(ExportDeadLetter Letter, string FindingType)> DeadLetters(LeasedExportDestination destination, List<ExportDocument> documents, int attempts, string error, DateTimeOffset now) =>
        [.. documents.Select(document => (new ExportDeadLetter
        {
            TenantId = destination.Destination.TenantId,
            DestinationId = destination.Destination.Id,
            DestinationName = destination.Destination.Name,
            FindingId = document.Finding.Id,
            FindingUpdatedAt = document.Finding.UpdatedAt,
            Attempts = attempts,
            LastError = error,
            Body = document.Body,
            FailedAt = now,
        }, document.Finding.Type))];

    /// <summary>
    /// Picks the findings to send from a page: each finding once, skipping findings that no longer
    /// exist, suppressed ones, and versions already sent to this destination. Findings archived by
    /// hand are sent, with their archived state, as GuardDuty sends them.
    /// </summary>
    private static List<(int ItemIndex, Finding Finding)> SelectUnits(IReadOnlyList<ExportItem> items)
    {
        var units = new List<(int, Finding)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Finding is null || item.Suppressed || item.SentVersion == item.Finding.UpdatedAt || !seen.Add(item.FindingId))
            {
                continue;
            }

            units.Add((i, item.Finding));
        }

        return units;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Exporting findings to destination {DestinationId} of tenant {TenantId} failed on try {Attempt} of {MaxAttempts}: {Error}")]
    private static partial void LogSendFailed(ILogger logger, Guid destinationId, string tenantId, int attempt, int maxAttempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} findings for destination {DestinationId} of tenant {TenantId} were written as dead letters")]
    private static partial void LogDeadLettered(ILogger logger, int count, Guid destinationId, string tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another silo took over export destination {DestinationId}; this silo stops sending to it")]
    private static partial void LogLeaseLost(ILogger logger, Guid destinationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Exporting to destination {DestinationId} of tenant {TenantId} failed; the next run tries again")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, Guid destinationId, string tenantId);
}
