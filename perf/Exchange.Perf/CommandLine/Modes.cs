// The in-process modes of exchange-perf (book, gen-orders, journal, replay, snapshot, stream, compare; e2e and fanout
// have files of their own): each
// declares every option it takes, so anything else on its command line is refused, and prints its results.
using System.CommandLine;
using System.Text.Json;
using Exchange.Hosting;
using Exchange.Journal;

namespace Exchange.Perf.CommandLine;

internal static class Modes
{
    private static readonly string[] Durabilities = ["none", "batch", "always"];

    public static IEnumerable<Command> All() =>
        [Book(), GenerateOrders(), JournalAppend(), Fsync(), Replay(), Snapshot(), Stream(), StreamReceive(), E2e.E2eCommand.Create(), FanOut.FanOutCommand.Create(), Export.ExportCommand.Create(), Failover.FailoverCommand.Create(), Compare()];

    private static Command Book()
    {
        var orders = Flags.ExistingFile("--orders", "an order-flow file: lines 'A <id> <B|S> <price> <qty>' and 'C <id>' (and icebergs " +
            "'I <id> <B|S> <price> <qty> <display>', stop-limit orders 'T <id> <B|S> <stop> <limit> <qty>')");
        var lobster = Flags.ExistingFile("--lobster", "a LOBSTER message file instead (types 1-4; 5-7 skipped)");
        var runs = Flags.Int("--runs", "timed and untimed passes, each from a fresh engine", 5, min: 1);
        var journal = Flags.Text("--journal", "one more pass that journals every input to DIR (holding no journal) as the engine does, " +
            "so `exchange-replay rebuild DIR` gives the same stateHash", "DIR");
        var durability = Flags.OneOf("--durability", "with --journal: when appends are made durable", "batch", Durabilities);
        var commitEvery = Flags.Int("--commit-every", "with --journal: inputs per commit, i.e. per group commit", 100, min: 1);
        var lookahead = Flags.Switch("--lookahead", "hint the engine about the next inputs before applying each " +
            "(MatchingEngine.PrefetchKey and the rest); with --service, the service's own window (EngineServiceOptions.Lookahead), " +
            "which the live engine runs with");
        var service = Flags.Switch("--service", "the passes go through the engine service as the live process runs it, in process: " +
            "a session's SBE messages in polls of 64, sequenced, journaled (durability none, a temporary directory), applied, " +
            "their events encoded and routed to links that only count them; latencies are per OnMessage call");
        var journalThread = Flags.Switch("--journal-thread", "with --service: the journal faults its next pages in on a thread of its " +
            "own (the live process's --journal-sync thread) instead of the engine's stores taking a fault in each new page");
        var json = Flags.Json();
        var command = new Command("book", "replay an order flow through one book of the real engine, in process") { orders, lobster, runs, journal, durability, commitEvery, lookahead, service, journalThread, json };
        command.SetAction(r =>
        {
            string? ordersPath = r.GetValue(orders), lobsterPath = r.GetValue(lobster);
            if ((ordersPath == null) == (lobsterPath == null)) throw new UsageException("book needs exactly one of --orders FILE or --lobster FILE");
            if (r.GetValue(journalThread) && !r.GetValue(service)) throw new UsageException("--journal-thread goes with --service (the bare book has no journal)");
            int skipped = 0;
            var ops = ordersPath != null ? OrderFlow.ReadOrderFile(ordersPath) : OrderFlow.ReadLobster(lobsterPath!, out skipped);
            if (ops.Length == 0) throw new UsageException("the flow is empty");
            string source = Path.GetFileName(ordersPath ?? lobsterPath!);
            var result = r.GetValue(service)
                ? BookReplay.RunService(source, ops, r.GetValue(runs), r.GetValue(lookahead), r.GetValue(journalThread))
                : BookReplay.Run(source, ops, r.GetValue(runs), r.GetValue(lookahead));
            JournaledResult? journaled = r.GetValue(journal) is { } directory
                ? BookReplay.RunJournaled(ops, directory, ParseDurability(r.GetValue(durability)!), r.GetValue(commitEvery), result.StateHash)
                : null;
            PrintBook(result, skipped, journaled, r.GetValue(json));
            return 0;
        });
        return command;
    }

