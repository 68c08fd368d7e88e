namespace Vigil.Contracts.Findings.Criteria;

/// <summary>
/// One condition on one finding field: a column such as <c>severity</c> or a path into the GuardDuty
/// document such as <c>service.action.awsApiCallAction.remoteIpDetails.ipAddressV4</c> (see
/// <see cref="FindingFields"/>).
/// </summary>
public sealed record FindingCriterion(string Field, CriterionOperator Operator, IReadOnlyList<string> Values);
