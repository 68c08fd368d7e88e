using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Vigil.Console.Components.Pages;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

public sealed class SourceListTests : ConsoleComponentTest
{
    public SourceListTests()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void Prerendered_EditButtonsDisabled()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        SignInAsAdmin();

        var page = RenderSources();

        Assert.True(page.Find(".vigil-add-source").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Sources_ShowsKindAccountsAndStatus()
    {
        var source = await AddSourceAsync("vpc flows", SourceKind.Firehose, "111122223333", "444455556666");
        var at = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
        await Sources.RecordProgressAsync(new SourceProgress
        {
            TenantId = TenantId,
            SourceId = source.Id,
            ObjectsRead = 12,
            RecordsRead = 34_567,
            RecordsRejected = 8,
            RecordsFromUnregisteredAccounts = 5,
            NewestEventTime = at.AddMinutes(-5),
            Error = "request r-9: record 3: invalid <b>gzip</b>",
            At = at,
        }, CancellationToken.None);

        var page = RenderSources();

        Assert.Equal("vpc flows", page.Find(".vigil-source-name").TextContent);
        Assert.Equal("Firehose", page.Find(".vigil-source-kind").TextContent);
        Assert.Equal("111122223333, 444455556666", page.Find(".vigil-source-accounts").TextContent);
        Assert.Equal("Yes", page.Find(".vigil-source-enabled").TextContent);
        Assert.Equal("12", page.Find(".vigil-objects-read").TextContent);
        Assert.Equal("34,567", page.Find(".vigil-records-read").TextContent);
        Assert.Equal("8", page.Find(".vigil-records-rejected").TextContent);
        Assert.Equal("5", page.Find(".vigil-records-unregistered").TextContent);
        Assert.Equal("5 min 0 s", page.Find(".vigil-source-lag").TextContent);
        Assert.Equal("2026-12-04 12:00:00Z", page.Find(".vigil-last-read").TextContent);
        Assert.Contains("request r-9: record 3: invalid <b>gzip</b>", page.Find(".vigil-last-error").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll(".vigil-last-error b"));
    }

    [Fact]
    public async Task CommandLineSource_DeletableNotEditable()
    {
        SignInAsAdmin();
        await AddSourceAsync(CommandLineSource.Name, SourceKind.CommandLine);
        await AddSourceAsync("vpc flows", SourceKind.Firehose, "111122223333");

        var page = RenderSources();

        Assert.Equal(["Command line (vigil ingest)", "Firehose"], page.FindAll(".vigil-source-kind").Select(cell => cell.TextContent));
        Assert.Equal(["Edit vpc flows"], page.FindAll(".vigil-edit-source").Select(button => button.GetAttribute("aria-label")));
        Assert.Equal(2, page.FindAll(".vigil-delete-source").Count);
    }

    [Fact]
    public async Task Refresh_ShowsNewCounters()
    {
        var source = await AddSourceAsync("vpc flows", SourceKind.Firehose, "111122223333");
        var page = RenderSources();
        Assert.Equal("0", page.Find(".vigil-records-read").TextContent);

        await Sources.RecordProgressAsync(new SourceProgress { TenantId = TenantId, SourceId = source.Id, ObjectsRead = 1, RecordsRead = 7, At = DateTimeOffset.UtcNow }, CancellationToken.None);
        page.Find(".vigil-refresh-sources").Click();

        page.WaitForAssertion(() => Assert.Equal("7", page.Find(".vigil-records-read").TextContent));
    }

    [Fact]
    public async Task Sources_OtherTenantHidden()
    {
        await Sources.SaveAsync(new SourceDefinition
        {
            Id = Guid.NewGuid(),
            TenantId = OtherTenantId,
            Name = "not mine",
            Kind = SourceKind.Firehose,
            AccountIds = ["111122223333"],
            UpdatedAt = DateTimeOffset.UtcNow,
            UpdatedBy = "someone",
        }, CancellationToken.None);

        var page = RenderSources();

        Assert.DoesNotContain("not mine", page.Markup, StringComparison.Ordinal);
        Assert.Contains("No sources yet", page.Find(".vigil-empty").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyst_SeesNoEditButtons()
    {
        await AddSourceAsync("vpc flows", SourceKind.Firehose, "111122223333");

        var page = RenderSources();

        Assert.Empty(page.FindAll(".vigil-add-source"));
        Assert.Empty(page.FindAll(".vigil-edit-source"));
        Assert.Empty(page.FindAll(".vigil-delete-source"));
    }

    [Fact]
    public async Task AddFirehose_ShowsKeyOnce()
    {
        SignInAsAdmin();
        var page = RenderSources();

        page.Find(".vigil-add-source").Click();
        dialogs.Find(".vigil-field-name input").Input("vpc flows");
        dialogs.Find(".vigil-field-accounts textarea").Input("111122223333, 444455556666");
        dialogs.Find(".vigil-save-source").Click();

        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll(".vigil-access-key input")));
        var accessKey = dialogs.Find(".vigil-access-key input").GetAttribute("value")!;
        Assert.StartsWith(SourceAccessKey.Prefix, accessKey, StringComparison.Ordinal);
        var stored = Assert.Single(await Sources.ListAsync(TenantId, CancellationToken.None));
        Assert.Equal("vpc flows", stored.Name);
        Assert.Equal(SourceKind.Firehose, stored.Kind);
        Assert.Equal(["111122223333", "444455556666"], stored.AccountIds);
        Assert.Equal(SourceAccessKey.Hash(accessKey), stored.AccessKeySha256);
        Assert.Equal("admin1", stored.UpdatedBy);

        dialogs.Find(".vigil-copy-key").Click();
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll(".vigil-copied")));
        Assert.Single(JSInterop.Invocations, invocation => invocation.Identifier == "navigator.clipboard.writeText" && (string?)invocation.Arguments[0] == accessKey);

