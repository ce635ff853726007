// The timer input: a primary's duty cycle injects ExpireOrders once its sequencer's clock passes the earliest pending
// expiry; it is journaled like any input, so a restart and a standby applying the same records expire the same orders at
// the same sequence; a standby never injects one of its own.
using Exchange.Contract;
using Exchange.Engine.Tests;
using Exchange.Journal;

namespace Exchange.Engine.Host.Tests;

public sealed class ExpiryTimerTests
{
    private const long Second = 1_000_000_000;
    /// <summary>2026-12-05 10:00 UTC.</summary>
    private const long Start = 1_796_464_800 * Second;

    private long _clock = Start;

    private EngineServiceOptions Options(string directory, string? standbyOf = null) => new()
    {
        JournalDirectory = directory, Durability = Durability.Batch, BatchMaxDelay = TimeSpan.Zero, Clock = () => _clock, StandbyOf = standbyOf,
        AcceptClearKeyLogon = true, // the order path under test, not the handshake
    };

    private static byte[] Gtd(long account, long cid, Side side, long price, long expireTime) =>
        Client.Encode(new NewOrder(account, cid, 1, side, OrderType.Limit, TimeInForce.GoodTillDate, price, 1_000_000, ExpireTime: expireTime));

    private static byte[] Day(long account, long cid, Side side, long price) =>
        Client.Encode(new NewOrder(account, cid, 1, side, OrderType.Limit, TimeInForce.Day, price, 1_000_000));

    [Fact]
    public void The_primary_injects_one_timer_input_once_its_clock_passes_an_expiry_and_it_is_journaled()
    {
        using var dir = new TempDirectory();
        var links = new RecordingLinks();
        using var engine = EngineService.Open(new ShardConfig(), links, Options(dir.Path));
        engine.OnMessage(1, Client.Logon("mm-1001-key"));
        engine.OnMessage(1, Gtd(1001, 1, Side.Buy, 59_000, Start + 2 * Second));
        engine.OnMessage(1, Gtd(1001, 2, Side.Sell, 61_000, Start + 1 * Second));
        engine.OnMessage(1, Day(1001, 3, Side.Buy, 58_000)); // the demo symbols' sessions end at UTC midnight
        long afterOrders = engine.LastSequence;

        _clock = Start + Second - 1;
        engine.DoWork(0);
        Assert.Equal(afterOrders, engine.LastSequence); // nothing due: no input

        _clock = Start + Second;
        engine.DoWork(1);
        Assert.Equal(afterOrders + 1, engine.LastSequence);
        engine.DoWork(2);
        Assert.Equal(afterOrders + 1, engine.LastSequence); // once
        Assert.False(engine.TryGetOrder(1001, 2, out _));
        Assert.True(engine.TryGetOrder(1001, 1, out _));

        _clock = Start + 3 * Second;
        engine.DoWork(3);
        engine.DoWork(4);
        Assert.Equal(afterOrders + 2, engine.LastSequence);
        Assert.False(engine.TryGetOrder(1001, 1, out _));
        Assert.True(engine.TryGetOrder(1001, 3, out _));

        _clock = Start + 14 * 3_600 * Second; // midnight
        engine.DoWork(5);
        Assert.False(engine.TryGetOrder(1001, 3, out _));
        Assert.Equal(afterOrders + 3, engine.LastSequence);
        engine.DoWork(6);

        var expired = Read.Events(links.Received(1)).OfType<OrderCancelled>().ToList();
        Assert.Equal([(2L, CancelReason.Expired), (1L, CancelReason.Expired), (3L, CancelReason.Expired)], expired.Select(c => (c.ClientOrderId, c.Reason)));

        var timers = Read.Journal(dir.Path).Where(r => r.Type == ExpireOrdersDecoder.TemplateId).ToList();
        Assert.Equal([afterOrders + 1, afterOrders + 2, afterOrders + 3], timers.Select(r => r.Sequence));
        Assert.Equal(Start + Second, ExpireOrdersDecoder.WrapWithHeader(timers[0].Payload).DueAt);
    }

