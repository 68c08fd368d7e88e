using Vigil.Console.Administration;
using Vigil.Contracts.Storage;

namespace Vigil.Console.Tests;

public sealed class AuditDiffTests
{
    [Fact]
    public void Created_ListsOnlyFieldsWithValues()
    {
        var changes = AuditDiff.Compute(null, """{"userName":"ana","role":"analyst","lockedUntil":null,"revokedAt":null}""");

        Assert.Equal(["userName", "role"], changes.Select(change => change.Field));
        Assert.All(changes, change => Assert.Null(change.Before));
        Assert.Equal("ana", changes[0].After);
    }

    [Fact]
    public void FieldClearedToNull_ShowsAsRemoved()
    {
        var changes = AuditDiff.Compute("""{"role":"analyst","lockedUntil":"2026-12-05T10:00:00Z"}""", """{"role":"analyst","lockedUntil":null}""");

        var change = Assert.Single(changes);
        Assert.Equal("lockedUntil", change.Field);
        Assert.Equal("2026-12-05T10:00:00Z", change.Before);
        Assert.Null(change.After);
    }

    [Fact]
    public void UnchangedDocument_HasNoChanges()
    {
        const string document = """{"name":"trusted","entries":3,"note":null}""";

        Assert.Empty(AuditDiff.Compute(document, document));
    }

    [Fact]
    public void AuditJson_NamesEnumerationValues()
    {
        var json = AuditWriter.ToJson(new { kind = ExportDestinationKind.Syslog, format = ExportDocumentFormat.Ocsf });

        Assert.Equal("""{"kind":"Syslog","format":"Ocsf"}""", json);
        var change = Assert.Single(AuditDiff.Compute(null, json), change => change.Field == "kind");
        Assert.Equal("Syslog", change.After);
    }
}
