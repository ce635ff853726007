// When responses may leave: only once their command is durable (group commit under Batch), in order per
// connection, retried when the transport refuses them, and a connection that stays unsendable is dropped.
using Exchange.Contract;
using Exchange.Engine.Tests;
using Exchange.Journal;

namespace Exchange.Engine.Host.Tests;

public sealed class OutboundTests
{
    [Fact]
    public void Under_batch_durability_responses_and_market_data_wait_for_the_group_commit_in_DoWork()
    {
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.Batch, BatchMaxDelay = TimeSpan.Zero });
        h.LogOn(1, "mm-1001-key");
        h.LogOn(2, "mm-1002-key");
        h.Links.Clear();
        long fsyncs = h.Engine.Fsyncs;

        for (int i = 0; i < 20; i++) h.Engine.OnMessage(1, Client.Limit(1001, 100 + i, Side.Sell, 60_000 + i));
        h.Engine.OnMessage(2, Client.Limit(1002, 1, Side.Buy, 60_000));

        // Applied, but nothing derived from these commands has left: they are not durable yet.
        Assert.Equal(Harness.OpeningCommands + 21, h.Engine.LastSequence);
        Assert.Equal(Harness.OpeningCommands, h.Engine.DurableSequence);
        Assert.Empty(h.Links.Offered);
        Assert.Empty(h.Links.MarketData);
        Assert.True(h.Engine.QueuedMessages > 0);
        Assert.Equal(fsyncs, h.Engine.Fsyncs);

        h.Work();

        // One fsync for all 21 commands, then everything goes, each session in order.
        Assert.Equal(fsyncs + 1, h.Engine.Fsyncs);
        Assert.Equal(Harness.OpeningCommands + 21, h.Engine.DurableSequence);
        Assert.Equal(0, h.Engine.QueuedMessages);
        var seller = Read.Events(h.Links.Received(1));
        Assert.Equal(20, seller.OfType<OrderAccepted>().Count());
        Assert.Equal(Enumerable.Range(100, 20).Select(i => (long)i), seller.OfType<OrderAccepted>().Select(a => a.ClientOrderId));
        Assert.Single(seller.OfType<Fill>());
        Assert.Single(Read.Events(h.Links.Received(2)).OfType<Fill>());
        Assert.Single(h.Links.MarketData.OfTemplate(TradeDecoder.TemplateId));
        var sequences = h.Links.Received(1).Select(Read.Sequence).ToList();
        Assert.Equal(sequences.Order(), sequences);
    }

    [Fact]
    public void Under_none_durability_responses_go_at_once()
    {
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.None });
        h.LogOn(1, "mm-1001-key");
        h.Links.Clear();
        h.Engine.OnMessage(1, Client.Limit(1001, 1, Side.Sell, 60_000));
        Assert.Equal(Harness.OpeningCommands + 1, h.Engine.DurableSequence);
        Assert.Single(Read.Events(h.Links.Received(1)).OfType<OrderAccepted>());
        Assert.NotEmpty(h.Links.MarketData);
    }

    [Fact]
    public void A_refused_send_is_retried_on_the_next_DoWork_and_later_messages_wait_behind_it()
    {
        using var h = new Harness();
        h.LogOn(1, "mm-1001-key");
        h.Links.Clear();
        h.Links.Refuse.Add(1);

        h.Engine.OnMessage(1, Client.Limit(1001, 1, Side.Sell, 60_000));
        h.Engine.OnMessage(1, Client.Limit(1001, 2, Side.Sell, 60_001));
        Assert.Empty(h.Links.Received(1));
        // Only the first message was tried; the rest queued behind it without being offered.
        Assert.Single(h.Links.Offered);

        h.Work(100_000_000);
        Assert.Empty(h.Links.Received(1));
        h.Links.Refuse.Clear();
        h.Work(100_000_000);

        var accepted = Read.Events(h.Links.Received(1)).OfType<OrderAccepted>().Select(a => a.ClientOrderId).ToList();
        Assert.Equal([1L, 2L], accepted);
        Assert.Equal(0, h.Engine.QueuedMessages);
        Assert.True(h.Engine.TryGetSession(1, out _, out _));
    }

    [Fact]
    public void A_connection_unsendable_for_more_than_five_seconds_is_treated_as_lost()
    {
        using var h = new Harness();
        h.LogOn(1, "mm-1001-key", cancelOnDisconnect: true, heartbeatMs: 60_000);
        h.Engine.OnMessage(1, Client.Limit(1001, 1, Side.Sell, 60_000));
        h.Links.Refuse.Add(1);
        h.Engine.OnMessage(1, Client.Limit(1001, 2, Side.Sell, 60_001));

        h.Work(4_000_000_000);
        Assert.True(h.Engine.TryGetSession(1, out _, out _));
        h.Work(1_500_000_000);
        Assert.False(h.Engine.TryGetSession(1, out _, out _));
        Assert.Equal([1], h.Links.Closed);
        h.Work();
        Assert.Equal(0, h.Engine.QueuedMessages);
        // Lost, so cancel-on-disconnect applied.
        Assert.Equal(0, h.Engine.OpenOrderCount);
    }

    [Fact]
    public void A_stall_of_the_engine_thread_does_not_count_toward_a_connection_being_unsendable()
    {
        using var h = new Harness();
        h.LogOn(1, "mm-1001-key", cancelOnDisconnect: true, heartbeatMs: 60_000);
        h.Links.Refuse.Add(1);
        h.Engine.OnMessage(1, Client.Limit(1001, 1, Side.Sell, 60_000));
        h.Work(4_000_000_000);
        // 30 s in which the engine did not run, so did not try to send either.
        h.Stall(30_000_000_000);
        Assert.True(h.Engine.TryGetSession(1, out _, out _));
        h.Work(900_000_000);  // 4.9 s of failed sends while it ran
        Assert.True(h.Engine.TryGetSession(1, out _, out _));
        h.Work(200_000_000);
        Assert.False(h.Engine.TryGetSession(1, out _, out _));
        Assert.Equal([1], h.Links.Closed);
    }

    [Fact]
    public void A_full_outbound_buffer_forces_the_group_commit_early_instead_of_dropping()
    {
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions
        {
            JournalDirectory = dir.Path, Durability = Durability.Batch, BatchMaxDelay = TimeSpan.FromHours(1), OutboundBufferBytes = 4096,
        });
        h.LogOn(1, "mm-1001-key");
        h.Links.Clear();
        for (int i = 0; i < 200; i++) h.Engine.OnMessage(1, Client.Limit(1001, 1 + i, Side.Sell, 60_000 + i));
        h.Engine.Shutdown();

        var accepted = Read.Events(h.Links.Received(1)).OfType<OrderAccepted>().Select(a => a.ClientOrderId).ToList();
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), accepted);
    }

    [Fact]
    public void A_logon_reject_the_transport_cannot_take_yet_is_retried_before_the_path_closes()
    {
        using var h = new Harness();
        h.Links.Refuse.Add(1);  // e.g. the publication to the client's channel is still connecting
        h.Engine.OnMessage(1, Client.Logon("no-such-key"));
        Assert.Empty(h.Links.Received(1));
        Assert.Empty(h.Links.Closed);

        h.Links.Refuse.Clear();
        h.Work(10_000_000);
        Assert.Equal(LogonRejectReason.UnknownApiKey, Read.LogonReject(h.Links.Received(1).Single()));
        Assert.Equal([1], h.Links.Closed);
        Assert.False(h.Engine.TryGetSession(1, out _, out _));
        // The connection can log on properly afterwards.
        h.LogOn(1, "mm-1001-key");
        Assert.True(h.Engine.TryGetSession(1, out _, out _));
    }

    [Fact]
    public void After_shutdown_DoWork_lets_back_pressured_logouts_drain_then_closes_their_paths()
    {
        using var dir = new TempDirectory();
        using var h = new Harness(new EngineServiceOptions { JournalDirectory = dir.Path, Durability = Durability.Batch, BatchMaxDelay = TimeSpan.Zero });
        h.LogOn(1, "mm-1001-key");
        h.LogOn(2, "mm-1002-key");
        h.Engine.OnMessage(1, Client.Limit(1001, 1, Side.Sell, 60_000));
        h.Links.Refuse.Add(1);

        h.Engine.Shutdown();
        Assert.Equal(LogoutReason.ShuttingDown, Read.Logout(h.Links.Received(2).Last()));
        Assert.Equal([2], h.Links.Closed);
        Assert.Empty(Read.Events(h.Links.Received(1)).OfType<OrderAccepted>());

        h.Links.Refuse.Clear();
        h.Work(10_000_000);
        var received = h.Links.Received(1);
        Assert.Single(Read.Events(received).OfType<OrderAccepted>());
        Assert.Equal(LogoutReason.ShuttingDown, Read.Logout(received[^1]));
        Assert.Equal([2, 1], h.Links.Closed);
        Assert.Equal(0, h.Engine.QueuedMessages);
    }
}
