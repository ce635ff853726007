// What the tests of real engine processes share: a temporary directory for their journals and configs, and the
// processes (and clients) they start, disposed newest first when the test ends, so every process dies with its test.
using Exchange.Testing;

namespace Exchange.System.Tests;

public abstract class ProcessTest(string prefix) : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    protected TempDirectory Root { get; } = new(prefix);

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_owned)) d.Dispose();
        Root.Dispose();
    }

    protected T Own<T>(T d) where T : IDisposable { _owned.Add(d); return d; }

    protected string Dir(string name) => Root.Combine(name);
}
