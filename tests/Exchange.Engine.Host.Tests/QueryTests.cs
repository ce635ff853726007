// Queries through EngineService: who may ask what, the rejects with their reasons, that nothing is sequenced or
// journaled, and that an answer never overtakes (or leaves before the durability of) the responses it reflects.
using Exchange.Contract;
using Exchange.Engine.Tests;
using Exchange.Journal;

namespace Exchange.Engine.Host.Tests;

public sealed class QueryTests
{
    private const int Header = MessageHeaderEncoder.EncodedLength;

    private static byte[] OrderStatus(ulong requestId, long account, long clientOrderId) => Client.OrderStatus(requestId, account, clientOrderId);

    private static byte[] AccountState(ulong requestId, long account, long afterOrderId = 0)
    {
        var b = new byte[128];
        var m = AccountStateRequestEncoder.WrapAndApplyHeader(b, 0);
        m.RequestId = requestId;
        m.Account = account;
        m.AfterOrderId = afterOrderId;
        return b[..(Header + m.EncodedLength)];
    }

    private static byte[] Book(ulong requestId, int symbol)
    {
        var b = new byte[128];
        var m = BookSnapshotRequestEncoder.WrapAndApplyHeader(b, 0);
        m.RequestId = requestId;
        m.Symbol = symbol;
        return b[..(Header + m.EncodedLength)];
    }

    private static (ulong RequestId, int Query, RejectReason Reason) Rejected(byte[] m)
    {
        var d = QueryRejectedDecoder.WrapWithHeader(m);
        return (d.RequestId, d.Query, d.Reason);
    }

