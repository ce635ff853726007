// The processes' status lines ('status sequence=12 stateHash=ab… sessions=2 …'), read by the tests that wait on them.
namespace Exchange.Testing;

public static class StatusLines
{
    /// <summary>key=value from a status line; a key the line lacks is an error naming the line.</summary>
    public static string Field(string line, string key)
    {
        foreach (string part in line.Split(' '))
            if (part.StartsWith(key + "=", StringComparison.Ordinal)) return part[(key.Length + 1)..];
        throw new KeyNotFoundException($"no {key} in '{line}'");
    }
}
