// rebuild and book: the engine state at a sequence, by the same path a starting engine takes (newest valid
// snapshot, then the journal after it), through the real engine.
using Exchange.Contract;
using Exchange.Engine.Recovery;
using Exchange.Engine;
using Exchange.Journal;

namespace Exchange.Replay.Tool;

internal static class Rebuild
{
    public static int Run(Arguments args, Output output)
    {
        string directory = Commands.JournalDirectory(args.Expect("rebuild", "DIR")[0]);
        long toSeq = args.GetLong("to-seq", min: 0) ?? long.MaxValue;
        var config = Commands.Config(directory, args.Get("config"));
        string? snapshotFile = args.Get("snapshot");
        if (snapshotFile != null && Directory.Exists(snapshotFile)) throw new UsageException($"--snapshot {snapshotFile} is a directory; give a file name");

        var (engine, report) = Replay(directory, config, toSeq, !args.Flag("no-snapshots"), "rebuild");
        long hash = engine.StateHash();
        // The last record replayed, which a malformed input may leave ahead of the engine's own last sequence.
        long last = report.Replayed.LastSequence;
        SnapshotInfo? written = snapshotFile != null ? WriteSnapshot(snapshotFile, engine, last, hash) : null;

        int symbols = 0;
        for (int s = 0; s < config.MaxSymbols; s++)
            if (engine.TryGetSymbol(s, out _, out _)) symbols++;
        int accounts = engine.AccountIds().Count;
        string? shortOf = toSeq != long.MaxValue && last < toSeq ? $"the journal ends at sequence {last}, before {toSeq}" : null;

        if (args.Flag("json"))
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

internal static class Book
{
    public static int Run(Arguments args, Output output)
    {
        var positionals = args.Expect("book", "DIR", "SYMBOL");
        string directory = Commands.JournalDirectory(positionals[0]);
        if (!int.TryParse(positionals[1], out int symbol) || symbol < 0) throw new UsageException($"SYMBOL must be a symbol id (a non-negative integer), not '{positionals[1]}'");
        long atSeq = args.GetLong("at-seq", min: 0) ?? throw new UsageException("book needs --at-seq N");
        long depth = args.GetLong("depth", min: 1) ?? 10;
        var config = Commands.Config(directory, args.Get("config"));

        var (engine, report) = Rebuild.Replay(directory, config, atSeq, !args.Flag("no-snapshots"), "book");
        long at = report.Replayed.LastSequence;
        if (!engine.TryGetSymbol(symbol, out _, out var status))
            throw new UsageException($"symbol {symbol} does not exist at sequence {at}");
        var bids = engine.Levels(symbol, Side.Buy);
        var asks = engine.Levels(symbol, Side.Sell);
        if (args.Flag("json"))
        {
            var json = output.Json;
            json.WriteStartObject();
            json.WriteNumber("symbol", symbol);
            json.WriteNumber("sequence", at);
            json.WriteString("status", status.ToString());
            json.WriteString("stateHash", engine.StateHash().ToString("x16"));
            json.WriteNumber("bidLevels", bids.Count);
            json.WriteNumber("askLevels", asks.Count);
            WriteSide(json, "bids", bids, depth);
            WriteSide(json, "asks", asks, depth);
            json.WriteEndObject();
        }
        else
        {
            var text = output.Text;
            text.WriteLine($"symbol {symbol} at sequence {at} ({status}): {bids.Count} bid levels, {asks.Count} ask levels");
            foreach (var (name, levels) in (ReadOnlySpan<(string, IReadOnlyList<LevelView>)>)[("bids", bids), ("asks", asks)])
            {
                text.WriteLine($"  {name} (best first){(levels.Count == 0 ? ": none" : "")}");
                if (levels.Count > 0) text.WriteLine($"  {"level",7} {"price",20} {"quantity",20} {"orders",8}");
                for (int i = 0; i < Math.Min(depth, levels.Count); i++)
                    text.WriteLine($"  {i + 1,7} {levels[i].Price,20} {levels[i].Quantity,20} {levels[i].OrderCount,8}");
            }
        }
        output.Dispose();
        return Commands.Stopped(directory, report.Replayed.StoppedAt, "book");
    }

    private static void WriteSide(System.Text.Json.Utf8JsonWriter json, string name, IReadOnlyList<LevelView> levels, long depth)
    {
        json.WriteStartArray(name);
        for (int i = 0; i < Math.Min(depth, levels.Count); i++)
        {
            json.WriteStartObject();
            json.WriteNumber("price", levels[i].Price);
            json.WriteNumber("quantity", levels[i].Quantity);
            json.WriteNumber("orders", levels[i].OrderCount);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
