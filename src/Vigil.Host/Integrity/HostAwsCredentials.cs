using Amazon.Runtime.Credentials;
using Vigil.Ingestion.Integrity;

namespace Vigil.Host.Integrity;

/// <summary>The host's AWS credentials from the standard AWS configuration (environment, shared files, container and instance roles), as the S3 and SQS clients find them.</summary>
public static class HostAwsCredentials
{
    public static async ValueTask<AwsCredentialValues> ResolveAsync(CancellationToken cancellationToken)
    {
        var credentials = await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync();
        var values = await credentials.GetCredentialsAsync();
        return new AwsCredentialValues(values.AccessKey, values.SecretKey, values.UseToken ? values.Token : null);
    }
}
