// Cancel-on-disconnect: a session that asked for it has its account's orders cancelled by a MassCancel that goes
// through the sequencer and the journal, whether the connection is lost, times out or logs out.
using Exchange.Engine.Tests;
using Exchange.Contract;
using Exchange.Journal;
using Exchange.Sbe;

namespace Exchange.Engine.Host.Tests;

public sealed class CancelOnDisconnectTests
{
    private static Harness WithRestingOrders(TempDirectory dir, bool cancelOnDisconnect)
    {
        var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.None });
        h.LogOn(1, "mm-1001-key", cancelOnDisconnect);
        h.LogOn(2, "mm-1002-key", cancelOnDisconnect: true);
        h.Engine.OnMessage(1, Client.Limit(1001, 1, Side.Sell, 60_100));
        h.Engine.OnMessage(1, Client.Limit(1001, 2, Side.Buy, 59_900));
        h.Engine.OnMessage(2, Client.Limit(1002, 3, Side.Buy, 59_800));
        Assert.Equal(3, h.Engine.OpenOrderCount);
        return h;
    }

    [Fact]
    public void A_lost_connection_cancels_its_accounts_resting_orders_through_the_journal()
    {
        using var dir = new TempDirectory();
        using var h = WithRestingOrders(dir, cancelOnDisconnect: true);
        long before = h.Engine.LastSequence;
        h.Links.Clear();

        h.Engine.OnConnectionLost(1);

        Assert.False(h.Engine.TryGetOrder(1001, 1, out _));
        Assert.False(h.Engine.TryGetOrder(1001, 2, out _));
        Assert.True(h.Engine.TryGetOrder(1002, 3, out _));
        Assert.False(h.Engine.TryGetSession(1, out _, out _));
        Assert.Equal([1], h.Links.Closed);
        Assert.True(h.Engine.TryGetBalance(1001, 1, out var btc));
        Assert.Equal(0, btc.Held);

        // The cancel is an input like any other: sequenced and journaled, so replay reproduces it.
        Assert.Equal(before + 1, h.Engine.LastSequence);
        var (sequence, type, payload) = Read.Journal(dir.Path)[^1];
        Assert.Equal(before + 1, sequence);
        Assert.Equal(MassCancelDecoder.TemplateId, type);
        var capture = new MassCancelCapture();
        Assert.Equal(SbeError.None, CommandCodec.Decode(payload, ref capture));
        Assert.Equal(new MassCancel(1001, -1, Side.None), capture.Command);

        // The book on market data shows the orders gone; nothing was sent down the dead connection.
        Assert.Contains(new LevelChanged(1, Side.Sell, 60_100, 0, 0), Read.Events(h.Links.MarketData));
        Assert.DoesNotContain(h.Links.Offered, o => o.Connection == 1);
    }

    [Fact]
    public void Without_cancel_on_disconnect_a_lost_connection_leaves_the_orders_resting()
    {
        using var dir = new TempDirectory();
        using var h = WithRestingOrders(dir, cancelOnDisconnect: false);
        long before = h.Engine.LastSequence;

        h.Engine.OnConnectionLost(1);

        Assert.True(h.Engine.TryGetOrder(1001, 1, out _));
        Assert.True(h.Engine.TryGetOrder(1001, 2, out _));
        Assert.Equal(3, h.Engine.OpenOrderCount);
        Assert.Equal(before, h.Engine.LastSequence);
        Assert.False(h.Engine.TryGetSession(1, out _, out _));
        Assert.Equal([1], h.Links.Closed);
    }

    [Fact]
    public void A_heartbeat_timeout_cancels_too()
    {
        using var dir = new TempDirectory();
        using var h = WithRestingOrders(dir, cancelOnDisconnect: true);
        h.Engine.OnMessage(2, Client.Heartbeat(2));
        h.Work(2_000_000_000);
        h.Engine.OnMessage(2, Client.Heartbeat(2));  // connection 2 keeps talking, connection 1 does not
        h.Work(1_500_000_000);

        Assert.False(h.Engine.TryGetSession(1, out _, out _));
        Assert.True(h.Engine.TryGetSession(2, out _, out _));
        Assert.False(h.Engine.TryGetOrder(1001, 1, out _));
        Assert.True(h.Engine.TryGetOrder(1002, 3, out _));
        Assert.Equal(MassCancelDecoder.TemplateId, Read.Journal(dir.Path)[^1].Type);
    }

    [Fact]
    public void On_logout_the_client_sees_its_cancels_then_the_logout()
    {
        using var dir = new TempDirectory();
        using var h = WithRestingOrders(dir, cancelOnDisconnect: true);
        Assert.True(h.Engine.TryGetSession(1, out ulong session, out _));
        h.Links.Clear();

        h.Engine.OnMessage(1, Client.Logout(session));

        var received = h.Links.Received(1);
        var events = Read.Events(received);
        Assert.Equal(2, events.OfType<OrderCancelled>().Count());
        Assert.All(events.OfType<OrderCancelled>(), c => Assert.Equal(CancelReason.MassCancel, c.Reason));
        Assert.Equal(new MassCancelled(1001, -1, Side.None, 2), events.OfType<MassCancelled>().Single());
        Assert.Equal(LogoutReason.ClientRequest, Read.Logout(received[^1]));
        Assert.Equal([1], h.Links.Closed);
        Assert.Equal(1, h.Engine.OpenOrderCount);
    }

    private struct MassCancelCapture : ICommandHandler
    {
        public MassCancel Command;
        public readonly void On(in AddAccount c) { }
        public readonly void On(in AddSymbol c) { }
        public readonly void On(in HaltSymbol c) { }
        public readonly void On(in ResumeSymbol c) { }
        public readonly void On(in Deposit c) { }
        public readonly void On(in Withdraw c) { }
        public readonly void On(in SetAccountPermission c) { }
        public readonly void On(in NewOrder c) { }
        public readonly void On(in CancelOrder c) { }
        public readonly void On(in ReplaceOrder c) { }
        public void On(in MassCancel c) => Command = c;
        public void On(in LeaderTerm c) { }
        public void On(in ExpireOrders c) { }
    }
}
