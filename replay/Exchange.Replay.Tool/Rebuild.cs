// rebuild: the engine state at a sequence, by the same path a starting engine takes (newest valid snapshot, then
// the journal after it), through the real engine. book shares its replay and its options.
using System.CommandLine;
using Exchange.Contract;
using Exchange.Engine.Recovery;
using Exchange.Engine;
using Exchange.Hosting;
using Exchange.Journal;

namespace Exchange.Replay.Tool;

internal static class Rebuild
{
    public static Option<bool> NoSnapshots() => new("--no-snapshots") { Description = "replay the whole journal, ignoring snapshots" };

    public static Option<string?> Config() => new("--config")
    {
        Description = "the shard config exchange-engine was started with (its symbols' names; the capacities stay DIR/engine.json's), " +
            "or an engine config in engine.json's form to replay under (default: DIR/engine.json)",
        HelpName = "FILE",
    };

    public static Command Command()
    {
        var directory = Commands.Directory();
        var toSeq = Cli.Integer("--to-seq", "stop after sequence N", 0L, long.MaxValue);
        var noSnapshots = NoSnapshots();
        var snapshot = new Option<string?>("--snapshot") { Description = "write a snapshot of the rebuilt state to FILE (the format of DIR/snapshots)", HelpName = "FILE" };
        var config = Config();
        var json = Commands.Json();
        var command = new Command("rebuild", """
            Rebuilds the engine state from the newest valid snapshot in DIR/snapshots (or the start of the journal)
            by replaying through the real engine, to the end or to sequence N, and prints the state hash (as
            `exchange-perf book` does), counts, and where it started (and any snapshots skipped, with why).
            """) { directory, toSeq, noSnapshots, snapshot, config, json };
        command.SetAction(r =>
        {
            string dir = Commands.JournalDirectory(r.GetValue(directory)!);
            return Run(dir, r.GetValue(toSeq) ?? long.MaxValue, ReplayConfig.Load(dir, r.GetValue(config)).Engine, !r.GetValue(noSnapshots), r.GetValue(snapshot), r.GetValue(json));
        });
        return command;
    }

    private static int Run(string directory, long toSeq, EngineConfig config, bool useSnapshots, string? snapshotFile, bool asJson)
    {
        if (snapshotFile != null && Directory.Exists(snapshotFile)) throw new UsageException($"--snapshot {snapshotFile} is a directory; give a file name");
        using var output = new Output();

        var (engine, report) = Replay(directory, config, toSeq, useSnapshots, "rebuild");
        long hash = engine.StateHash();
        // The last record replayed, which a malformed input may leave ahead of the engine's own last sequence.
        long last = report.Replayed.LastSequence;
        SnapshotInfo? written = snapshotFile != null ? WriteSnapshot(snapshotFile, engine, last, hash) : null;

        int symbols = 0;
        for (int s = 0; s < config.MaxSymbols; s++)
            if (engine.TryGetSymbol(s, out _, out _)) symbols++;
        int accounts = engine.AccountIds().Count;
        string? shortOf = toSeq != long.MaxValue && last < toSeq ? $"the journal ends at sequence {last}, before {toSeq}" : null;

        if (asJson)
        {
            var json = output.Json;
            json.WriteStartObject();
            json.WriteString("stateHash", hash.ToString("x16"));
            json.WriteNumber("lastSequence", last);
            json.WriteNumber("recordsReplayed", report.Replayed.Records);
            json.WriteNumber("malformed", report.Replayed.Malformed);
            json.WriteNumber("openOrders", engine.OpenOrderCount);
            json.WriteNumber("accounts", accounts);
            json.WriteNumber("symbols", symbols);
            json.WriteString("start", report.Snapshot == null ? "journal" : "snapshot");
            if (report.Snapshot != null)
            {
                json.WriteString("snapshot", report.Snapshot.Path);
                json.WriteNumber("snapshotSequence", report.Snapshot.Sequence);
            }
            json.WriteStartArray("skippedSnapshots");
            foreach (string skipped in report.SkippedSnapshots) json.WriteStringValue(skipped);
            json.WriteEndArray();
            if (written != null) json.WriteString("snapshotWritten", written.Path);
            if (shortOf != null) json.WriteString("note", shortOf);
            if (report.Replayed.StoppedAt != null) json.WriteString("stoppedAt", report.Replayed.StoppedAt);
            json.WriteEndObject();
        }
        else
        {
            var text = output.Text;
            text.WriteLine($"stateHash {hash:x16}");
            text.WriteLine($"  at sequence {last}: {report.Replayed.Records:N0} records replayed, {report.Replayed.Malformed:N0} malformed (skipped)");
            text.WriteLine($"  open orders {engine.OpenOrderCount:N0}, accounts {accounts:N0} (fee account included), symbols {symbols}");
            text.WriteLine(report.Snapshot == null ? "  started from the start of the journal (full replay)"
                : $"  started from snapshot {report.Snapshot.Path} at sequence {report.Snapshot.Sequence}");
            foreach (string skipped in report.SkippedSnapshots) text.WriteLine($"  skipped snapshot {skipped}");
            if (shortOf != null) text.WriteLine($"  note: {shortOf}");
            if (written != null) text.WriteLine($"  snapshot written to {written.Path}");
        }
        output.Dispose();
        return Commands.Stopped(directory, report.Replayed.StoppedAt, "rebuild");
    }

    public static (MatchingEngine<DiscardOutput> Engine, RebuildReport Report) Replay(string directory, EngineConfig config, long toSeq, bool useSnapshots, string verb)
    {
        using var progress = new Progress(verb);
        long start = 0;
        // StateRebuild reports every 65,536 records by sequence; records are counted from the first report.
        return StateRebuild.Run(directory, config, default(DiscardOutput), toSeq, useSnapshots, seq =>
        {
            if (start == 0) start = seq - 0x10000;
            progress.Report(seq, seq - start);
        });
    }

    /// <summary>Writes the state in SnapshotStore's format (so it can be dropped into a journal's snapshots/): through
    /// a store in a private directory next to the file, then renamed, so no existing snapshot is touched.</summary>
    private static SnapshotInfo WriteSnapshot(string file, MatchingEngine<DiscardOutput> engine, long sequence, long hash)
    {
        string full = Path.GetFullPath(file);
        string parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".exchange-replay-{Environment.ProcessId}");
        try
        {
            var snapshot = engine.Capture();
            var info = new SnapshotStore(staging).Write(sequence, hash, snapshot.WriteTo);
            File.Move(info.Path, full, overwrite: true);
            return info with { Path = full };
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }
}
