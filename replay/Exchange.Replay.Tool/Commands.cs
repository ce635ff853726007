// The subcommands: name, help text, the options each accepts, and what runs it.
using Exchange.Contract;
using Exchange.Engine.Recovery;
using Exchange.Engine;
using Exchange.Journal;

namespace Exchange.Replay.Tool;

internal sealed record Command(string Name, string Usage, string[] Valued, string[] Flags, Func<Arguments, Output, int> Run);

internal static class Commands
{
    public static readonly Command[] All =
    [
        new("dump", """
            usage: exchange-replay dump DIR [filters] [--json]

            One line per record: sequence, timestamp (ISO-8601 UTC and raw ns), message type and the decoded
            command's fields; with --json one JSON object per line.

              --from-seq N      first sequence (sought through the sparse index)
              --to-seq N        last sequence
              --from-time T     records stamped at or after T (ns since the epoch, or ISO-8601, UTC by default)
              --to-time T       records stamped at or before T
              --type NAME|ID    only this message type (NewOrder, CancelOrder, ReplaceOrder, MassCancel, AddAccount,
                                AddSymbol, HaltSymbol, ResumeSymbol, Deposit, Withdraw, or a template id)
              --account A       only commands of this account
              --symbol S        only commands naming this symbol id
            """, ["from-seq", "to-seq", "from-time", "to-time", "type", "account", "symbol"], [], Dump.Run),
        new("verify", """
            usage: exchange-replay verify DIR [--json]

            Reads every segment without changing anything and checks: segment headers, every record's CRC, sequence
            continuity within and across segments, the closed marker on every segment but the last, that each index
            entry points at a record of its sequence, and that payloads decode as commands (malformed ones are
            counted). An unreadable tail is reported, not recovered. Exit 0 if clean, 1 with every fault listed.
            """, [], [], Verify.Run),
        new("rebuild", """
            usage: exchange-replay rebuild DIR [--to-seq N] [--no-snapshots] [--snapshot FILE] [--config FILE] [--json]

            Rebuilds the engine state from the newest valid snapshot in DIR/snapshots (or the start of the journal)
            by replaying through the real engine, to the end or to sequence N, and prints the state hash (as
            `exchange-perf book` does), counts, and where it started (and any snapshots skipped, with why).

              --to-seq N        stop after sequence N
              --no-snapshots    replay the whole journal, ignoring snapshots
              --snapshot FILE   write a snapshot of the rebuilt state to FILE (the format of DIR/snapshots)
              --config FILE     engine config to replay under (default: DIR/engine.json)
            """, ["to-seq", "snapshot", "config"], ["no-snapshots"], Rebuild.Run),
        new("book", """
            usage: exchange-replay book DIR SYMBOL --at-seq N [--depth K] [--no-snapshots] [--config FILE] [--json]

            Rebuilds the state after sequence N and prints the symbol's price levels, best first on each side, with
            quantity and order count.

              --at-seq N        the sequence to rebuild to (required)
              --depth K         levels per side (default 10)
              --no-snapshots    replay the whole journal, ignoring snapshots
              --config FILE     engine config to replay under (default: DIR/engine.json)
            """, ["at-seq", "depth", "config"], ["no-snapshots"], Book.Run),
        new("diff", """
            usage: exchange-replay diff DIR_A DIR_B [--json]

            Compares two journals (say primary and standby) record by record: the first sequence where they differ
            in type, version, timestamp or payload, or that one is a prefix of the other. Exit 0 if identical,
            1 otherwise.
            """, [], [], Diff.Run),
        new("stats", """
            usage: exchange-replay stats DIR [--bucket SECONDS] [--json]

            Records per message type (and malformed ones), and the input rate over time: records per bucket of
            sequencer time.

              --bucket SECONDS  width of a rate bucket (default 1; fractions allowed)
            """, ["bucket"], [], Stats.Run),
        new("recover", """
            usage: exchange-replay recover DIR [--repair] [--force-empty] [--json]

            Opens the journal as the engine does on start-up and reports what that did: a torn tail left by a crash
            is discarded (and reported with file, offset and bytes); damage with valid records after it stops with
            the file, offset and sequence (exit 1) unless --repair truncates the journal there, discarding every
            record after it; a journal holding fewer records than its checkpoint says were durable stops (exit 1)
            unless --force-empty (or --repair) accepts the loss. The only command that changes a journal.

              --repair          truncate at damage instead of refusing
              --force-empty     accept that records the checkpoint names are missing, and continue from the journal
            """, [], ["repair", "force-empty"], Recover.Run),
    ];

    public static Command? Find(string name) => Array.Find(All, c => c.Name == name);

    /// <summary>A directory that holds journal segments, or a usage error saying why not.</summary>
    public static string JournalDirectory(string directory)
    {
        if (!Directory.Exists(directory)) throw new UsageException($"{directory}: no such directory");
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

    public static EngineConfig Config(string directory, string? configFile) =>
        configFile != null ? EngineConfigFile.ReadFile(configFile) : EngineConfigFile.Read(directory);
}
