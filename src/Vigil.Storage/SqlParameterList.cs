using Npgsql;
using NpgsqlTypes;

namespace Vigil.Storage;

/// <summary>
/// Collects the parameters of a statement built from parts and hands out their placeholders
/// (<c>@p0</c>, <c>@p1</c>, ...), so values never become SQL text.
/// </summary>
internal sealed class SqlParameterList
{
    private readonly List<NpgsqlParameter> parameters = [];

    public string Add<T>(T value)
    {
        var name = "p" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parameters.Add(new NpgsqlParameter<T>(name, value));
        return "@" + name;
    }

    public string Add(object value, NpgsqlDbType type)
    {
        var name = "p" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        return "@" + name;
    }

    /// <summary>Copies the parameters into a command; each command needs its own parameter objects.</summary>
    public void CopyTo(NpgsqlParameterCollection target)
    {
        foreach (var parameter in parameters)
        {
            target.Add(parameter.Clone());
        }
    }
}
