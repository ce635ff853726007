// The project's server scripts (ops/servers/) of the checkout a test was built from.
namespace Exchange.Testing;

public static class ServerScripts
{
    /// <summary>ops/servers/<paramref name="name"/> above the test's directory.</summary>
    public static string Path(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string script = System.IO.Path.Combine(dir.FullName, "ops", "servers", name);
            if (File.Exists(script)) return script;
        }
        throw new InvalidOperationException($"no ops/servers/{name} above {AppContext.BaseDirectory}");
    }
}