    private static Command GenerateOrders()
    {
        var output = Cli.Required<string>("--out", "the file to write");
        output.HelpName = "FILE";
        var count = Flags.Int("--count", "operations to write", 1_000_000, min: 1);
        var seed = Flags.Int("--seed", "random seed", 1);
        var stops = Flags.Int("--stops", "percent of the adds that are stop-limit orders (a mixed flow)", 0, min: 0, max: 100);
        var icebergs = Flags.Int("--icebergs", "percent of the remaining adds that are icebergs (a mixed flow)", 0, min: 0, max: 100);
        var defaults = new OrderFlow.FlowShape();
        var cancels = Flags.Int("--cancel-share", "percent of the operations that cancel an earlier order (some already filled)",
            defaults.CancelPercent, min: 0, max: OrderFlow.FlowShape.MaxCancelPercent);
        var crossing = Flags.Int("--crossing-share", "percent of the operations that are adds priced 1 to 3 ticks through the mid, " +
            "into the opposite side (at most 100 less --cancel-share)", defaults.CrossingPercent, min: 0, max: 100);
        var spread = Flags.Int("--spread-ticks", "the other adds rest 1 to N ticks from the mid", defaults.SpreadTicks, min: 1, max: OrderFlow.FlowShape.MaxSpreadTicks);
        var command = new Command("gen-orders", "write a synthetic order-flow file: by default about half cancels, a tenth crossing orders, " +
            "resting orders up to 29 ticks from a wandering mid") { output, count, seed, cancels, crossing, spread, stops, icebergs };
        command.SetAction(r =>
        {
            string path = r.GetValue(output)!;
            var shape = new OrderFlow.FlowShape(r.GetValue(cancels), r.GetValue(crossing), r.GetValue(spread));
            File.WriteAllLines(path, OrderFlow.Generate(r.GetValue(count), r.GetValue(seed), r.GetValue(stops), r.GetValue(icebergs), shape));
            Console.Error.WriteLine($"wrote {path}");
            return 0;
        });
        return command;
    }

    private static Command JournalAppend()
    {
        var dir = Cli.Required<string>("--dir", "a directory holding no journal");
        dir.HelpName = "DIR";
        var durability = Flags.OneOf("--durability", "when appends are made durable", "batch", Durabilities);
        var records = Flags.Long("--records", "records to append", 5_000_000, min: 1);
        var payload = Flags.Int("--payload", "bytes per record", 57, min: 1, max: 1 << 20);
        var commitEvery = Flags.Int("--commit-every", "records per commit", 100, min: 1);
        var json = Flags.Json();
        var command = new Command("journal", "append records to a new journal and time it") { dir, durability, records, payload, commitEvery, json };
        command.SetAction(r =>
        {
            var a = JournalBench.Append(r.GetValue(dir)!, ParseDurability(r.GetValue(durability)!), r.GetValue(records), r.GetValue(payload), r.GetValue(commitEvery));
            Report(r.GetValue(json), [("mode", "journal"), ("durability", a.Durability.ToString().ToLowerInvariant()), ("records", a.Records),
                ("payloadBytes", a.PayloadBytes), ("commitEvery", a.CommitEvery), ("seconds", Math.Round(a.Seconds, 3)),
                ("recordsPerSec", Math.Round(a.RecordsPerSec)), ("megabytesPerSec", Math.Round(a.MegabytesPerSec, 1)), ("bytes", a.Bytes), ("fsyncs", a.Fsyncs)]);
            return 0;
        });
        return command;
    }

    private static Command Fsync()
    {
        var dir = Cli.Required<string>("--dir", "a directory on the disk to measure (a file is written there and removed)");
        dir.HelpName = "DIR";
        var writers = Flags.Int("--writers", "threads each writing and fdatasyncing at once", 1, min: 1, max: 64);
        var syncs = Flags.Int("--syncs", "fdatasyncs per writer", 2000, min: 1);
        var record = Flags.Int("--record", "bytes written before each fdatasync", 512, min: 1, max: 1 << 20);
        var json = Flags.Json();
        var command = new Command("fsync", "write and fdatasync from N threads at once: whether this disk takes durable writes in parallel") { dir, writers, syncs, record, json };
        command.SetAction(r =>
        {
            var f = FsyncBench.Run(r.GetValue(dir)!, r.GetValue(writers), r.GetValue(syncs), r.GetValue(record));
            Report(r.GetValue(json), [("mode", "fsync"), ("writers", f.Writers), ("syncs", f.Syncs), ("seconds", Math.Round(f.Seconds, 3)),
                ("syncsPerSec", Math.Round(f.SyncsPerSec)), ("p50Us", Math.Round(f.P50Us, 1)), ("p90Us", Math.Round(f.P90Us, 1)), ("p99Us", Math.Round(f.P99Us, 1))]);
            return 0;
        });
        return command;
    }

