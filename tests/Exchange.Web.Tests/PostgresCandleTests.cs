// Candles from the exporter's PostgreSQL: with EXCHANGE_WEB_POSTGRES set, candles exchange-web does not hold in memory
// (here: trades from before it started) come from the exporter's candles_1m table, for every interval, with the same
// numbers exchange-web's own candle series gives for the same trades.
using System.Text;
using Exchange.Client;
using Exchange.Contract;
using Exchange.Testing;

namespace Exchange.Web.Tests;

public sealed class PostgresCandleTests
{
    private sealed class Tape : ClientListener
    {
        public Func<long> Clock = () => 0;
        public int Accepted;
        public readonly List<(long Timestamp, long Price, long Quantity)> Trades = [];
        public override void OnAccepted(in OrderAccepted e) => Accepted++;
        public override void OnTrade(in Trade e) => Trades.Add((Clock(), e.Price, e.Quantity));
    }

    [Fact]
    public async Task Candles_before_exchange_web_started_come_from_the_exporters_table_with_the_numbers_of_the_in_memory_candles()
    {
        using var postgres = new PostgresServer();
        List<(long Timestamp, long Price, long Quantity)> trades = [];
        SymbolReference? btc = null;
        void Trade(string engine)
        {
            var options = new ClientOptions { Shards = [new ShardEndpoint(engine, [1])] };
            using var maker = ExchangeClient.Create(options with { ApiKey = "mm-1001-key" }, new Tape());
            using var taker = ExchangeClient.Create(options with { ApiKey = "mm-1002-key" }, new Tape());
            taker.Listener.Clock = () => taker.LastTimestamp;
            maker.Connect(Timeouts.Process);
            taker.Connect(Timeouts.Process);
            btc = taker.Symbols["BTC-USD"];
            long id = 1;
            foreach (var (price, lots) in new[] { (60_000L, 1L), (60_050L, 2L), (59_990L, 1L), (60_020L, 3L) })
            {
                Assert.True(maker.NewOrder(new NewOrder(0, id++, 1, Side.Sell, OrderType.Limit, TimeInForce.GoodTillCancel, price, lots * 1_000_000)) > 0);
                // The sell rests before the buy is sent: the two sessions' inputs are not ordered otherwise.
                int accepted = maker.Listener.Accepted + 1;
                var rested = DateTime.UtcNow + Timeouts.Process;
                while (maker.Listener.Accepted < accepted && DateTime.UtcNow < rested) { maker.Poll(); taker.Poll(); }
                Assert.True(taker.NewOrder(new NewOrder(0, id++, 1, Side.Buy, OrderType.Limit, TimeInForce.ImmediateOrCancel, price, lots * 1_000_000)) > 0);
                int expected = taker.Listener.Trades.Count + 1;
                var deadline = DateTime.UtcNow + Timeouts.Process;
                while (taker.Listener.Trades.Count < expected && DateTime.UtcNow < deadline) { maker.Poll(); taker.Poll(); }
                Assert.Equal(expected, taker.Listener.Trades.Count);
            }
            trades = [.. taker.Listener.Trades];
            maker.Logout(Timeouts.Prompt);
            taker.Logout(Timeouts.Prompt);
        }

        using var p = new WebProcesses(journal: true, beforeWeb: Trade,
            webEnvironment: new() { [Exchange.Web.PostgresCandles.ConnectionVariable] = postgres.ConnectionString });
        using var export = ChildProcess.StartDll("exchange-export.dll", [p.JournalDirectory!, "--postgres", postgres.ConnectionString]);
        export.WaitForLine("exporting sink=postgres");
        Eventually.True(() => postgres.Sql("SELECT coalesce(sum(trades), 0) FROM candles_1m") == "4", $"the exporter writes the candles: {export.Stderr}", Timeouts.Process);
        Assert.Contains("from PostgreSQL 127.0.0.1:", p.Web.Stderr);
        Assert.DoesNotContain("Password", p.Web.Stderr, StringComparison.OrdinalIgnoreCase);

        var symbol = WebSymbol.From(btc!)!;
        foreach (var (interval, nanos) in SymbolMarket.Intervals)
        {
            // What exchange-web's in-memory series makes of the same trades.
            var series = new CandleSeries(interval, nanos, 100);
            foreach (var t in trades) series.Add(t.Timestamp, t.Price, t.Quantity);
            string expected = Encoding.UTF8.GetString(Frames.Candles(symbol, interval, series.Newest(100)));
            var (status, body) = await Rest.Get(p.Port, $"/api/v1/candles/BTC-USD?interval={interval}&limit=100");
            Assert.Equal(200, status);
            Assert.Equal(expected, body);
            Assert.Contains("\"trades\":", body);
        }
    }
}
