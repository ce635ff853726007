// The journal `exchange-perf export` measures export throughput on: trade-heavy, unlike a live order mix. Cycles of
// eight one-lot maker orders resting at the same price, then one taker order for eight lots that takes them all
// (eight trades in nine inputs), alternating sides so balances stay level; makers and takers rotate over accounts.
// Written as the engine writes a journal (config file, SBE payloads, sequencer times 20 µs apart).
using Exchange.Engine;
using Exchange.Engine.Recovery;
using Exchange.Journal;

namespace Exchange.Perf.Export;

public static class TradeHeavyJournal
{
    public const int MakersPerTaker = 8;
    private const int Makers = 16, Takers = 16, Assets = 2;
    private const long Start = 1_772_443_800_000_000_000L, Step = 20_000L;

    public static EngineConfig Config(int inputs) => new()
    {
        AssetCount = Assets, MaxSymbols = 2, MaxAccounts = Makers + Takers + 8, MaxOrders = 1 << 16, MaxPriceLevels = 1024,
        InitialLevelsPerSide = 16, MaxOpenOrdersPerAccount = 1 << 16, FeeAccount = 0,
    };

    /// <summary>Writes <paramref name="inputs"/> inputs to a new journal in <paramref name="directory"/>; returns the trades they make.</summary>
    public static long Write(string directory, int inputs)
    {
        EngineConfigFile.Write(directory, Config(inputs));
        using var writer = JournalWriter.Open(new JournalOptions { Directory = directory, Durability = Durability.None, SegmentSize = 64 << 20 }, out _);
        var buffer = new byte[256];
        long sequence = 0, trades = 0;
        void Append(int length)
        {
            sequence++;
            writer.Append(sequence, Start + sequence * Step, (ushort)CommandCodec.TemplateOf(buffer.AsSpan(0, length)), 0, buffer.AsSpan(0, length));
        }
        var spec = new SymbolSpec(1, BaseAsset: 1, QuoteAsset: 0, TickSize: 5, LotSize: 10, MinQuantity: 10, MaxQuantity: 1_000_000,
            ReferencePrice: 10_000, BandBps: 2_000, MakerFeeBps: 2, TakerFeeBps: 5, MaxNotional: 1L << 50);
        SymbolName.TryParse("PERF-USD", out var name, out _);
        Append(CommandCodec.Encode(new AddSymbol(spec, name), buffer));
        for (long a = 1; a <= Makers + Takers && sequence < inputs; a++)
        {
            Append(CommandCodec.Encode(new AddAccount(a), buffer));
            for (int asset = 0; asset < Assets && sequence < inputs; asset++) Append(CommandCodec.Encode(new Deposit(a, asset, 1L << 50), buffer));
        }
        long clientOrderId = 1;
        for (long cycle = 0; sequence + MakersPerTaker + 1 <= inputs; cycle++)
        {
            var makerSide = cycle % 2 == 0 ? Side.Sell : Side.Buy;
            for (int m = 0; m < MakersPerTaker; m++)
                Append(CommandCodec.Encode(new NewOrder(1 + (cycle * MakersPerTaker + m) % Makers, clientOrderId++, 1, makerSide, OrderType.Limit,
                    TimeInForce.GoodTillCancel, 10_000, 10), buffer));
            Append(CommandCodec.Encode(new NewOrder(1 + Makers + cycle % Takers, clientOrderId++, 1, makerSide == Side.Sell ? Side.Buy : Side.Sell,
                OrderType.Limit, TimeInForce.ImmediateOrCancel, 10_000, 10L * MakersPerTaker), buffer));
            trades += MakersPerTaker;
        }
        while (sequence < inputs) Append(CommandCodec.Encode(new Deposit(1, 0, 1), buffer));
        writer.Flush();
        return trades;
    }
}