    private static Command Replay()
    {
        var journal = Flags.ExistingDirectory("--journal", "a journal written by `book --journal`");
        journal.Required = true;
        var json = Flags.Json();
        var command = new Command("replay", "rebuild a journal through the engine and time it") { journal, json };
        command.SetAction(r =>
        {
            var result = JournalBench.Replay(r.GetValue(journal)!);
            Report(r.GetValue(json), [("mode", "replay"), ("records", result.Records), ("seconds", Math.Round(result.Seconds, 3)),
                ("commandsPerSec", Math.Round(result.CommandsPerSec)), ("stateHash", result.StateHash.ToString("x16")), ("start", result.Start)]);
            return 0;
        });
        return command;
    }

    private static Command Snapshot()
    {
        var dir = Cli.Required<string>("--dir", "where the snapshot file goes");
        dir.HelpName = "DIR";
        var orders = Flags.Int("--orders", "resting orders in the engine", 1_000_000, min: 1);
        var json = Flags.Json();
        var command = new Command("snapshot", "capture, write and load a snapshot of an engine with many resting orders") { dir, orders, json };
        command.SetAction(r =>
        {
            var s = JournalBench.Snapshot(r.GetValue(dir)!, r.GetValue(orders));
            Report(r.GetValue(json), [("mode", "snapshot"), ("restingOrders", s.RestingOrders), ("engineStallMs", Math.Round(s.CaptureMs, 1)),
                ("walkAndWriteMs", Math.Round(s.WriteMs, 1)), ("fileBytes", s.FileBytes), ("loadMs", Math.Round(s.LoadMs, 1)),
                ("restoreMs", Math.Round(s.RestoreMs, 1)), ("hashesMatch", s.HashesMatch)]);
            return s.HashesMatch ? 0 : 1;
        });
        return command;
    }