    [Fact]
    public void A_restart_and_a_standby_fed_the_journal_expire_the_same_orders_at_the_same_sequences_and_a_standby_injects_none()
    {
        using var dir = new TempDirectory();
        using var standbyDir = new TempDirectory();
        var links = new RecordingLinks();
        var engine = EngineService.Open(new ShardConfig(), links, Options(dir.Path));
        engine.OnMessage(1, Client.Logon("mm-1001-key"));
        engine.OnMessage(1, Client.Logon("mm-1002-key"));
        for (int i = 0; i < 6; i++) engine.OnMessage(1, Gtd(1001, 10 + i, i % 2 == 0 ? Side.Buy : Side.Sell, i % 2 == 0 ? 59_000 - i : 61_000 + i, Start + (6 - i) * Second));
        engine.OnMessage(1, Gtd(1001, 20, Side.Buy, 58_000, Start + 60 * Second)); // still open at the end
        _clock = Start + 3 * Second;
        engine.DoWork(0);
        engine.OnMessage(1, Client.Cancel(1001, 10)); // due at 6 s: cancelled first
        _clock = Start + 7 * Second;
        engine.DoWork(1);
        long hash = engine.StateHash(), last = engine.LastSequence;
        engine.Dispose();

        var records = new List<(long Sequence, long Timestamp, ushort Type, ushort Version, byte[] Payload)>();
        using (var reader = JournalReader.Open(dir.Path))
            while (reader.TryRead(out var r) == ReadStatus.Record) records.Add((r.Sequence, r.Timestamp, r.Type, r.Version, r.Payload.ToArray()));
        Assert.Equal(2, records.Count(r => r.Type == ExpireOrdersDecoder.TemplateId));

        // A restart from the journal alone (no snapshot) reaches the same state.
        foreach (string snapshot in Directory.GetFiles(Path.Combine(dir.Path, "snapshots"))) File.Delete(snapshot);
        using (var reopened = EngineService.Open(new ShardConfig(), new RecordingLinks(), Options(dir.Path)))
        {
            Assert.Equal(last, reopened.LastSequence);
            Assert.Equal(hash, reopened.StateHash());
        }

        // A standby applies the primary's records; its clock is far past the last expiry, yet it injects nothing.
        _clock = Start + 3_600 * Second;
        using var standby = EngineService.Open(new ShardConfig(), new RecordingLinks(), Options(standbyDir.Path, standbyOf: "aeron:udp?endpoint=127.0.0.1:40999"));
        foreach (var r in records) standby.ApplyReplicated(r.Sequence, r.Timestamp, r.Type, r.Version, r.Payload);
        standby.DoWork(0);
        standby.DoWork(1);
        Assert.Equal(last, standby.LastSequence);
        Assert.Equal(hash, standby.StateHash());
        Assert.True(standby.TryGetOrder(1001, 20, out _));
        Assert.Equal(records.Select(r => (r.Sequence, r.Type)), Read.Journal(standbyDir.Path).Select(r => (r.Sequence, r.Type)));
    }
}

public sealed class SessionEndConfigTests
{
    private static SymbolConfig Symbol(string? sessionEnd) => new ShardConfig().Symbols[0] with { SessionEnd = sessionEnd };

    [Theory]
    [InlineData(null, 0L)]
    [InlineData("16:00", 16 * 3_600_000_000_000L)]
    [InlineData("09:30:15", (9 * 3_600 + 30 * 60 + 15) * 1_000_000_000L)]
    [InlineData("24:00", 86_400_000_000_000L)]
    public void A_session_end_reads_as_nanoseconds_after_utc_midnight(string? text, long nanos) => Assert.Equal(nanos, Symbol(text).SessionEndNanos());

    [Theory]
    [InlineData("00:00")]
    [InlineData("24:01")]
    [InlineData("16")]
    [InlineData("16:60")]
    [InlineData("4:00")]
    [InlineData("16:00:00:00")]
    [InlineData("-1:00")]
    public void A_bad_session_end_stops_the_start_naming_the_symbol(string text)
    {
        var config = new ShardConfig();
        config.Symbols[0] = Symbol(text);
        var e = Assert.Throws<ConfigException>(() => config.OpeningCommands());
        Assert.Contains("BTC-USD", e.Message);
        Assert.Contains("sessionEnd", e.Message);
    }

    [Fact]
    public void The_demo_config_ends_its_symbols_sessions_at_midnight_and_a_config_file_may_say_otherwise()
    {
        Assert.All(new ShardConfig().Symbols, s => Assert.Equal("24:00", s.SessionEnd));
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Path);
        var config = new ShardConfig();
        config.Symbols[1] = config.Symbols[1] with { SessionEnd = "21:00" };
        string path = Path.Combine(dir.Path, "shard.json");
        File.WriteAllText(path, config.ToJson());
        Assert.Contains("\"sessionEnd\": \"21:00\"", File.ReadAllText(path));
        Assert.Equal(21 * 3_600_000_000_000L, ShardConfig.Load(path).Symbols[1].SessionEndNanos());
    }
}
