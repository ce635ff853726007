// Journals for the export tests, written as the live engine writes them (SBE payload, sequence, sequencer time) and
// applied to an engine as they go, with snapshots every so often as a running engine takes them. The commands cover
// every event the exporter turns into rows: limit, market, IOC and FOK orders with every self-trade mode, stops and
// stop-limits (pending, triggered, cancelled while pending), Day and GTD orders with the timer inputs that expire them, replaces,
// cancels, mass cancels, deposits, withdrawals, halts and resumes, and rejects of each.
using Exchange.Engine;
using Exchange.Engine.Recovery;
using Exchange.Journal;

namespace Exchange.Export.Tests;

public static class Workload
{
    public const int Symbols = 3;
    public static readonly long[] Accounts = [.. Enumerable.Range(0, 12).Select(i => 1001L + i)];
    /// <summary>2026-03-02T09:30:00Z; inputs are 5 ms apart, so a 100,000-input journal spans eight minutes of candles.</summary>
    public const long Start = 1_772_443_800_000_000_000L;
    public const long Step = 5_000_000L;

    public static EngineConfig Config => new()
    {
        AssetCount = 4, MaxSymbols = 4, MaxAccounts = 64, MaxOrders = 100_000, MaxPriceLevels = 10_000, InitialLevelsPerSide = 64,
        MaxOpenOrdersPerAccount = 50_000, FeeAccount = 0,
    };

    /// <summary>Writes <paramref name="count"/> inputs to a new journal in <paramref name="directory"/>, a snapshot every
    /// <paramref name="snapshotEvery"/> inputs (0: none). Returns the final state hash.</summary>
    public static long Write(string directory, int count, int seed, int snapshotEvery = 0)
    {
        EngineConfigFile.Write(directory, Config);
        var engine = new MatchingEngine<DiscardOutput>(Config, default);
        var snapshots = new SnapshotStore(StateRebuild.SnapshotDirectory(directory));
        using var writer = JournalWriter.Open(new JournalOptions { Directory = directory, Durability = Durability.None, SegmentSize = 4 << 20 }, out _);
        var buffer = new byte[256];
        long sequence = 0;
        using var commands = Commands(count, seed, buffer).GetEnumerator();
        while (sequence < count)
        {
            sequence++;
            // As the leading engine's sequencer does: a timer input once the clock has passed the earliest expiry.
            ReadOnlySpan<byte> payload;
            if (engine.NextExpiry <= Start + sequence * Step)
                payload = buffer.AsSpan(0, CommandCodec.Encode(new ExpireOrders(engine.NextExpiry), buffer));
            else if (commands.MoveNext())
                payload = buffer.AsSpan(0, commands.Current);
            else
                break;
            writer.Append(sequence, Start + sequence * Step, (ushort)CommandCodec.TemplateOf(payload), 0, payload);
            engine.Apply(sequence, Start + sequence * Step, payload);
            if (snapshotEvery > 0 && sequence % snapshotEvery == 0)
                snapshots.Write(sequence, engine.StateHash(), s => engine.Capture().WriteTo(s));
        }
        writer.Flush();
        return engine.StateHash();
    }