    [Fact]
    public void Queries_from_no_session_for_another_account_malformed_or_for_unknown_things_are_rejected_with_a_reason()
    {
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.None });
        long sequence = h.Engine.LastSequence;
        int journaled = Read.Journal(dir.Path).Count;

        h.Engine.OnMessage(5, OrderStatus(1, 1001, 1));
        Assert.Equal((1UL, (int)OrderStatusRequestDecoder.TemplateId, RejectReason.NotLoggedOn), Rejected(h.Links.Offered.Last().Message));

        h.LogOn(1, "mm-1001-key");
        h.Engine.OnMessage(1, OrderStatus(2, 1002, 1));
        Assert.Equal((2UL, (int)OrderStatusRequestDecoder.TemplateId, RejectReason.NotLoggedOn), Rejected(h.Links.Received(1).Last()));
        h.Engine.OnMessage(1, AccountState(3, 1002));
        Assert.Equal((3UL, (int)AccountStateRequestDecoder.TemplateId, RejectReason.NotLoggedOn), Rejected(h.Links.Received(1).Last()));
        h.Engine.OnMessage(1, Book(4, 99));
        Assert.Equal((4UL, (int)BookSnapshotRequestDecoder.TemplateId, RejectReason.UnknownSymbol), Rejected(h.Links.Received(1).Last()));
        h.Engine.OnMessage(1, OrderStatus(5, 0, 1)[..^4]);
        Assert.Equal((0UL, (int)OrderStatusRequestDecoder.TemplateId, RejectReason.MalformedMessage), Rejected(h.Links.Received(1).Last()));
        h.Engine.OnMessage(1, AccountState(6, 0, afterOrderId: -1));
        Assert.Equal(RejectReason.MalformedMessage, Rejected(h.Links.Received(1).Last()).Reason);

        // An operator may ask about any account it names, and is told when there is none.
        h.Engine.OnMessage(7, Client.Logon("ops-admin-key"));
        h.Engine.OnMessage(7, AccountState(8, 4242));
        Assert.Equal((8UL, (int)AccountStateRequestDecoder.TemplateId, RejectReason.UnknownAccount), Rejected(h.Links.Received(7).Last()));
        h.Engine.OnMessage(7, AccountState(9, 0));
        Assert.Equal(RejectReason.NotLoggedOn, Rejected(h.Links.Received(7).Last()).Reason);
        h.Engine.OnMessage(7, AccountState(10, 1001));
        Assert.Equal(1001, AccountStateEndDecoder.WrapWithHeader(h.Links.Received(7).Last()).Account);

        Assert.Equal(sequence, h.Engine.LastSequence);
        Assert.Equal(journaled, Read.Journal(dir.Path).Count);
        Assert.Equal(2, h.Engine.ActiveSessions + h.Engine.OperatorSessions);
    }

    [Fact]
    public void An_answer_waits_for_the_durability_of_the_inputs_it_reflects_and_comes_after_their_responses()
    {
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.Batch, BatchMaxDelay = TimeSpan.Zero });
        h.LogOn(1, "mm-1001-key");
        h.Links.Clear();
        h.Engine.OnMessage(1, Client.Limit(1001, 7, Side.Buy, 59_000));
        h.Engine.OnMessage(1, OrderStatus(11, 0, 7));
        Assert.Empty(h.Links.Received(1));

        h.Work();
        var received = h.Links.Received(1);
        int accepted = received.FindIndex(m => Read.Template(m) == OrderAcceptedDecoder.TemplateId);
        int status = received.FindIndex(m => Read.Template(m) == OrderStatusDecoder.TemplateId);
        Assert.True(accepted >= 0 && status > accepted, string.Join(",", received.Select(Read.Template)));
        var answer = OrderStatusDecoder.WrapWithHeader(received[status]);
        Assert.Equal((11UL, OrderState.Open, 7L, h.Engine.LastSequence), (answer.RequestId, answer.State, answer.LastClientOrderId, answer.Sequence));
        Assert.Equal(1_000_000, answer.LeavesQuantity);
    }

    [Fact]
    public void An_iceberg_shows_its_owner_the_whole_order_with_its_display_quantity_and_the_book_snapshot_only_its_slice()
    {
        using var h = new Harness();
        h.LogOn(1, "mm-1001-key");
        h.Engine.OnMessage(1, Client.Encode(new NewOrder(1001, 7, 1, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, 61_000, 5_000_000,
            DisplayQuantity: 1_000_000)));
        h.Work();
        h.Links.Clear();

        h.Engine.OnMessage(1, OrderStatus(12, 0, 7));
        h.Engine.OnMessage(1, Book(13, 1));
        h.Work();
        var received = h.Links.Received(1);
        var status = OrderStatusDecoder.WrapWithHeader(received.Single(m => Read.Template(m) == OrderStatusDecoder.TemplateId));
        Assert.Equal((OrderState.Open, 5_000_000L, 5_000_000L, 1_000_000L), (status.State, status.Quantity, status.LeavesQuantity, status.DisplayQuantity));
        var book = BookSnapshotDecoder.WrapWithHeader(received.Single(m => Read.Template(m) == BookSnapshotDecoder.TemplateId));
        Assert.Equal(0, book.ReadBids().Count);
        var asks = book.ReadAsks();
        Assert.True(asks.Next());
        Assert.Equal((61_000L, 1_000_000L), (asks.Price, asks.Quantity));
    }

    [Fact]
    public void Account_state_pages_past_MaxOrdersPerAnswer_open_orders_and_the_pages_add_up()
    {
        using var h = new Harness();
        h.LogOn(1, "mm-1001-key");
        int orders = EngineService.MaxOrdersPerAnswer + 37;
        for (int i = 0; i < orders; i++) h.Engine.OnMessage(1, Client.Limit(1001, 10_000 + i, Side.Sell, 61_000 + i % 500));
        Assert.Equal(orders, h.Engine.OpenOrderCount);
        h.Links.Clear();

        var seen = new List<long>();
        long after = 0;
        for (int page = 0; page < 3; page++)
        {
            h.Engine.OnMessage(1, AccountState((ulong)page, 0, after));
            var received = h.Links.Received(1);
            h.Links.Clear();
            Assert.Equal(page == 0, received.Any(m => Read.Template(m) == AccountBalancesDecoder.TemplateId));
            foreach (var m in received.Where(m => Read.Template(m) == AccountOrdersDecoder.TemplateId))
            {
                var d = AccountOrdersDecoder.WrapWithHeader(m);
                var g = d.ReadOrders();
                while (g.Next()) seen.Add(g.ClientOrderId);
            }
            var end = AccountStateEndDecoder.WrapWithHeader(received.Last());
            after = end.NextAfterOrderId;
            if (after == 0) break;
            Assert.Equal(EngineService.MaxOrdersPerAnswer, end.OrderCount);
        }
        Assert.Equal(0, after);
        Assert.Equal(Enumerable.Range(10_000, orders).Select(i => (long)i), seen);
    }
}
