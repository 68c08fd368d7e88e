using Vigil.Contracts.Text;

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

    private readonly DeferredText accessKeyId;
    private readonly DeferredText userName;

    /// <summary>The access key id, which the CloudTrail readers give as null when empty. From the object reader it is decoded from the record's bytes on every read.</summary>
    public string? AccessKeyId
    {
        get => accessKeyId.ToString();
        init => accessKeyId = new DeferredText(value);
    }

    /// <summary>Sets <see cref="AccessKeyId"/> in either form. The reader passes a slice of the record, because only findings read the value.</summary>
    internal DeferredText AccessKeyIdText
    {
        init => accessKeyId = value;
    }

    /// <summary>The user name. From the CloudTrail object reader it is decoded from the record's bytes on every read.</summary>
    public string? UserName
    {
        get => userName.ToString();
        init => userName = new DeferredText(value);
    }

    /// <summary>Sets <see cref="UserName"/> in either form. The reader passes a slice of the record, because only findings and principals without an ARN or id read the value.</summary>
    internal DeferredText UserNameText
    {
        init => userName = value;
    }

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
