// The matching engine's own cost per command, in process, against a standing book of 20 price levels a side with
// 50 orders each: a resting order placed and cancelled, an immediate-or-cancel that takes one order (and the maker
// put back so the book stays the same), and a price replace that sends an order to the back of another level.
using BenchmarkDotNet.Attributes;
using Exchange.Engine.Recovery;
using Exchange.Contract;
using Exchange.Engine;
using Exchange.Replay;

namespace Exchange.Benchmarks;

[Config(typeof(InProcessConfig))]
public class BookBenchmarks
{
    private const long Maker = 1, Taker = 2;
    private const int Symbol = 1, Levels = 20, PerLevel = 50;
    private const long Mid = 10_000;
    private MatchingEngine<DiscardOutput> _engine = null!;
    private long _sequence, _nextId = 1_000_000, _replaceId, _replacePrice = Mid - 1;

    [GlobalSetup]
    public void Setup()
    {
        var config = new EngineConfig
        {
            AssetCount = 2, MaxSymbols = 2, MaxAccounts = 4, MaxOrders = 1 << 16, MaxOpenOrdersPerAccount = 1 << 16,
            MaxPriceLevels = 1 << 10, InitialLevelsPerSide = 64, FeeAccount = 0,
        };
        _engine = new MatchingEngine<DiscardOutput>(config, default);
        _engine.Apply(++_sequence, 0, new AddSymbol(new SymbolSpec(Symbol, BaseAsset: 1, QuoteAsset: 0, TickSize: 1, LotSize: 1, MinQuantity: 1,
            MaxQuantity: 1_000_000, ReferencePrice: Mid, BandBps: 5_000, MakerFeeBps: 1, TakerFeeBps: 2, MaxNotional: 1L << 40)));
        foreach (long account in new[] { Maker, Taker })
        {
            _engine.Apply(++_sequence, 0, new AddAccount(account));
            _engine.Apply(++_sequence, 0, new Deposit(account, 0, 1L << 55));
            _engine.Apply(++_sequence, 0, new Deposit(account, 1, 1L << 50));
        }
        long id = 1;
        for (int level = 1; level <= Levels; level++)
            for (int i = 0; i < PerLevel; i++)
            {
                _engine.Apply(++_sequence, 0, new NewOrder(Maker, id++, Symbol, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, Mid - level, 10));
                _engine.Apply(++_sequence, 0, new NewOrder(Maker, id++, Symbol, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, Mid + level, 10));
            }
        _replaceId = _nextId++;
        _engine.Apply(++_sequence, 0, new NewOrder(Maker, _replaceId, Symbol, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, _replacePrice, 10));
    }

    [Benchmark(Description = "Book: place + cancel a resting order (2 commands)")]
    public void PlaceAndCancel()
    {
        long id = _nextId++;
        _engine.Apply(++_sequence, 0, new NewOrder(Maker, id, Symbol, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, Mid - 5, 10));
        _engine.Apply(++_sequence, 0, new CancelOrder(Maker, id));
    }

    [Benchmark(Description = "Book: IOC takes one order + maker replenished (2 commands)")]
    public void TakeAndReplenish()
    {
        _engine.Apply(++_sequence, 0, new NewOrder(Taker, _nextId++, Symbol, Side.Buy, OrderType.Limit, TimeInForce.ImmediateOrCancel, Mid + 1, 10));
        _engine.Apply(++_sequence, 0, new NewOrder(Maker, _nextId++, Symbol, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, Mid + 1, 10));
    }

    [Benchmark(Description = "Book: replace to another price (1 command)")]
    public void Replace()
    {
        long newId = _nextId++;
        _replacePrice = _replacePrice == Mid - 1 ? Mid - 2 : Mid - 1;
        _engine.Apply(++_sequence, 0, new ReplaceOrder(Maker, _replaceId, newId, _replacePrice, 10));
        _replaceId = newId;
    }
}
