using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using Vigil.Console.Components.Pages;
using Vigil.Contracts.Storage;
using Vigil.Detection.Findings;
using Vigil.Detection.Intel;
using Vigil.Testing;

namespace Vigil.Console.Tests;

/// <summary>The Lists page on the real list, finding and audit stores.</summary>
public sealed class ListsPageTests : DatabaseComponentTest, IClassFixture<PostgresFixture>
{
    private const string BadLines = "# partner ranges\n198.51.100.7\n010.1.1.1\n203.0.113.0/24\n198.51.100.9/29\nbad.example.net\n<script>alert(1)</script>\n";

    private IRenderedComponent<MudDialogProvider> dialogs = default!;

    public ListsPageTests(PostgresFixture database)
        : base(database)
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public async Task Analyst_SeesStatusAndInvalidLinesWithoutEditButtons()
    {
        var name = NewName();
        await ImportAsync(TenantId, name, BadLines);

        var page = RenderLists();
        page.WaitForElement(".vigil-select-list", Loaded);
        page.FindAll(".vigil-select-list").Single(button => button.TextContent.Trim() == name).Click();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll(".vigil-invalid-line").Count), Loaded);
        Assert.Equal(["3", "5", "7"], page.FindAll(".vigil-invalid-line-number").Select(cell => cell.TextContent));
        Assert.Contains("198.51.100.8/29", page.FindAll(".vigil-invalid-line-reason")[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("<script>alert(1)</script>", page.FindAll(".vigil-invalid-line-text")[2].TextContent);
        Assert.Empty(page.FindAll(".vigil-invalid-line-text script"));
        Assert.Contains(page.FindAll(".vigil-list-status"), cell => cell.TextContent.Contains(ListStatus.Activating, StringComparison.Ordinal));
        Assert.Single(page.FindAll(".vigil-list-versions-table tbody tr"));
        Assert.Empty(page.FindAll(".vigil-upload-list"));
        Assert.Empty(page.FindAll(".vigil-delete-list"));
        Assert.Empty(page.FindAll(".vigil-platform-lists"));
    }

    [Fact]
    public async Task Admin_UploadsFileWithBadLines_StoresAndListsThem()
    {
        SignInAs("admin1", ConsoleRoles.TenantAdmin);
        var name = NewName();
        var page = RenderLists();

        page.WaitForElement(".vigil-upload-list", Loaded).Click();
        dialogs.WaitForElement(".vigil-field-list-name input", Loaded).Input(name);
        dialogs.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(BadLines, "partners.txt"));
        dialogs.WaitForAssertion(() => Assert.Contains("partners.txt", dialogs.Find(".vigil-chosen-file").TextContent, StringComparison.Ordinal), Loaded);
        dialogs.Find(".vigil-save-list").Click();

        page.WaitForAssertion(() => Assert.Contains("3 entries loaded, 3 invalid", page.Find(".vigil-lists-notice").TextContent, StringComparison.Ordinal), Loaded);
        page.WaitForAssertion(() => Assert.Equal(["3", "5", "7"], page.FindAll(".vigil-invalid-line-number").Select(cell => cell.TextContent)), Loaded);
        var stored = await Lists.FindAsync(TenantId, name, CancellationToken.None);
        Assert.Equal(BadLines, stored?.Content);
        Assert.Equal("admin1", stored?.UpdatedBy);
        var entry = Assert.Single(await Audit.ListAsync(TenantId, new AuditQuery { ObjectType = "list", ObjectId = name }, CancellationToken.None));
        Assert.Equal("created", entry.Entry.Action);
        Assert.Null(entry.Entry.Before);
        using var after = System.Text.Json.JsonDocument.Parse(entry.Entry.After!);
        Assert.Equal(stored!.Sha256, after.RootElement.GetProperty("sha256").GetString());
        Assert.Equal(3, after.RootElement.GetProperty("rejectedCount").GetInt32());
    }

    [Fact]
    public async Task Admin_UploadsTooLargeFile_ErrorAndNothingStored()
    {
        SignInAs("admin1", ConsoleRoles.TenantAdmin);
        var name = NewName();
        var page = RenderLists();

        page.WaitForElement(".vigil-upload-list", Loaded).Click();
        dialogs.WaitForElement(".vigil-field-list-name input", Loaded).Input(name);
        dialogs.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(new string('1', 70 * 1024), "huge.txt"));
        dialogs.Find(".vigil-save-list").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("at most 65,536", dialogs.Find(".vigil-error-file").TextContent, StringComparison.Ordinal), Loaded);
        Assert.Null(await Lists.FindAsync(TenantId, name, CancellationToken.None));
    }

    [Fact]
    public async Task Admin_ReadsFromS3_ShowsSourceAndMissingObjectError()
    {
        SignInAs("admin1", ConsoleRoles.TenantAdmin);
        var name = NewName();
        S3.Objects["s3://acme-intel/office.txt"] = "203.0.113.10\n";
        var page = RenderLists();

        page.WaitForElement(".vigil-s3-list", Loaded).Click();
        dialogs.WaitForElement(".vigil-field-list-name input", Loaded).Input(name);
        dialogs.Find(".vigil-field-list-url input").Input("s3://acme-intel/missing.txt");
        dialogs.Find(".vigil-save-list").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("NoSuchKey", dialogs.Find(".vigil-field-list-url").TextContent, StringComparison.Ordinal), Loaded);
        dialogs.Find(".vigil-field-list-url input").Input("s3://acme-intel/office.txt");
        dialogs.Find(".vigil-save-list").Click();

        page.WaitForAssertion(() => Assert.Contains("s3://acme-intel/office.txt, every 60 min", page.Markup, StringComparison.Ordinal), Loaded);
        var stored = await Lists.FindAsync(TenantId, name, CancellationToken.None);
        Assert.Equal("s3://acme-intel/office.txt", stored?.Source);
        Assert.Equal(1, stored?.EntryCount);
    }

    [Fact]
    public async Task Admin_ActivatesTrustedList_RaisesFindingAndAudits()
    {
        SignInAs("admin1", ConsoleRoles.TenantAdmin);
        var name = NewName();
        await new ListCatalogue(Lists, Findings, TimeProvider.System).ImportAsync(
            new ListImportRequest(TenantId, name, "203.0.113.99\n", "txt", "trusted", "admin1") { Activate = false }, CancellationToken.None);
        var page = RenderLists();

        page.WaitForAssertion(() => Assert.Contains(page.FindAll(".vigil-lists-table tbody tr"), row => row.TextContent.Contains(name, StringComparison.Ordinal)), Loaded);
        page.FindAll(".vigil-lists-table tbody tr").Single(row => row.TextContent.Contains(name, StringComparison.Ordinal)).QuerySelector(".vigil-activate-list")!.Click();

        page.WaitForAssertion(() => Assert.Contains($"{name} is activating", page.Find(".vigil-lists-notice").TextContent, StringComparison.Ordinal), Loaded);
        Assert.Equal(ListStatus.Activating, (await Lists.FindAsync(TenantId, name, CancellationToken.None))?.Status);
        var finding = await FindingOfTypeAsync(TenantId, TrustedListChangeFinding.FindingType);
        Assert.Equal(name, finding?.Service.AdditionalInfo!["listName"]);
        var entry = (await Audit.ListAsync(TenantId, new AuditQuery { ObjectType = "list", ObjectId = name }, CancellationToken.None))[0];
        Assert.Equal("activated", entry.Entry.Action);
        using var before = System.Text.Json.JsonDocument.Parse(entry.Entry.Before!);
        using var after = System.Text.Json.JsonDocument.Parse(entry.Entry.After!);
        Assert.Equal(ListStatus.Inactive, before.RootElement.GetProperty("status").GetString());
        Assert.Equal(ListStatus.Activating, after.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task OtherTenantsLists_Hidden()
    {
        var name = NewName();
        var own = NewName();
        await ImportAsync(OtherTenantId, name, "198.51.100.7\n");
        await ImportAsync(TenantId, own, "198.51.100.7\n");

        var page = RenderLists();

        page.WaitForAssertion(() => Assert.Contains(own, page.Find(".vigil-lists-table").TextContent, StringComparison.Ordinal), Loaded);
        Assert.DoesNotContain(name, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operator_SeesPlatformLists()
    {
        SignInAs("operator1", ConsoleRoles.PlatformOperator);
        var name = NewName();
        await PlatformLists.DefineAsync(new PlatformListDefinition
        {
            Name = name,
            Purpose = "scanner",
            Format = "txt",
            Source = "https://feeds.example.net/scanners.txt",
            RefreshInterval = TimeSpan.FromHours(1),
        }, true, "operator1", CancellationToken.None);

        var page = RenderLists();

        page.WaitForAssertion(() => Assert.Contains(page.FindAll(".vigil-platform-purpose"), cell => cell.TextContent == "scanner"), Loaded);
        Assert.Contains(name, page.Find(".vigil-platform-lists-table").TextContent, StringComparison.Ordinal);
    }

    private static string NewName() => "list-" + Guid.NewGuid().ToString("N")[..8];

    private Task ImportAsync(string tenantId, string name, string content) =>
        new ListCatalogue(Lists, Findings, TimeProvider.System).ImportAsync(new ListImportRequest(tenantId, name, content, "txt", "threat", "cli:test"), CancellationToken.None);

    private IRenderedComponent<ListsPage> RenderLists()
    {
        dialogs = Render<MudDialogProvider>();
        return RenderPage<ListsPage>();
    }
}