    private static IEnumerable<int> Commands(int count, int seed, byte[] buffer)
    {
        var random = new Random(seed);
        int emitted = 0;
        for (int s = 0; s < Symbols && emitted < count; s++, emitted++)
        {
            var spec = new SymbolSpec(s, BaseAsset: s + 1, QuoteAsset: 0, TickSize: 5, LotSize: 10, MinQuantity: 10, MaxQuantity: 1_000_000,
                ReferencePrice: 10_000, BandBps: 2_000, MakerFeeBps: 2, TakerFeeBps: 5, MaxNotional: 1L << 50);
            SymbolName.TryParse($"SYM-{s}", out var name, out _);
            // Sessions end at 09:40 UTC: the journals' Day orders expire ten minutes in.
            yield return CommandCodec.Encode(new AddSymbol(spec, name, SessionEnd: 9 * 3_600_000_000_000L + 40 * 60_000_000_000L), buffer);
        }
        foreach (long a in Accounts)
        {
            if (emitted++ >= count) yield break;
            yield return CommandCodec.Encode(new AddAccount(a), buffer);
            for (int asset = 0; asset <= Symbols; asset++)
            {
                if (emitted++ >= count) yield break;
                yield return CommandCodec.Encode(new Deposit(a, asset, 1L << 36), buffer);
            }
        }
        long nextId = 1;
        var halted = new bool[Symbols];
        for (; emitted < count; emitted++)
        {
            long account = Accounts[random.Next(Accounts.Length)];
            int symbol = random.Next(Symbols);
            int roll = random.Next(1000);
            var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
            if (roll < 600)
            {
                // Limit orders around the reference price, crossing often.
                long price = 10_000 + (side == Side.Buy ? -1 : 1) * 5 * random.Next(-6, 30);
                var tif = random.Next(14) switch
                {
                    0 => TimeInForce.ImmediateOrCancel, 1 => TimeInForce.FillOrKill, 2 => TimeInForce.Day, 3 => TimeInForce.GoodTillDate,
                    _ => TimeInForce.GoodTillCancel,
                };
                bool postOnly = tif == TimeInForce.GoodTillCancel && random.Next(25) == 0;
                var stp = random.Next(4) == 0 ? (SelfTradePrevention)random.Next(5) : SelfTradePrevention.None;
                // A GTD order lives a few seconds to a minute of sequencer time (inputs are 5 ms apart).
                long expireTime = tif == TimeInForce.GoodTillDate ? Start + (emitted + 2) * Step + random.Next(1, 12_000) * Step : 0;
                yield return CommandCodec.Encode(new NewOrder(account, nextId++, symbol, side, OrderType.Limit, tif, price, 10 * random.Next(1, 60),
                    SelfTrade: stp, PostOnly: postOnly, ExpireTime: expireTime), buffer);
            }
            else if (roll < 625)
            {
                // Stops and stop-limits a few ticks beyond the reference price, both ways: many trigger, some wait.
                long stop = 10_000 + (side == Side.Buy ? 1 : -1) * 5 * random.Next(-4, 20);
                bool market = random.Next(3) == 0;
                long price = stop + (side == Side.Buy ? 1 : -1) * 5 * random.Next(0, 10);
                yield return CommandCodec.Encode(new NewOrder(account, nextId++, symbol, side, market ? OrderType.Stop : OrderType.StopLimit,
                    market ? TimeInForce.ImmediateOrCancel : TimeInForce.GoodTillCancel, market ? 0 : price, 10 * random.Next(1, 40),
                    StopPrice: stop), buffer);
            }
            else if (roll < 640)
                yield return CommandCodec.Encode(new NewOrder(account, nextId++, symbol, side, OrderType.Market, TimeInForce.ImmediateOrCancel, 0,
                    10 * random.Next(1, 40), QuoteBudget: random.Next(3) == 0 ? random.Next(50_000, 2_000_000) : 0), buffer);
            else if (roll < 660)
                // Rejected: off tick, or outside the band.
                yield return CommandCodec.Encode(new NewOrder(account, nextId++, symbol, side, OrderType.Limit, TimeInForce.GoodTillCancel,
                    random.Next(2) == 0 ? 10_003 : 50_000, 100), buffer);
            else if (roll < 850)
                yield return CommandCodec.Encode(new CancelOrder(account, random.NextInt64(Math.Max(1, nextId - 400), nextId + 1)), buffer);
            else if (roll < 950)
            {
                long id = random.NextInt64(Math.Max(1, nextId - 400), nextId + 1);
                yield return CommandCodec.Encode(new ReplaceOrder(account, id, random.Next(3) == 0 ? id : nextId++,
                    10_000 + 5 * random.Next(-20, 20), 10 * random.Next(1, 60)), buffer);
            }
            else if (roll < 960)
                yield return CommandCodec.Encode(new MassCancel(account, random.Next(2) == 0 ? symbol : -1, (Side)random.Next(3)), buffer);
            else if (roll < 975)
                yield return CommandCodec.Encode(new Deposit(account, random.Next(Symbols + 1), random.Next(1, 10_000_000)), buffer);
            else if (roll < 990)
                yield return CommandCodec.Encode(new Withdraw(account, random.Next(Symbols + 1), random.Next(1, 10_000_000)), buffer);
            else if (roll < 993)
            {
                halted[symbol] = !halted[symbol];
                yield return halted[symbol] ? CommandCodec.Encode(new HaltSymbol(symbol), buffer) : CommandCodec.Encode(new ResumeSymbol(symbol), buffer);
            }
            else
                // A payload the engine cannot decode: journaled all the same, it changes nothing.
                yield return CommandCodec.Encode(new CancelOrder(account, 1), buffer) - 5;
        }
    }
}
