namespace Vigil.Contracts.Events;

/// <summary>
/// The <c>userIdentity</c> element of a CloudTrail record, flattened. <see cref="Type"/> is kept as
/// written (Root, IAMUser, AssumedRole, Role, FederatedUser, SAMLUser, WebIdentityUser, AWSAccount,
/// AWSService, Directory, Unknown, or any future value).
/// </summary>
public sealed record UserIdentity
{
    public string? Type { get; init; }

    public string? PrincipalId { get; init; }

    public string? Arn { get; init; }

    public string? AccountId { get; init; }

    public string? AccessKeyId { get; init; }

    public string? UserName { get; init; }

    public string? InvokedBy { get; init; }

    /// <summary><c>sessionContext.sessionIssuer.type</c>, for example Role.</summary>
    public string? SessionIssuerType { get; init; }

    /// <summary><c>sessionContext.sessionIssuer.arn</c>: the role behind an assumed-role session.</summary>
    public string? SessionIssuerArn { get; init; }

    public string? SessionIssuerUserName { get; init; }

    /// <summary><c>sessionContext.attributes.mfaAuthenticated</c>.</summary>
    public bool? MfaAuthenticated { get; init; }

    /// <summary><c>webIdFederationData.federatedProvider</c> or the SAML identity provider.</summary>
    public string? IdentityProvider { get; init; }
}
