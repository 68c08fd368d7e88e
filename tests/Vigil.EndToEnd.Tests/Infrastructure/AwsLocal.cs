using System.Diagnostics;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using Vigil.Testing;

namespace Vigil.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The local S3-compatible server (s3rver) and SQS-compatible server (local-aws-sqs) of
/// tests/tools/aws-local.js, started on free loopback ports. Objects created in a bucket named
/// with <c>notify</c> are announced in its queue as S3 event notifications.
/// </summary>
internal sealed class AwsLocal : IAsyncDisposable
{
    // s3rver accepts this one key pair, its documented default.
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    public const string Region = "us-east-1";

    private readonly Process process;
    private readonly string directory;

    private AwsLocal(Process process, string directory, Uri s3, Uri sqs, IReadOnlyDictionary<string, string> queues)
    {
        this.process = process;
        this.directory = directory;
        S3Endpoint = s3;
        SqsEndpoint = sqs;
        QueueUrls = queues;
    }

    public Uri S3Endpoint { get; }

    public Uri SqsEndpoint { get; }

    public IReadOnlyDictionary<string, string> QueueUrls { get; }

    /// <summary>What the host needs to reach the servers: test credentials in the environment, and no instance metadata look-up.</summary>
    public static IReadOnlyDictionary<string, string> HostEnvironment { get; } = new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = Region,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    /// <summary>Starts the servers with these buckets and queues; <paramref name="notify"/> pairs a bucket with the queue that hears of its new objects.</summary>
    public static async Task<AwsLocal> StartAsync(IEnumerable<string> buckets, IEnumerable<string> queues, IEnumerable<(string Bucket, string Queue)> notify)
    {
        var tools = Path.Combine(RepositoryRoot.Find(), "tests", "tools");
        if (!Directory.Exists(Path.Combine(tools, "node_modules", "s3rver")) || !Directory.Exists(Path.Combine(tools, "node_modules", "local-aws-sqs")))
        {
            throw new InvalidOperationException(
                $"The local S3 and SQS servers are not installed in {tools}/node_modules. Run 'npm ci' in tests/tools (tests/run.sh does this); it needs Node.js and npm (Debian: apt-get install nodejs npm).");
        }

        var directory = Path.Combine(Path.GetTempPath(), "vigil-s3-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = tools,
        };
        start.ArgumentList.Add("aws-local.js");
        start.ArgumentList.Add("--directory");
        start.ArgumentList.Add(directory);
        foreach (var bucket in buckets)
        {
            start.ArgumentList.Add("--bucket");
            start.ArgumentList.Add(bucket);
        }

        foreach (var queue in queues)
        {
            start.ArgumentList.Add("--queue");
            start.ArgumentList.Add(queue);
        }

        foreach (var (bucket, queue) in notify)
        {
            start.ArgumentList.Add("--notify");
            start.ArgumentList.Add($"{bucket}={queue}");
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("Starting node failed.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"Node.js is needed for the local S3 and SQS servers but 'node' could not be started ({exception.Message}). Install it (Debian: apt-get install nodejs npm) and run 'npm ci' in tests/tools.", exception);
        }

        var stderr = process.StandardError.ReadToEndAsync();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (line is null)
        {
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"tests/tools/aws-local.js exited with code {process.ExitCode} before it listened: {await stderr}");
        }

        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var queueUrls = root.GetProperty("queues").EnumerateObject().ToDictionary(queue => queue.Name, queue => queue.Value.GetString()!);
        return new AwsLocal(process, directory, new Uri(root.GetProperty("s3").GetString()!), new Uri(root.GetProperty("sqs").GetString()!), queueUrls);
    }

    /// <summary>An S3 client for the local server, the way a user of the store would make one.</summary>
    public AmazonS3Client S3Client() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = S3Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = Region,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public AmazonSQSClient SqsClient() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonSQSConfig
    {
        ServiceURL = SqsEndpoint.ToString(),
        AuthenticationRegion = Region,
    });

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        process.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
