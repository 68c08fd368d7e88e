namespace Vigil.Console.Components.Pages;

/// <summary>Sends the site root to the findings list.</summary>
public partial class Home
{
    protected override void OnInitialized() => Navigation.NavigateTo("findings", replace: true);
}
