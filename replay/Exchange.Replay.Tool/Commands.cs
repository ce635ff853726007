// What the subcommands share: the journal directory they name, --json, and how they end when reading stopped early.
using System.CommandLine;
using Exchange.Hosting;
using Exchange.Journal;

namespace Exchange.Replay.Tool;

internal static class Commands
{
    public static Argument<string> Directory(string name = "DIR") => new(name) { Description = "a journal directory (its segments, engine.json and snapshots/)" };

    public static Option<bool> Json(string what = "one JSON object instead of text") => new("--json") { Description = what };

    /// <summary>A directory that holds journal segments, or a usage error saying why not.</summary>
    public static string JournalDirectory(string directory)
    {
        if (!System.IO.Directory.Exists(directory)) throw new UsageException($"{directory}: no such directory");
        if (SegmentDirectory.List(directory).Count == 0) throw new UsageException($"{directory}: no journal segments (*{JournalFormat.SegmentExtension}) here");
        return directory;
    }

    /// <summary>After reading stopped at an unreadable record in the newest segment, which the reader has already
    /// told apart from damage (that throws): a torn tail a crash left and no writer has recovered yet. Worth a
    /// warning, not a failure. Returns the exit code.</summary>
    public static int Stopped(string directory, string? stoppedAt, string verb)
    {
        if (stoppedAt == null) return 0;
        Console.Error.WriteLine($"exchange-replay: {verb} stopped at a torn tail in {directory} (not yet recovered by a writer): {stoppedAt}");
        return 0;
    }
}
