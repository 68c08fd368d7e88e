using Bunit;
using Microsoft.AspNetCore.Components;
using Vigil.Console.Components.Pages;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

public sealed class ExportListTests : ConsoleComponentTest
{
    public ExportListTests()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public async Task AddWebhook_ShowsSecretOnce()
    {
        SignInAsAdmin();
        var page = RenderPage<ExportList>();

        page.Find(".vigil-field-name input").Change("soc hook");
        page.Find(".vigil-field-url input").Change("https://siem.example.com/hooks/vigil");
        page.Find(".vigil-add-destination").Click();

        var secret = page.Find(".vigil-webhook-secret").TextContent;
        var stored = Assert.Single(await Export.ListAsync(TenantId, CancellationToken.None));
        Assert.Equal(secret, Export.SecretOf(stored.Destination.Id));
        Assert.Equal("soc hook", page.Find(".vigil-destination-name").TextContent);
        Assert.Equal("https://siem.example.com/hooks/vigil", page.Find(".vigil-destination-target").TextContent);
        var entry = Assert.Single(Audit.Entries);
        Assert.DoesNotContain(secret, entry.After!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddInvalid_ShowsFieldErrors()
    {
        SignInAsAdmin();
        var page = RenderPage<ExportList>();

        page.Find(".vigil-field-url input").Change("ftp://example.com");
        page.Find(".vigil-add-destination").Click();

        // Each message is shown under its own field, marked as an error, as in the other forms.
        Assert.Contains("Enter a name of 1 to", page.Find(".vigil-field-name .mud-input-helper-text").TextContent, StringComparison.Ordinal);
        Assert.Contains("Enter an absolute http or https URL", page.Find(".vigil-field-url .mud-input-helper-text").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll(".vigil-field-error"));
        Assert.Empty(await Export.ListAsync(TenantId, CancellationToken.None));
    }

    [Fact]
    public void DeadLetters_Shown()
    {
        Export.DeadLetters.Add(new ExportDeadLetter
        {
            TenantId = TenantId,
            DestinationId = Guid.NewGuid(),
            DestinationName = "soc hook",
            FindingId = "0123456789abcdef0123456789abcdef",
            FindingUpdatedAt = DateTimeOffset.UtcNow,
            Attempts = 5,
            LastError = "the receiver answered 500 <b>Internal</b>",
            Body = "{}",
            FailedAt = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero),
        });

        var page = RenderPage<ExportList>();

        Assert.Equal("0123456789abcdef0123456789abcdef", page.Find(".vigil-dead-letter-finding").TextContent);
        Assert.Equal("the receiver answered 500 <b>Internal</b>", page.Find(".vigil-dead-letter-error").TextContent);
    }

    [Fact]
    public void Analyst_SeesNoForm()
    {
        var page = RenderPage<ExportList>();

        Assert.Empty(page.FindAll(".vigil-add-destination"));
        Assert.NotNull(page.Find(".vigil-no-dead-letters"));
    }

    private void SignInAsAdmin()
    {
        Authorization.SetAuthorized("admin1");
        Authorization.SetRoles(ConsoleRoles.TenantAdmin);
        Authorization.SetClaims(new System.Security.Claims.Claim(ConsoleClaimTypes.Tenant, TenantId));
    }
}
