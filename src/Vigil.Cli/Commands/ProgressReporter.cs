using System.Diagnostics;
using Vigil.Contracts.Storage;
using Vigil.Contracts.Text;

namespace Vigil.Cli.Commands;

/// <summary>Prints ingest progress to standard error: every failed object at once, and running totals every two seconds.</summary>
internal sealed class ProgressReporter : IProgress<ObjectRecord>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly Stopwatch sinceLast = Stopwatch.StartNew();
    private readonly Lock gate = new();
    private long objects;
    private long records;
    private long findings;

    public void Report(ObjectRecord value)
    {
        lock (gate)
        {
            objects++;
            records += value.RecordsRead;
            findings += value.FindingsRaised;
            if (value.Error is not null)
            {
                // Reader errors already start with the object key; others (I/O errors) do not.
                var error = value.Error.StartsWith(value.ObjectKey + ": ", StringComparison.Ordinal) ? value.Error : $"{value.ObjectKey}: {value.Error}";
                Console.Error.WriteLine($"failed: {LogText.Escape(error)}");
            }

            if (sinceLast.Elapsed >= Interval)
            {
                Console.Error.WriteLine($"progress: {objects} objects, {records} records, {findings} finding occurrences");
                sinceLast.Restart();
            }
        }
    }
}
