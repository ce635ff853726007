// The load generator's sessions log on together: one already logged on keeps being polled (so it heartbeats) while
// another's logon takes its time; an engine ends a session after three heartbeat intervals of silence.
using Exchange.Contract;
using Exchange.Perf.E2e;

namespace Exchange.Perf.Tests;

public sealed class LogOnTests
{
    private sealed class Session(int settlesAfterPolls, bool refused = false) : ILoadClient
    {
        public int Polls;
        public OrderTracker Tracker { get; } = new(0, 8, new E2eLatency());
        public bool Disconnected => false;
        public long NewOrder(in SymbolMarket market, long clientOrderId, Side side, TimeInForce timeInForce, long price, long quantity) => 0;
        public long Cancel(in SymbolMarket market, long clientOrderId) => 0;
        public long Replace(in SymbolMarket market, long origClientOrderId, long clientOrderId, long price, long quantity) => 0;
        public int Poll() => ++Polls;
        public bool Settled => Polls >= settlesAfterPolls;
        public void FinishLogon(TimeSpan timeout)
        {
            if (refused) throw new InvalidOperationException("refused");
        }
        public void Close() { }
        public void Dispose() { }
    }

    [Fact]
    public void A_session_already_logged_on_is_polled_while_another_logs_on()
    {
        var first = new Session(1);
        var slow = new Session(200);
        LoadGenerator.LogOn([first, slow]);
        Assert.True(first.Polls >= 200, $"the first session was polled {first.Polls} times while the second logged on");
    }

    [Fact]
    public void A_refused_session_ends_the_log_on_with_its_reason()
    {
        var e = Assert.Throws<InvalidOperationException>(() => LoadGenerator.LogOn([new Session(1), new Session(1, refused: true)]));
        Assert.Equal("refused", e.Message);
    }
}
