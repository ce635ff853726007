// The per-message path allocates nothing in steady state: receive, frame, parse, validate, deliver, and send an
// application message (stored and written to the socket) — through the real acceptor and real sockets, on this thread.
using System.Net;
using System.Net.Sockets;
using Exchange.Fix;

namespace Exchange.Fix.Session.Tests;

public class AllocationTests
{
    private const int Warmup = 2_000;
    private const int Measured = 20_000;

    private sealed class EchoApplication : IFixApplication
    {
        private readonly byte[] _body = new byte[256];

        public long Delivered { get; private set; }

        public void OnLogon(FixSession session) { }

        public void OnLogout(FixSession session) { }

        public void OnApplicationMessage(FixSession session, in FixMessage message)
        {
            Delivered++;
            message.TryGetValue(FixTag.ClOrdID, out var clOrdId);
            message.TryGetDecimal(FixTag.Price, 4, out long price);
            var body = new FixBodyWriter(_body);
            body.Append(FixTag.OrderID, Delivered);
            body.Append(FixTag.ClOrdID, clOrdId);
            body.Append(FixTag.ExecID, Delivered);
            body.Append(FixTag.ExecType, '0');
            body.Append(FixTag.OrdStatus, '0');
            body.AppendDecimal(FixTag.Price, price, 4);
            body.AppendUtcTimestamp(FixTag.TransactTime, 1_772_445_600_000_000_000 + Delivered, TimestampPrecision.Microseconds);
            session.SendApplication("8"u8, body.Written);
        }
    }

    [Fact]
    public void Steady_state_order_and_execution_report_round_trip_allocates_nothing() => AssertRoundTripAllocatesNothing("");

    [Fact]
    public void Steady_state_round_trip_with_every_message_logged_to_file_and_screen_allocates_nothing() =>
        AssertRoundTripAllocatesNothing("FileLogPath={0}\nScreenLogShowIncoming=Y\nScreenLogShowOutgoing=Y");

    private static void AssertRoundTripAllocatesNothing(string extraSettings)
    {
        var clock = new ManualClock();
        var app = new EchoApplication();
        string store = Path.Combine(Path.GetTempPath(), "fix-session-tests", Guid.NewGuid().ToString("N"));
        var settings = SessionSettings.Parse($"""
            [SESSION]
            ConnectionType=acceptor
            BeginString=FIX.4.4
            SenderCompID=EXCH
            TargetCompID=BROKER
            SocketAcceptHost=127.0.0.1
            SocketAcceptPort=0
            FileStorePath={store}
            AllowNoPassword=Y
            {string.Format(System.Globalization.CultureInfo.InvariantCulture, extraSettings, Path.Combine(store, "log"))}
            """, "alloc.cfg");
        using var acceptor = new FixAcceptor(settings, app, () => clock.Now, new FixAcceptorOptions { ScreenLog = Stream.Null });
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, acceptor.Port));
        socket.Blocking = false;

        // Every order is prepared up front so the client side allocates nothing while measured.
        var orders = new byte[Warmup + Measured + 2][];
        string time = clock.Timestamp();
        orders[0] = Wire.Build($"35=A|34=1|49=BROKER|52={time}|56=EXCH|98=0|108=30|");
        for (int i = 1; i < orders.Length; i++)
            orders[i] = Wire.Build($"35=D|34={i + 1}|49=BROKER|52={time}|56=EXCH|11=C{i}|21=1|55=ABC|54=1|60={time}|38=100|40=2|44=101.25|");
        var received = new byte[1 << 16];

        RoundTrip(0);
        for (int i = 1; i <= Warmup; i++) RoundTrip(i);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = Warmup + 1; i <= Warmup + Measured; i++) RoundTrip(i);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Warmup + Measured, app.Delivered);
        Assert.Equal(0, allocated);
        try
        {
            Directory.Delete(store, recursive: true);
        }
        catch (IOException)
        {
        }

        void RoundTrip(int i)
        {
            socket.Send(orders[i], SocketFlags.None, out _);
            int filled = 0;
            var deadline = Environment.TickCount64 + 5_000;
            while (true)
            {
                acceptor.DoWork(clock.Now);
                int n = socket.Receive(received.AsSpan(filled), SocketFlags.None, out var error);
                if (error == SocketError.Success) filled += n;
                if (FixFraming.TryFrame(received.AsSpan(0, filled), out int length, out _) && length == filled) return;
                if (Environment.TickCount64 > deadline) throw new TimeoutException($"no answer to message {i}");
            }
        }
    }
}
