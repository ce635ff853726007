// A clone of this repository's committed state into an empty directory (so nothing is beside it: no ../shared, no
// data), with its executables published the way a newcomer does it: ./build.sh publish. Shared by the tests of a
// class, since publishing takes minutes.
using Exchange.Testing;

namespace Exchange.Repo.Tests;

public sealed class FreshClone : IDisposable
{
    private readonly TempDirectory _parent = new("exchange-clone-");

    public FreshClone()
    {
        Root = System.IO.Path.Combine(_parent.Path, "exchange");
        var clone = ChildProcess.Run(ChildProcess.Start("git", ["clone", "--quiet", "--no-hardlinks", Repository.Root, Root]));
        if (clone.ExitCode != 0) throw new InvalidOperationException($"git clone failed: {clone}");
        Publish = ChildProcess.Run(ChildProcess.Start("./build.sh", ["publish"], workingDirectory: Root), TimeSpan.FromMinutes(20));
    }

    /// <summary>The clone's directory; its parent holds nothing else.</summary>
    public string Root { get; }
    /// <summary>What ./build.sh publish printed in the clone.</summary>
    public ProcessResult Publish { get; }

    public string InClone(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public void Dispose() => _parent.Dispose();
}

/// <summary>Where this repository is: the directory above the test assembly holding Exchange.sln and .git.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Exchange.sln")) && Directory.Exists(System.IO.Path.Combine(dir.FullName, ".git")))
                return dir.FullName;
        throw new InvalidOperationException($"no repository above {AppContext.BaseDirectory}");
    }
}
