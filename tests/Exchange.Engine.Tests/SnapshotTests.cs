// A snapshot must bring back the same engine: same state hash now, and the same events for every command after.
namespace Exchange.Engine.Tests;

public sealed class SnapshotTests
{
    private static (MatchingEngine<RecordingOutput> Engine, RecordingOutput Output, long Sequence) Busy(int seed, int commands)
    {
        var output = new RecordingOutput();
        var engine = new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig(), output);
        long seq = 0;
        engine.Apply(++seq, 1, new AddSymbol(EngineFixture.Spec1));
        engine.Apply(++seq, 1, new AddSymbol(EngineFixture.Spec2));
        for (long a = 1; a <= 4; a++)
        {
            engine.Apply(++seq, 1, new AddAccount(a));
            for (int asset = 0; asset < 3; asset++) engine.Apply(++seq, 1, new Deposit(a, asset, 1_000_000_000));
        }
        Drive(engine, new Random(seed), commands, ref seq);
        return (engine, output, seq);
    }

    private static void Drive(MatchingEngine<RecordingOutput> engine, Random random, int commands, ref long seq)
    {
        for (int i = 0; i < commands; i++)
        {
            long account = random.Next(1, 5), id = random.Next(1, 200);
            var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
            int symbol = random.Next(2) == 0 ? EngineFixture.Sym : EngineFixture.Sym2;
            long price = symbol == EngineFixture.Sym ? 10_000 + random.Next(-8, 9) * 100 : 1_000 + random.Next(-8, 9);
            long qty = symbol == EngineFixture.Sym ? random.Next(1, 20) * 10 : random.Next(5, 50);
            switch (random.Next(50))
            {
                case < 30:
                    engine.Apply(++seq, seq, new NewOrder(account, id, symbol, side, OrderType.Limit,
                        random.Next(5) == 0 ? TimeInForce.ImmediateOrCancel : TimeInForce.GoodTillCancel, price, qty,
                        SelfTrade: (SelfTradePrevention)random.Next(5), PostOnly: random.Next(8) == 0));
                    break;
                case < 40: engine.Apply(++seq, seq, new CancelOrder(account, id)); break;
                case < 49: engine.Apply(++seq, seq, new ReplaceOrder(account, id, id, price, qty)); break;
                default: engine.Apply(++seq, seq, new MassCancel(account, random.Next(2) == 0 ? -1 : symbol, (Side)random.Next(3))); break;
            }
        }
    }

    private static MatchingEngine<RecordingOutput> RoundTrip(MatchingEngine<RecordingOutput> engine, RecordingOutput output)
    {
        var stream = new MemoryStream();
        engine.Capture().WriteTo(stream);
        stream.Position = 0;
        var restored = new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig(), output);
        restored.Restore(EngineSnapshot.ReadFrom(stream));
        return restored;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_restored_snapshot_has_the_same_state_hash(int seed)
    {
        var (engine, _, _) = Busy(seed, 3_000);
        Assert.True(engine.OpenOrderCount > 10, "the workload should leave orders resting");
        var restored = RoundTrip(engine, new RecordingOutput());
        Assert.Equal(engine.StateHash(), restored.StateHash());
        Assert.Equal(engine.LastSequence, restored.LastSequence);
        Assert.Equal(engine.OpenOrderCount, restored.OpenOrderCount);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void A_restored_engine_produces_the_same_events_afterwards(int seed)
    {
        var (engine, output, seq) = Busy(seed, 3_000);
        var restoredOutput = new RecordingOutput();
        var restored = RoundTrip(engine, restoredOutput);
        output.Clear();
        long seqA = seq, seqB = seq;
        Drive(engine, new Random(seed * 31), 3_000, ref seqA);
        Drive(restored, new Random(seed * 31), 3_000, ref seqB);
        Assert.Equal(output.Events, restoredOutput.Events);
        Assert.Equal(engine.StateHash(), restored.StateHash());
    }

    [Fact]
    public void A_truncated_snapshot_is_refused_with_a_reason()
    {
        var (engine, _, _) = Busy(6, 500);
        var stream = new MemoryStream();
        engine.Capture().WriteTo(stream);
        var bytes = stream.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => EngineSnapshot.ReadFrom(new MemoryStream(bytes[..(bytes.Length / 2)])));
        Assert.Contains("truncated", e.Message);
    }

    /// <summary>A book finds a level by its price's tick in the band, so a snapshot whose order or stop names a price
    /// off the symbol's ticks or outside its band (a damaged or forged file) is refused, not restored into the wrong level.</summary>
    [Theory]
    [InlineData("order", 10_050)] // between ticks
    [InlineData("order", 11_100)] // a tick above the band
    [InlineData("order", 8_900)] // a tick below it
    [InlineData("stop", 11_100)]
    [InlineData("limit", 10_001)]
    public void A_snapshot_price_off_the_ticks_or_band_is_refused(string what, long price)
    {
        var (engine, _, seq) = Busy(10, 600);
        engine.Apply(++seq, seq, new NewOrder(1, 1_000, EngineFixture.Sym, Side.Buy, OrderType.StopLimit, TimeInForce.GoodTillCancel, 10_700, 10,
            StopPrice: 10_600));
        var snapshot = engine.Capture();
        Assert.Single(snapshot.Stops);
        // The unchanged snapshot restores.
        new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig(), new RecordingOutput()).Restore(snapshot);
        if (what == "order")
        {
            int i = Array.FindIndex(snapshot.Orders, o => o.Symbol == EngineFixture.Sym);
            snapshot.Orders[i] = snapshot.Orders[i] with { Price = price };
        }
        else snapshot.Stops[0] = what == "stop" ? snapshot.Stops[0] with { StopPrice = price } : snapshot.Stops[0] with { Price = price };
        var restored = new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig(), new RecordingOutput());
        var e = Assert.Throws<InvalidDataException>(() => restored.Restore(snapshot));
        Assert.Contains("off the symbol's ticks or band", e.Message);
    }

    [Fact]
    public void A_snapshot_cannot_be_restored_into_an_engine_that_has_started()
    {
        var (engine, _, _) = Busy(7, 100);
        var snapshot = engine.Capture();
        Assert.Throws<InvalidOperationException>(() => engine.Restore(snapshot));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    public void Capturing_the_live_state_writes_the_same_bytes_as_copying_the_pools_first_and_restores_the_same_state(int seed)
    {
        var (engine, output, _) = Busy(seed, 800);
        var copied = new MemoryStream();
        var live = new MemoryStream();
        engine.BeginCapture().Complete().WriteTo(copied);
        engine.CaptureLive().WriteTo(live);
        Assert.Equal(copied.ToArray(), live.ToArray());
        live.Position = 0;
        var restored = new MatchingEngine<RecordingOutput>(EngineFixture.SmallConfig(), output);
        restored.Restore(EngineSnapshot.ReadFrom(live));
        Assert.Equal(engine.StateHash(), restored.StateHash());
    }
}
