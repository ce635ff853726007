// `exchange-perf journal | replay | snapshot`: the journal's costs measured in process, on real files.
using System.Diagnostics;
using Exchange.Engine.Recovery;
using Exchange.Engine;
using Exchange.Contract;
using Exchange.Hosting;
using Exchange.Journal;
using Exchange.Replay;

namespace Exchange.Perf;

internal sealed record AppendResult(Durability Durability, long Records, int PayloadBytes, double Seconds, long Bytes, long Fsyncs, int CommitEvery)
{
    public double RecordsPerSec => Records / Seconds;
    public double MegabytesPerSec => Bytes / Seconds / 1e6;
}

internal sealed record ReplayResult(long Records, double Seconds, long StateHash, string Start)
{
    public double CommandsPerSec => Records / Seconds;
}

internal sealed record SnapshotResult(int RestingOrders, double CaptureMs, double WriteMs, long FileBytes, double LoadMs, double RestoreMs, bool HashesMatch);

internal static class JournalBench
{
    /// <summary>Appends <paramref name="records"/> NewOrder-sized records to a fresh journal, committing every
    /// <paramref name="commitEvery"/> records, and times it all, final flush included.</summary>
    public static AppendResult Append(string directory, Durability durability, long records, int payloadBytes, int commitEvery)
    {
        if (SegmentDirectory.List(directory).Count > 0) throw new UsageException($"{directory} already holds a journal; give an empty directory");
        var payload = new byte[payloadBytes];
        Random.Shared.NextBytes(payload);
        using var journal = JournalWriter.Open(new JournalOptions { Directory = directory, Durability = durability, BatchMaxDelay = TimeSpan.Zero }, out _);
        long start = Stopwatch.GetTimestamp();
        for (long seq = 1; seq <= records; seq++)
        {
            journal.Append(seq, seq, 10, 0, payload);
            if (seq % commitEvery == 0) journal.Commit();
        }
        journal.Flush();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new AppendResult(durability, records, payloadBytes, seconds, journal.BytesAppended, journal.Fsyncs, commitEvery);
    }

    /// <summary>Replays a journal written by `book --journal` through the engine, as a standby or a rebuild does.</summary>
    public static ReplayResult Replay(string directory)
    {
        var config = EngineConfigFile.Read(directory);
        long start = Stopwatch.GetTimestamp();
        var (engine, report) = StateRebuild.Run(directory, config, default(CountingOutput), useSnapshots: false);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new ReplayResult(report.Replayed.Records, seconds, engine.StateHash(), report.Describe());
    }

    /// <summary>An engine holding <paramref name="orders"/> resting orders across many prices: how long capturing it
    /// stalls the engine, how long writing the file takes (off the engine thread in production), and loading it back.</summary>
    public static SnapshotResult Snapshot(string directory, int orders)
    {
        var config = new EngineConfig { AssetCount = 2, MaxSymbols = 1, MaxAccounts = 16, MaxOrders = orders, MaxPriceLevels = 1 << 16, MaxOpenOrdersPerAccount = orders };
        var spec = new SymbolSpec(0, 1, 0, TickSize: 1, LotSize: 1, MinQuantity: 1, MaxQuantity: 1_000_000, ReferencePrice: 100_000,
            BandBps: 5_000, MakerFeeBps: 1, TakerFeeBps: 2, MaxNotional: 1L << 40);
        var engine = new MatchingEngine<CountingOutput>(config, default);
        long seq = 0;
        engine.Apply(++seq, 0, new AddSymbol(spec));
        for (long a = 1; a <= 8; a++)
        {
            engine.Apply(++seq, 0, new AddAccount(a));
            engine.Apply(++seq, 0, new Deposit(a, 0, 1L << 56));
            engine.Apply(++seq, 0, new Deposit(a, 1, 1L << 50));
        }
        var random = new Random(7);
        for (int i = 0; i < orders; i++)
        {
            bool buy = (i & 1) == 0;
            long price = buy ? 99_999 - random.Next(20_000) : 100_001 + random.Next(20_000);
            engine.Apply(++seq, seq, new NewOrder(1 + i % 8, i, 0, buy ? Side.Buy : Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, price, random.Next(1, 1000)));
        }
        if (engine.OpenOrderCount != orders) throw new InvalidOperationException($"expected {orders} resting orders, have {engine.OpenOrderCount}");

        long hash = engine.StateHash();
        long t0 = Stopwatch.GetTimestamp();
        var pending = engine.BeginCapture();
        double captureMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        // From here on the engine is free to go on matching; the rest happens on another thread in production.
        t0 = Stopwatch.GetTimestamp();
        var snapshot = pending.Complete();
        var info = new SnapshotStore(directory).Write(snapshot.Sequence, hash, snapshot.WriteTo);
        double writeMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;

        t0 = Stopwatch.GetTimestamp();
        if (SnapshotStore.Check(info.Path, out var checkedInfo) is { } problem) throw new InvalidOperationException(problem);
        EngineSnapshot loaded;
        using (var body = SnapshotStore.OpenBody(checkedInfo!)) loaded = EngineSnapshot.ReadFrom(body);
        double loadMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        t0 = Stopwatch.GetTimestamp();
        var restored = new MatchingEngine<CountingOutput>(config, default);
        restored.Restore(loaded);
        double restoreMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        return new SnapshotResult(orders, captureMs, writeMs, info.BodyLength, loadMs, restoreMs, restored.StateHash() == hash);
    }
}
