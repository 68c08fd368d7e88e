using Microsoft.AspNetCore.Components;
using Vigil.Contracts.Profiles;

namespace Vigil.Console.Components.Shared;

/// <summary>The values a profile keeps for one feature, each with its frequency class; the values are log text.</summary>
public partial class ProfileValues
{
    [Parameter]
    public ProfileDimensionSummary? Dimension { get; set; }
}
