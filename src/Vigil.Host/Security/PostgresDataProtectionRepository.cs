using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Vigil.Host.Security;

/// <summary>
/// Keeps the Data Protection key ring in the <c>data_protection_keys</c> table, so every silo
/// decrypts the sign-in cookies and antiforgery tokens that any other silo issued.
/// </summary>
/// <remarks>
/// NOTE: the keys are stored unencrypted; anyone who can read the database can forge console
/// sessions. The database already contains everything the console shows, so it is the same trust boundary.
/// </remarks>
public sealed class PostgresDataProtectionRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = dataSource.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY created_at, friendly_name");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = dataSource.CreateCommand(
            "INSERT INTO data_protection_keys (friendly_name, xml) VALUES ($1, $2) ON CONFLICT (friendly_name) DO UPDATE SET xml = excluded.xml");
        command.Parameters.AddWithValue(friendlyName);
        command.Parameters.AddWithValue(element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}
