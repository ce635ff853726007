// Day and GTD orders and the timer input in a journal: `exchange-replay dump` shows the ExpireOrders inputs, GTD orders'
// expire times and symbols' session ends, and `rebuild` expires the same orders at the same sequences as the engine that
// wrote the journal (its state hash at every sequence).
using Exchange.Contract;

namespace Exchange.Replay.Tests;

public sealed class ExpiryReplayTests : IDisposable
{
    private const long Ms = 1_000_000;
    /// <summary>09:30:00.040 UTC, nanoseconds after midnight: the session end of symbol 2 (journal timestamps start at 09:30).</summary>
    private const long SessionEnd = (9 * 3_600 + 30 * 60) * 1_000_000_000L + 40 * Ms;

    private readonly TestJournal _journal = new(Inputs());

    public void Dispose() => _journal.Dispose();

    /// <summary>The setup, a symbol with a session end, then GTD and Day orders, a cancel of one, and timer inputs (input n is
    /// stamped <see cref="Workload.TimestampOf"/>(n), a millisecond apart).</summary>
    private static List<Input> Inputs()
    {
        var inputs = Workload.Generate(1, seed: 3);
        var buffer = new byte[256];
        long Now() => Workload.TimestampOf(inputs.Count + 1);
        void Add(string type, long? account, int? symbol, int length) => inputs.Add(new Input(buffer[..length], type, account, symbol));
        void Order(NewOrder o) => Add("NewOrder", o.Account, o.Symbol, CommandCodec.Encode(o, buffer));
        void Timer() => Add("ExpireOrders", null, null, CommandCodec.Encode(new ExpireOrders(0), buffer));
        NewOrder Gtd(long account, long id, int symbol, Side side, long price, long expireTime) =>
            new(account, id, symbol, side, OrderType.Limit, TimeInForce.GoodTillDate, price, 10, ExpireTime: expireTime);

        var spec = new SymbolSpec(2, BaseAsset: 1, QuoteAsset: 0, TickSize: 5, LotSize: 10, MinQuantity: 10, MaxQuantity: 100_000,
            ReferencePrice: 10_000, BandBps: 2_000, MakerFeeBps: 1, TakerFeeBps: 3, MaxNotional: 1L << 50);
        Assert.True(SymbolName.TryParse("DAY-2", out var name, out _));
        Add("AddSymbol", null, 2, CommandCodec.Encode(new AddSymbol(spec, name, SessionEnd), buffer));

        // Input times below: the first order's is t, each next one 1 ms later.
        Order(Gtd(101, 1, 0, Side.Buy, 9_900, Now() + 30 * Ms));   // t + 30
        Order(Gtd(102, 2, 0, Side.Sell, 10_100, Now() + 6 * Ms));  // t + 7
        Order(Gtd(103, 3, 0, Side.Buy, 9_800, Now() + 6 * Ms));    // t + 8
        Order(Gtd(104, 4, 0, Side.Buy, 9_700, Now() + 100 * Ms));
        Order(new NewOrder(105, 5, 2, Side.Buy, OrderType.Limit, TimeInForce.Day, 9_900, 10));
        Order(Gtd(101, 6, 0, Side.Buy, 9_600, Now() + 500 * Ms));  // still open at the end
        Timer();                                                   // t + 6: nothing due yet
        Add("CancelOrder", 104, null, CommandCodec.Encode(new CancelOrder(104, 4), buffer));
        // 102's sell is past its expiry but no timer input has come: 101 buys from it.
        Order(new NewOrder(101, 7, 0, Side.Buy, OrderType.Limit, TimeInForce.ImmediateOrCancel, 10_100, 10));
        Timer();                                                   // t + 9: expires 103's (and would have 102's)
        while (Now() < Workload.Start + 60 * Ms) Add("Deposit", 101, null, CommandCodec.Encode(new Deposit(101, 0, 1), buffer));
        Timer();                                                   // 101's first GTD (t + 30) and the Day order (09:30:00.040)
        return inputs;
    }

    [Fact]
    public void Dump_shows_the_timer_inputs_expire_times_and_session_ends()
    {
        var timers = Tools.Replay(["dump", _journal.Directory, "--json", "--type", "ExpireOrders"]);
        Assert.True(timers.ExitCode == 0, timers.ToString());
        Assert.Equal(3, timers.JsonLines.Count);
        Assert.All(timers.JsonLines, l => Assert.Equal("ExpireOrders", l.GetProperty("command").GetString()));

        var orders = Tools.Replay(["dump", _journal.Directory, "--json", "--type", "NewOrder"]);
        var gtd = orders.JsonLines.Select(l => l.GetProperty("fields")).Where(f => f.GetProperty("timeInForce").GetString() == "GoodTillDate").ToList();
        Assert.Equal(5, gtd.Count);
        Assert.All(gtd, f => Assert.True(f.GetProperty("expireTime").GetInt64() > Workload.Start));
        Assert.All(orders.JsonLines.Select(l => l.GetProperty("fields")).Where(f => f.GetProperty("timeInForce").GetString() != "GoodTillDate"),
            f => Assert.False(f.TryGetProperty("expireTime", out _)));

        var symbols = Tools.Replay(["dump", _journal.Directory, "--json", "--type", "AddSymbol"]);
        Assert.Equal([0L, 0L, SessionEnd], symbols.JsonLines.Select(l => l.GetProperty("fields").TryGetProperty("sessionEnd", out var v) ? v.GetInt64() : 0));
        var text = Tools.Replay(["dump", _journal.Directory, "--type", "ExpireOrders"]);
        Assert.Contains("ExpireOrders dueAt=", text.Stdout);
    }

    [Fact]
    public void Rebuild_expires_the_same_orders_at_the_same_sequences_as_the_writing_engine()
    {
        var engine = Workload.EngineAt(_journal.Inputs, _journal.LastSequence);
        foreach (var (account, id) in new[] { (101L, 1L), (103L, 3L), (105L, 5L) })
        {
            Assert.Equal(OrderState.Cancelled, engine.OrderStatus(account, id).State);
            Assert.Equal(CancelReason.Expired, engine.OrderStatus(account, id).CancelReason);
        }
        Assert.Equal(OrderState.Filled, engine.OrderStatus(102, 2).State); // traded past its expiry, before the timer input
        Assert.Equal(CancelReason.ByClient, engine.OrderStatus(104, 4).CancelReason);
        Assert.Equal(OrderState.Open, engine.OrderStatus(101, 6).State);

        long setup = Workload.Generate(1, seed: 3).Count;
        for (long n = setup; n <= _journal.LastSequence; n += n < setup + 12 ? 1 : 7)
        {
            var result = Tools.Replay("rebuild", _journal.Directory, "--to-seq", n.ToString(), "--json");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(TestJournal.Hex(_journal.Hashes[n]), result.Json.GetProperty("stateHash").GetString());
        }
        var last = Tools.Replay("rebuild", _journal.Directory, "--json");
        Assert.Equal(TestJournal.Hex(_journal.Hashes[_journal.LastSequence]), last.Json.GetProperty("stateHash").GetString());
    }
}
