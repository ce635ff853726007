// Order entry through EngineService: who may send what, rejects of inputs that never reach the sequencer, and
// where the events of accepted commands go.
using Exchange.Contract;
using Exchange.Engine.Tests;
using Exchange.Journal;

namespace Exchange.Engine.Host.Tests;

public sealed class OrderEntryTests
{
    private static readonly long Opening = Harness.OpeningCommands;

    [Fact]
    public void Orders_before_logon_are_rejected_not_logged_on_and_not_sequenced()
    {
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.None });
        h.Engine.OnMessage(5, Client.Limit(1001, 77, Side.Buy, 59_000));

        var offered = Assert.Single(h.Links.Offered);
        Assert.Equal(5, offered.Connection);
        var reject = Read.Rejected(offered.Message);
        Assert.Equal((CommandKind.NewOrder, 1001L, 77L, RejectReason.NotLoggedOn, 0L), reject);
        Assert.Equal(Opening, h.Engine.LastSequence);
        Assert.Equal(Opening, Read.Journal(dir.Path).Count);
        Assert.Equal(0, h.Engine.OpenOrderCount);
    }

    [Fact]
    public void Orders_for_another_account_than_the_sessions_are_rejected_not_logged_on()
    {
        using var h = new Harness();
        h.LogOn(1, "mm-1001-key");
        h.Engine.OnMessage(1, Client.Limit(1002, 5, Side.Buy, 59_000));

        Assert.Equal(RejectReason.NotLoggedOn, Read.Rejected(h.Links.Received(1).Last()).Reason);
        Assert.Equal(Opening, h.Engine.LastSequence);
        Assert.False(h.Engine.TryGetOrder(1002, 5, out _));
    }

    [Fact]
    public void A_malformed_message_is_rejected_malformed_and_never_reaches_the_journal()
    {
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.None });
        h.LogOn(1, "mm-1001-key");
        byte[] order = Client.Limit(1001, 9, Side.Buy, 59_000);
        var journalBefore = Read.Journal(dir.Path);

        h.Engine.OnMessage(1, order[..^4]);                       // root block cut short
        h.Engine.OnMessage(1, [1, 2, 3]);                          // not even a header
        byte[] wrongSchema = (byte[])order.Clone();
        wrongSchema[4] = 0x99;                                     // schema id
        h.Engine.OnMessage(1, wrongSchema);
        byte[] unknownTemplate = (byte[])order.Clone();
        unknownTemplate[2] = 99;                                   // template id
        h.Engine.OnMessage(1, unknownTemplate);

        var rejects = h.Links.Received(1).OfTemplate(CommandRejectedDecoder.TemplateId).Select(Read.Rejected).ToList();
        Assert.Equal(4, rejects.Count);
        Assert.All(rejects, r => Assert.Equal(RejectReason.MalformedMessage, r.Reason));
        Assert.Equal(CommandKind.NewOrder, rejects[0].Command);
        Assert.Equal(Opening, h.Engine.LastSequence);
        Assert.Equal(journalBefore.Count, Read.Journal(dir.Path).Count);
        Assert.False(h.Engine.TryGetOrder(1001, 9, out _));

        // The same order whole goes through.
        h.Engine.OnMessage(1, order);
        Assert.True(h.Engine.TryGetOrder(1001, 9, out _));
        Assert.Equal(journalBefore.Count + 1, Read.Journal(dir.Path).Count);
    }

    [Fact]
    public void A_new_order_for_a_symbol_this_shard_does_not_own_is_rejected_wrong_shard()
    {
        using var h = new Harness();
        h.LogOn(1, "mm-1001-key");
        h.Engine.OnMessage(1, Client.Limit(1001, 3, Side.Buy, 59_000, symbol: 7));

        var reject = Read.Rejected(h.Links.Received(1).Last());
        Assert.Equal((CommandKind.NewOrder, 1001L, 3L, RejectReason.WrongShard), (reject.Command, reject.Account, reject.ClientOrderId, reject.Reason));
        Assert.Equal(7, CommandRejectedDecoder.WrapWithHeader(h.Links.Received(1).Last()).Symbol);
        Assert.Equal(Opening, h.Engine.LastSequence);
    }

    [Fact]
    public void Admin_commands_from_a_client_session_are_rejected_and_not_sequenced()
    {
        using var h = new Harness();
        h.LogOn(1, "mm-1001-key");
        h.Engine.OnMessage(1, Client.Encode(new Deposit(1001, 0, 1_000_000)));
        h.Engine.OnMessage(1, Client.Encode(new AddAccount(5555)));

        var rejects = h.Links.Received(1).OfTemplate(CommandRejectedDecoder.TemplateId).Select(Read.Rejected).ToList();
        Assert.Equal(new[] { (CommandKind.Deposit, RejectReason.NotPermitted), (CommandKind.AddAccount, RejectReason.NotPermitted) },
            rejects.Select(r => (r.Command, r.Reason)));
        Assert.Equal(Opening, h.Engine.LastSequence);
        Assert.True(h.Engine.TryGetBalance(1001, 0, out var usd));
        Assert.Equal(10_000_000_00, usd.Available);
    }

    [Fact]
    public void Engine_rejects_of_accepted_commands_are_sequenced_and_go_to_the_session()
    {
        using var h = new Harness();
        h.LogOn(1, "mm-1001-key");
        h.Engine.OnMessage(1, Client.Limit(1001, 4, Side.Buy, 10));  // far outside the price band

        var reject = Read.Rejected(h.Links.Received(1).Last());
        Assert.Equal(RejectReason.PriceOutsideBand, reject.Reason);
        Assert.Equal(Opening + 1, reject.Sequence);
        Assert.Equal(Opening + 1, h.Engine.LastSequence);
    }

    [Fact]
    public void A_fill_goes_to_both_accounts_sessions_and_the_trade_and_book_to_market_data()
    {
        using var h = new Harness();
        h.LogOn(1, "mm-1001-key");
        h.LogOn(2, "mm-1002-key");
        h.Links.Clear();

        h.Engine.OnMessage(1, Client.Limit(1001, 100, Side.Sell, 60_010, lots: 2));
        h.Engine.OnMessage(2, Client.Limit(1002, 200, Side.Buy, 60_010, lots: 1));

        var seller = Read.Events(h.Links.Received(1));
        var buyer = Read.Events(h.Links.Received(2));
        var sellerFill = Assert.Single(seller.OfType<Fill>());
        var buyerFill = Assert.Single(buyer.OfType<Fill>());
        Assert.Equal((1001L, 100L, Liquidity.Maker, 1_000_000L), (sellerFill.Account, sellerFill.ClientOrderId, sellerFill.Liquidity, sellerFill.Quantity));
        Assert.Equal((1002L, 200L, Liquidity.Taker, 1_000_000L), (buyerFill.Account, buyerFill.ClientOrderId, buyerFill.Liquidity, buyerFill.Quantity));
        // Each session sees its own account only.
        Assert.All(seller, e => Assert.Equal(1001L, AccountOf(e)));
        Assert.All(buyer, e => Assert.Equal(1002L, AccountOf(e)));
        Assert.Contains(seller, e => e is OrderAccepted);
        Assert.Contains(buyer, e => e is OrderAccepted);
        Assert.DoesNotContain(buyer, e => e is LevelChanged or BestBidOffer);

        // Market data: the book, the top of book, and one Trade with the taker as aggressor.
        var trade = Assert.Single(h.Links.MarketData.OfTemplate(TradeDecoder.TemplateId));
        var t = TradeDecoder.WrapWithHeader(trade);
        Assert.Equal((1, 1L, 60_010L, 1_000_000L, Side.Buy, Opening + 2), (t.Symbol, t.TradeId, t.Price, t.Quantity, t.AggressorSide, t.Sequence));
        var market = Read.Events(h.Links.MarketData);
        Assert.Contains(new LevelChanged(1, Side.Sell, 60_010, 1_000_000, 1), market);
        Assert.Equal(new BestBidOffer(1, 0, 0, 60_010, 1_000_000), market.OfType<BestBidOffer>().Last());
        Assert.DoesNotContain(market, e => e is Fill or OrderAccepted or BalanceChanged);
    }

    [Fact]
    public void Events_for_an_account_without_a_session_go_nowhere()
    {
        using var h = new Harness();
        ulong first = h.LogOn(1, "mm-1001-key");
        h.Engine.OnMessage(1, Client.Limit(1001, 1, Side.Sell, 60_000));
        h.Engine.OnMessage(1, Client.Logout(first));
        h.LogOn(2, "mm-1002-key");
        h.Links.Clear();

        h.Engine.OnMessage(2, Client.Limit(1002, 2, Side.Buy, 60_000));

        Assert.Single(Read.Events(h.Links.Received(2)).OfType<Fill>());
        Assert.All(h.Links.Offered, o => Assert.Equal(2, o.Connection));
        Assert.False(h.Engine.TryGetOrder(1001, 1, out _));
    }

    private static long AccountOf(object e) => e switch
    {
        OrderAccepted a => a.Account,
        Fill f => f.Account,
        BalanceChanged b => b.Account,
        OrderCancelled c => c.Account,
        CommandRejected r => r.Account,
        _ => -1,
    };
}
