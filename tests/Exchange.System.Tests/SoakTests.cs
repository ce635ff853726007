// A bounded soak: a legitimate market maker trades against a real engine while a hostile script sends everything the
// hostile-input tests send one at a time, all at once and for twenty seconds. The client's acknowledgements must
// never stop for more than 100 ms, and the engine's memory must stay within the stated bound.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Exchange.Client;
using Exchange.Engine;
using Exchange.Contract;
using Exchange.Testing;

namespace Exchange.System.Tests;

public sealed class SoakTests : IDisposable
{
    private const int Btc = 1;
    private const long BtcLot = 1_000_000;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _root = new("exchange-soak-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public void A_trading_client_is_answered_without_pause_while_strangers_attack_the_engine()
    {
        // Durability none: an ack then waits for no fsync, whose time on a disk other suites share says nothing about
        // strangers; what is measured is whether their traffic holds the engine up.
        using var engine = new EngineProcess(1, "BTC-USD,ETH-USD", _root.Combine("engine"), durability: "none");
        // The engine and this client run ahead of everything else on the machine (other test suites, the attack),
        // so a pause measured here is the engine's doing, not the scheduler's.
        Priority.SetProcess(engine.Process.Id, -10);
        Priority.SetCurrentThread(-10);
        using var client = Clients.Connect("mm-1001-key", new ShardEndpoint(engine.ChannelUri, [Btc, 2]));
        long baseline = engine.ResidentBytes;
        using var stop = new CancellationTokenSource();
        var attacks = new Attacks(engine.Port, stop.Token);
        var hostile = new Thread(attacks.Run) { Name = "hostile", IsBackground = true };
        if (Environment.GetEnvironmentVariable("SOAK_NO_ATTACK") == null) hostile.Start();

        var clock = Stopwatch.StartNew();
        long lastAck = 0, longestSilence = 0, sent = 0, acknowledged = 0;
        var outstanding = new Queue<long>();
        var ackLatencies = new List<long>();
        long nextSend = 0;
        try
        {
            while (clock.Elapsed < Duration)
            {
                long now = clock.ElapsedTicks;
                if (now >= nextSend)
                {
                    // One order in flight at a time, every 5 ms: new orders that rest, and their cancels.
                    long id = ++sent;
                    long result = id % 2 == 1
                        ? client.NewOrder(new NewOrder(0, id, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 50_000 + id % 100, BtcLot))
                        : client.Cancel(Btc, id - 1);
                    Assert.True(result > 0, $"send refused: {result}");
                    outstanding.Enqueue(now);
                    if (lastAck == 0) lastAck = now;
                    nextSend = now + Stopwatch.Frequency / 200;
                }
                int before = client.Listener.Accepted.Count + client.Listener.Cancelled.Count;
                if (client.Poll() == 0) Thread.Sleep(0);
                int acks = client.Listener.Accepted.Count + client.Listener.Cancelled.Count - before;
                now = clock.ElapsedTicks;
                for (int i = 0; i < acks; i++)
                {
                    acknowledged++;
                    ackLatencies.Add(now - outstanding.Dequeue());
                    longestSilence = Math.Max(longestSilence, now - lastAck);
                    lastAck = now;
                }
                if (outstanding.Count > 0) longestSilence = Math.Max(longestSilence, now - Math.Max(lastAck, outstanding.Peek()));
            }
        }
        finally
        {
            stop.Cancel();
            if (hostile.IsAlive) hostile.Join();
        }

        long grown = engine.ResidentBytes - baseline;
        client.Logout();
        engine.Process.Terminate();
        double silenceMs = longestSilence * 1000.0 / Stopwatch.Frequency;
        ackLatencies.Sort();
        string summary = $"{acknowledged} of {sent} acknowledged, longest silence {silenceMs:0.0} ms, p50 " +
            $"{ackLatencies[ackLatencies.Count / 2] * 1e6 / Stopwatch.Frequency:0} us, max {ackLatencies[^1] * 1000.0 / Stopwatch.Frequency:0.0} ms; " +
            $"engine grew {grown >> 20} MiB; attacks: {attacks}; engine: {engine.Process.Stderr.Split('\n').LastOrDefault(l => l.Contains("gc collections"))}";
        Assert.Empty(client.Listener.Rejected);
        Assert.True(acknowledged >= sent - 1, summary);
        Assert.True(acknowledged > Duration.TotalSeconds * 100, summary);
        Assert.True(silenceMs <= 100, summary);
        Assert.True(grown < 256L << 20, summary);
        Assert.Contains("refused in the last second", engine.Process.Stderr);
    }

    /// <summary>Everything at once, round after round: floods of new sessions, gigabyte terms, forged frames, bad
    /// logons with outrageous response channels, garbage.</summary>
    private sealed class Attacks(int enginePort, CancellationToken stop)
    {
        private long _rounds, _datagrams, _logons;

        public void Run()
        {
            Priority.SetCurrentThread(10);
            var random = new Random(11);
            var strangers = Enumerable.Range(2, 6).Select(i => new Stranger($"127.0.0.{i}")).ToList();
            using var liar = new RawClient(enginePort, "127.0.0.9");
            using var victim = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.99"), 0));
            int victimPort = ((IPEndPoint)victim.Client.LocalEndPoint!).Port;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    _rounds++;
                    foreach (var stranger in strangers)
                    {
                        for (int i = 0; i < 50; i++)
                        {
                            int session = random.Next();
                            Send(stranger, Stranger.Setup(session, StreamIds.Commands, 1 << 20));
                            Send(stranger, Stranger.Data(session, StreamIds.Commands, 7, 0, RandomBytes(random, 64)));
                        }
                        Send(stranger, Stranger.Setup(random.Next(), StreamIds.Commands, 1 << 30));
                        Send(stranger, RandomBytes(random, random.Next(1, 1400)));
                    }
                    liar.Logon($"stolen-{random.Next()}", liar.ResponseChannel(termLength: "1g"));
                    liar.Logon($"stolen-{random.Next()}", $"aeron:udp?endpoint=127.0.0.99:{victimPort}|term-length=64k");
                    liar.Logon($"stolen-{random.Next()}", liar.ResponseChannel());
                    _logons += 3;
                    liar.Pump();
                    stop.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(20));
                }
            }
            finally
            {
                foreach (var stranger in strangers) stranger.Dispose();
            }
        }

        private void Send(Stranger stranger, byte[] datagram)
        {
            stranger.Send(datagram, enginePort);
            _datagrams++;
        }

        private static byte[] RandomBytes(Random random, int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }

        public override string ToString() => $"{_rounds} rounds, {_datagrams} datagrams, {_logons} bad logons";
    }
}
