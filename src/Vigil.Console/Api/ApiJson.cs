using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Contracts.Findings.Criteria;

namespace Vigil.Console.Api;

/// <summary>Reads and writes the findings API's JSON with <see cref="FindingCriteriaJson.Options"/> (enums as names).</summary>
internal static class ApiJson
{
    /// <summary>The largest request body the findings and suppression rule routes read, in bytes.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Reads a JSON body; returns the value, or an error text for a 400 response.</summary>
    public static async Task<(T? Value, string? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength is > MaxBodyBytes)
        {
            return (null, $"The request body is larger than {MaxBodyBytes} bytes.");
        }

        try
        {
            using var limited = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (limited.Length + read > MaxBodyBytes)
                {
                    return (null, $"The request body is larger than {MaxBodyBytes} bytes.");
                }

                limited.Write(buffer, 0, read);
            }

            if (limited.Length == 0)
            {
                return (null, "The request body is empty; send a JSON object.");
            }

            limited.Position = 0;
            var value = await JsonSerializer.DeserializeAsync<T>(limited, FindingCriteriaJson.Options, cancellationToken);
            return value is null ? (null, "The request body is the JSON literal null; send an object.") : (value, null);
        }
        catch (JsonException exception)
        {
            var where = exception.LineNumber is { } line ? $" at line {line + 1}, position {exception.BytePositionInLine + 1}" : string.Empty;
            return (null, $"The request body is not valid JSON for this route{where}: {exception.Message.Split(" Path:", 2)[0]}");
        }
    }

    /// <summary>Parses criteria given as JSON text (a query string parameter); returns an error text when invalid.</summary>
    public static (FindingCriteria? Value, string? Error) ParseCriteria(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return (FindingCriteria.Empty, null);
        }

        if (json.Length > MaxBodyBytes)
        {
            return (null, "The criteria are too long.");
        }

        try
        {
            return (JsonSerializer.Deserialize<FindingCriteria>(json, FindingCriteriaJson.Options) ?? FindingCriteria.Empty, null);
        }
        catch (JsonException exception)
        {
            return (null, "The criteria parameter is not valid criteria JSON: " + exception.Message.Split(" Path:", 2)[0]);
        }
    }

    public static IResult Ok<T>(T value) => Results.Json(value, FindingCriteriaJson.Options);

    public static IResult BadRequest(string field, params string[] errors) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = errors });

    public static IResult NoTenant() =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "No tenant", detail: "The session carries no tenant; sign out and sign in again.");
}