    private static Command Stream()
    {
        var messages = Flags.Long("--messages", "messages to stream", 10_000_000, min: 1);
        var size = Flags.Int("--size", "bytes per message (at least 8: a sequence number)", 64, min: 8, max: 1 << 16);
        var termLength = Flags.TextWithDefault("--term-length", "the stream's term length", "1m", "LENGTH");
        var idle = Flags.OneOf("--idle", "how both sides wait when idle", "busy-spin", "busy-spin", "yield", "backoff");
        var json = Flags.Json();
        var command = new Command("stream", "stream fixed-size messages to a child process over the UDP transport on loopback") { messages, size, termLength, idle, json };
        command.SetAction(r =>
        {
            var s = StreamBench.Run(r.GetValue(messages), r.GetValue(size), r.GetValue(termLength)!, r.GetValue(idle)!);
            Report(r.GetValue(json), [("mode", "stream"), ("messages", s.Messages), ("messageBytes", s.MessageBytes), ("seconds", Math.Round(s.Seconds, 3)),
                ("messagesPerSec", Math.Round(s.MessagesPerSec)), ("megabytesPerSec", Math.Round(s.MegabytesPerSec, 1)),
                ("backPressured", s.BackPressured), ("naks", s.Naks), ("retransmits", s.Retransmits), ("outOfOrder", s.OutOfOrder)]);
            return s.OutOfOrder == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>The receiving side of `stream`, which starts it as a child process; not for people.</summary>
    private static Command StreamReceive()
    {
        var messages = Flags.Long("--messages", "messages to receive", 10_000_000, min: 1);
        var idle = Flags.OneOf("--idle", "how to wait when idle", "busy-spin", "busy-spin", "yield", "backoff");
        var command = new Command("stream-receive", "the receiver `stream` starts") { messages, idle };
        command.Hidden = true;
        command.SetAction(r => StreamBench.Receive(r.GetValue(messages), r.GetValue(idle)!));
        return command;
    }

    private static Command Compare()
    {
        var a = new Argument<string>("A") { Description = "the first summary.json" };
        var b = new Argument<string>("B") { Description = "the second summary.json" };
        foreach (var argument in new[] { a, b })
            argument.Validators.Add(r =>
            {
                string path = r.GetValueOrDefault<string>();
                if (!File.Exists(path)) r.AddError($"no file '{path}'");
            });
        var command = new Command("compare", "two e2e summaries side by side, with ratios") { a, b };
        command.SetAction(r =>
        {
            Console.Write(E2e.E2eReport.Compare(r.GetValue(a)!, r.GetValue(b)!));
            return 0;
        });
        return command;
    }

    private static Durability ParseDurability(string text) => text switch
    {
        "none" => Durability.None,
        "always" => Durability.Always,
        _ => Durability.Batch,
    };

    private static void PrintBook(BookResult r, int skipped, JournaledResult? journaled, bool asJson)
    {
        if (asJson)
        {
            using var json = new Utf8JsonWriter(Console.OpenStandardOutput());
            json.WriteStartObject();
            json.WriteString("mode", "book");
            json.WriteString("source", r.Source);
            json.WriteNumber("operations", r.Operations);
            json.WriteNumber("skipped", skipped);
            json.WriteNumber("runs", r.Runs);
            json.WriteBoolean("lookahead", r.Lookahead);
            json.WriteBoolean("service", r.Service);
            json.WriteBoolean("journalThread", r.JournalThread);
            json.WriteNumber("opsPerSec", Math.Round(r.OpsPerSec));
            json.WriteNumber("opsPerSecMin", Math.Round(r.OpsPerSecMin));
            json.WriteNumber("opsPerSecMax", Math.Round(r.OpsPerSecMax));
            json.WriteNumber("p50Ns", r.P50Ns);
            json.WriteNumber("p90Ns", r.P90Ns);
            json.WriteNumber("p99Ns", r.P99Ns);
            json.WriteNumber("p999Ns", r.P999Ns);
            json.WriteNumber("maxNs", r.MaxNs);
            json.WriteNumber("trades", r.Trades);
            json.WriteNumber("resting", r.Resting);
            json.WriteNumber("rejects", r.Rejects);
            json.WriteString("stateHash", r.StateHash.ToString("x16"));
            json.WriteNumber("gcCollections", r.GcCollections);
            if (journaled != null)
            {
                json.WriteString("journal", journaled.Directory);
                json.WriteNumber("journaledOpsPerSec", Math.Round(journaled.OpsPerSec));
                json.WriteNumber("journalRecords", journaled.Records);
                json.WriteNumber("journalBytes", journaled.Bytes);
                json.WriteNumber("journalFsyncs", journaled.Fsyncs);
            }
            json.WriteEndObject();
            json.Flush();
            Console.WriteLine();
            return;
        }
        Console.WriteLine($"book: {r.Operations:N0} operations from {r.Source}{(skipped > 0 ? $" ({skipped:N0} events skipped)" : "")}, {r.Runs} runs{(r.Service ? ", through the engine service" : "")}{(r.JournalThread ? ", journal pages faulted in on its thread" : "")}{(r.Lookahead ? ", with lookahead" : "")}");
        Console.WriteLine($"  throughput  {r.OpsPerSec / 1e6:F2}M ops/s (runs {r.OpsPerSecMin / 1e6:F2}-{r.OpsPerSecMax / 1e6:F2}M)");
        Console.WriteLine($"  latency ns  p50 {r.P50Ns}  p90 {r.P90Ns}  p99 {r.P99Ns}  p99.9 {r.P999Ns}  max {r.MaxNs}");
        Console.WriteLine($"  trades {r.Trades:N0}  resting {r.Resting:N0}  rejects {r.Rejects:N0}  gc {r.GcCollections}  stateHash {r.StateHash:x16}");
        if (journaled != null)
            Console.WriteLine($"  journaled   {journaled.OpsPerSec / 1e6:F2}M ops/s into {journaled.Directory}: {journaled.Records:N0} records, " +
                $"{journaled.Bytes / 1e6:F1} MB, {journaled.Fsyncs:N0} fsyncs");
    }

    /// <summary>Prints named results: one JSON object with --json, else aligned lines.</summary>
    public static void Report(bool asJson, (string Name, object Value)[] fields)
    {
        if (asJson)
        {
            using var json = new Utf8JsonWriter(Console.OpenStandardOutput());
            json.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                switch (value)
                {
                    case string text: json.WriteString(name, text); break;
                    case bool flag: json.WriteBoolean(name, flag); break;
                    case double d: json.WriteNumber(name, d); break;
                    case int i: json.WriteNumber(name, i); break;
                    case long l: json.WriteNumber(name, l); break;
                    default: json.WriteString(name, value.ToString()); break;
                }
            }
            json.WriteEndObject();
            json.Flush();
            Console.WriteLine();
            return;
        }
        foreach (var (name, value) in fields) Console.WriteLine($"  {name,-16} {value}");
    }
}
