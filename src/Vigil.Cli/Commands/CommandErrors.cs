using Npgsql;
using Vigil.Contracts.Text;

namespace Vigil.Cli.Commands;

/// <summary>Turns the failures a user can cause or fix (database unreachable, bad connection string, file system errors, failed AWS calls) into one-line errors.</summary>
internal static class CommandErrors
{
    /// <summary>Runs a command body; an expected failure prints <c>error: …</c> to standard error and returns exit status 1.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (PostgresException exception)
        {
            return Fail($"the database rejected the request: {exception.MessageText} ({exception.SqlState}). Check the connection string's user, password and database.");
        }
        catch (NpgsqlException exception)
        {
            return Fail($"cannot reach the database: {exception.Message}. Check that PostgreSQL runs (deploy/local/pg-start.sh) and the connection string's host and port.");
        }
        catch (ArgumentException exception) when (exception.StackTrace?.Contains("Npgsql", StringComparison.Ordinal) == true)
        {
            return Fail($"invalid database connection string: {exception.Message}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return Fail(exception.Message);
        }
        catch (Vigil.Ingestion.Integrity.CloudTrailApiException exception)
        {
            return Fail($"{exception.Message}. Check the credentials, --region and --endpoint-url, or pass --public-keys.");
        }
        catch (HttpRequestException exception)
        {
            return Fail($"the HTTP request failed: {exception.Message}. Check --endpoint-url and the network.");
        }
        catch (Amazon.Runtime.AmazonServiceException exception)
        {
            return Fail($"the S3 request failed: {exception.Message}. Check the bucket, the credentials and --endpoint-url.");
        }
        catch (Amazon.Runtime.AmazonClientException exception)
        {
            return Fail($"the S3 client failed: {exception.Message}. Check the AWS configuration (credentials, region) and --endpoint-url.");
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + LogText.Escape(message));
        return 1;
    }
}