        dialogs.Find(".vigil-close-key").Click();
        page.WaitForAssertion(() => Assert.Equal("vpc flows", page.Find(".vigil-source-name").TextContent));
        Assert.DoesNotContain(accessKey, page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(accessKey, dialogs.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidAccount_ShowsErrorUnderField()
    {
        SignInAsAdmin();
        var page = RenderSources();

        page.Find(".vigil-add-source").Click();
        dialogs.Find(".vigil-field-name input").Input("vpc flows");
        dialogs.Find(".vigil-field-accounts textarea").Input("12345");
        dialogs.Find(".vigil-field-flow-format textarea").Input("${version} ${bogus}");
        dialogs.Find(".vigil-save-source").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("exactly 12 digits", dialogs.Find(".vigil-field-accounts").TextContent, StringComparison.Ordinal));
        Assert.Contains("\"${bogus}\" is not a flow log field", dialogs.Find(".vigil-field-flow-format").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("required", dialogs.Find(".vigil-field-name").TextContent, StringComparison.Ordinal);
        Assert.Empty(await Sources.ListAsync(TenantId, CancellationToken.None));
    }

    [Fact]
    public async Task S3Notifications_ValidatesBucketAndQueue()
    {
        SignInAsAdmin();
        var page = RenderSources();

        page.Find(".vigil-add-source").Click();
        dialogs.Find(".vigil-kind-s3notifications input").Click();
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll(".vigil-field-queue-url input")));
        dialogs.Find(".vigil-field-name input").Input("trail");
        dialogs.Find(".vigil-field-accounts textarea").Input("111122223333");
        dialogs.Find(".vigil-field-bucket input").Input("my..bucket");
        dialogs.Find(".vigil-field-queue-url input").Input("https://sqs.us-east-1.amazonaws.com/111122223333/");
        dialogs.Find(".vigil-save-source").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("two adjacent periods", dialogs.Find(".vigil-field-bucket").TextContent, StringComparison.Ordinal));
        Assert.Contains("does not end with a queue name", dialogs.Find(".vigil-field-queue-url").TextContent, StringComparison.Ordinal);
        Assert.Empty(await Sources.ListAsync(TenantId, CancellationToken.None));

        dialogs.Find(".vigil-field-bucket input").Input("org-trail-logs");
        dialogs.Find(".vigil-field-queue-url input").Input("https://sqs.us-east-1.amazonaws.com/111122223333/vigil-events");
        dialogs.Find(".vigil-save-source").Click();

        page.WaitForAssertion(() => Assert.Equal("S3 notifications (SQS)", page.Find(".vigil-source-kind").TextContent));
        var stored = Assert.Single(await Sources.ListAsync(TenantId, CancellationToken.None));
        Assert.Equal("org-trail-logs", stored.Bucket);
        Assert.Equal("https://sqs.us-east-1.amazonaws.com/111122223333/vigil-events", stored.QueueUrl);
        Assert.Null(stored.AccessKeySha256);
        Assert.Empty(dialogs.FindAll(".vigil-access-key"));
    }

    [Fact]
    public async Task Delete_AfterConfirmation_RemovesSource()
    {
        SignInAsAdmin();
        await AddSourceAsync("vpc flows", SourceKind.Firehose, "111122223333");
        var page = RenderSources();

        page.Find(".vigil-delete-source").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Delete the source vpc flows", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(button => button.TextContent.Trim() == "Delete").Click();

        page.WaitForAssertion(() => Assert.Contains("No sources yet", page.Find(".vigil-empty").TextContent, StringComparison.Ordinal));
        Assert.Empty(await Sources.ListAsync(TenantId, CancellationToken.None));
    }

    private void SignInAsAdmin()
    {
        Authorization.SetAuthorized("admin1");
        Authorization.SetRoles(ConsoleRoles.TenantAdmin);
        Authorization.SetClaims(new System.Security.Claims.Claim(ConsoleClaimTypes.Tenant, TenantId));
    }

    /// <summary>The dialog provider renders the dialogs, so dialog fields are found in <see cref="dialogs"/>, not in the page.</summary>
    private IRenderedComponent<MudDialogProvider> dialogs = default!;

    private IRenderedComponent<SourceList> RenderSources()
    {
        dialogs = Render<MudDialogProvider>();
        return RenderPage<SourceList>();
    }

    private async Task<SourceDefinition> AddSourceAsync(string name, SourceKind kind, params string[] accounts)
    {
        var source = new SourceDefinition
        {
            Id = Guid.NewGuid(),
            TenantId = TenantId,
            Name = name,
            Kind = kind,
            AccountIds = accounts,
            UpdatedAt = DateTimeOffset.UtcNow,
            UpdatedBy = "admin1",
        };
        await Sources.SaveAsync(source, CancellationToken.None);
        return source;
    }
}
