// What strangers and unlucky operators do to a real engine process: frames written by hand, logons with bad keys and
// outrageous response channels, floods of new sessions, forged sources, a journal that lost its records, a full
// disk at shutdown, a read-only data directory. The engine must refuse each with a reason and carry on serving.
using System.Net;
using System.Net.Sockets;
using Exchange.Client;
using Exchange.Engine;
using Exchange.Contract;
using Exchange.Testing;
using Exchange.Transport;

namespace Exchange.System.Tests;

public sealed class HostileInputTests : IDisposable
{
    private const int Btc = 1;
    private const long BtcLot = 1_000_000;
    private static readonly string[] DemoKeys = ["mm-1001-key", "mm-1002-key", "broker-2001-key", "broker-2002-key", "web-3001-key"];
    private readonly TempDirectory _root = new("exchange-hostile-");

    public void Dispose() => _root.Dispose();

    private EngineProcess Engine(string name = "engine", IEnumerable<string>? extra = null, string durability = "batch") =>
        new(1, "BTC-USD,ETH-USD", _root.Combine(name), durability: durability, extra: extra);

    private static NewOrder Limit(long clientOrderId, Side side, long price) =>
        new(0, clientOrderId, Btc, side, OrderType.Limit, TimeInForce.GoodTillCancel, price, BtcLot);

    private static ShardEndpoint Shard(EngineProcess engine) => new(engine.ChannelUri, [Btc, 2]);

    /// <summary>A client of the library logs on and gets an order accepted: the engine still serves.</summary>
    private static void AssertServes(EngineProcess engine, string apiKey = "mm-1002-key", long clientOrderId = 1)
    {
        using var client = Clients.Connect(apiKey, Shard(engine));
        Assert.True(client.NewOrder(Limit(clientOrderId, Side.Buy, 59_000)) > 0);
        Clients.PollUntil(() => client.Listener.Accepted.Count == 1, Timeouts.Prompt, () => $"engine stderr: {engine.Process.Stderr}", () => client.Poll());
    }

    private static void WaitForStderr(EngineProcess engine, string text, Func<int>? poll = null) =>
        Eventually.True(() => engine.Process.Stderr.Contains(text, StringComparison.Ordinal), $"'{text}' in the engine's stderr:\n{engine.Process.Stderr}",
            between: () => { if ((poll?.Invoke() ?? 0) == 0) Thread.Sleep(5); });

    [Fact]
    public void A_setup_asking_for_a_gigabyte_term_neither_stops_the_engine_nor_a_client()
    {
        using var engine = Engine();
        using var client = Clients.Connect("mm-1001-key", Shard(engine));
        int clientPort = new Uri(client.ResponseChannelOf(0).Replace("aeron:udp?endpoint=", "udp://").Split('|')[0]).Port;
        using var stranger = new Stranger();
        stranger.Send(Stranger.Setup(sessionId: 1, StreamIds.Commands, termLength: 1 << 30), engine.Port);
        stranger.Send(Stranger.Setup(sessionId: 1, StreamIds.Responses, termLength: 1 << 30), clientPort);

        WaitForStderr(engine, "dropped_term_length_too_large=1", () => client.Poll());
        Eventually.True(() => client.Transport.Counters.Dropped(DropReason.TermLengthTooLarge) == 1, "the client counted the refused SETUP", between: () => client.Poll());
        Assert.False(engine.Process.HasExited);
        Assert.True(client.NewOrder(Limit(1, Side.Sell, 61_000)) > 0);
        Clients.PollUntil(() => client.Listener.Accepted.Count == 1, Timeouts.Prompt, () => client.Poll());
    }

    [Fact]
    public void A_bad_logon_asking_for_a_gigabyte_response_term_is_refused_and_the_engine_serves_on()
    {
        using var engine = Engine();
        using var raw = new RawClient(engine.Port);
        Assert.True(raw.Logon("no-such-key", raw.ResponseChannel(termLength: "1g")));
        WaitForStderr(engine, "term-length 1073741824 exceeds the engine's limit", raw.Pump);
        raw.PumpFor(TimeSpan.FromMilliseconds(200));
        Assert.Empty(raw.Received);
        AssertServes(engine);
    }

    [Fact]
    public void A_refused_logon_sends_nothing_to_an_address_the_client_does_not_send_from()
    {
        using var engine = Engine();
        using var victim = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 0));
        int victimPort = ((IPEndPoint)victim.Client.LocalEndPoint!).Port;
        using var raw = new RawClient(engine.Port, host: "127.0.0.1");
        Assert.True(raw.Logon("no-such-key", $"aeron:udp?endpoint=127.0.0.3:{victimPort}|term-length=64k"));
        WaitForStderr(engine, "response host 127.0.0.3 is not the client's own address 127.0.0.1", raw.Pump);
        raw.PumpFor(TimeSpan.FromMilliseconds(500));
        Assert.Equal(0, victim.Available);
    }

    [Fact]
    public void A_burst_of_bad_logons_costs_the_engine_a_bounded_number_of_packets()
    {
        using var engine = Engine();
        // The "response port" is a socket that never answers, so every path the engine opens to it repeats SETUP.
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int silentPort = ((IPEndPoint)silent.Client.LocalEndPoint!).Port;
        using var raw = new RawClient(engine.Port);
        for (int i = 0; i < 100; i++) Assert.True(raw.Logon($"bad-key-{i}", $"aeron:udp?endpoint=127.0.0.1:{silentPort}|term-length=64k"));
        WaitForStderr(engine, "logon_rejects_withheld=", raw.Pump);
        raw.PumpFor(TimeSpan.FromSeconds(2)); // every reject path has lingered out by now

        int datagrams = 0;
        while (silent.Available > 0) { IPEndPoint? from = null; silent.Receive(ref from); datagrams++; }
        // A handful of rejects within the per-source budget, each a few SETUPs over its 200 ms linger; before the
        // budget, each of the 100 would have sent SETUP every 100 ms for 5 s (5,000 datagrams).
        Assert.InRange(datagrams, 1, 60);
        Assert.False(engine.Process.HasExited);
    }

    [Fact]
    public void Forged_streams_from_many_addresses_grow_the_engines_memory_only_within_a_bound()
    {
        using var engine = Engine();
        AssertServes(engine);
        long before = engine.ResidentBytes;
        var strangers = Enumerable.Range(10, 8).Select(i => new Stranger($"127.0.0.{i}")).ToList();
        try
        {
            var payload = new byte[64];
            for (int session = 1; session <= 2_000; session++)
            {
                foreach (var stranger in strangers)
                {
                    int id = session * 100 + strangers.IndexOf(stranger);
                    stranger.Send(Stranger.Setup(id, StreamIds.Commands, termLength: 1 << 20), engine.Port);
                    stranger.Send(Stranger.Data(id, StreamIds.Commands, termId: 7, termOffset: 0, payload), engine.Port);
                }
            }
        }
        finally
        {
            foreach (var stranger in strangers) stranger.Dispose();
        }
        WaitForStderr(engine, "dropped_image_rate_limited=");
        Thread.Sleep(1000);
        long grown = engine.ResidentBytes - before;
        // At most 32 connections wait to log on, each with three 1 MiB terms, plus what the collector has not yet
        // returned: the stated bound is 256 MiB whatever the flood (16,000 streams of 3 MiB would be 48 GiB).
        Assert.True(grown < 256L << 20, $"the engine grew by {grown >> 20} MiB; stderr:\n{engine.Process.Stderr}");
        AssertServes(engine, "mm-1001-key", 2);
    }

    [Fact]
    public void A_flood_of_new_sessions_locks_out_neither_a_new_client_nor_a_logged_on_one()
    {
        using var engine = Engine();
        using var trader = Clients.Connect("mm-1001-key", Shard(engine));
        using var stop = new CancellationTokenSource();
        var flood = new Thread(() =>
        {
            using var stranger = new Stranger("127.0.0.2");
            var random = new Random(7);
            var sessions = Enumerable.Range(0, 1_100).Select(_ => random.Next()).ToArray();
            while (!stop.IsCancellationRequested)
            {
                foreach (int session in sessions) stranger.Send(Stranger.Setup(session, StreamIds.Commands, 1 << 20), engine.Port);
                stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(2));
            }
        });
        flood.Start();
        try
        {
            WaitForStderr(engine, "dropped_image_rate_limited=", () => trader.Poll());
            // The logged-on session trades on, and a newcomer logs on and trades, while the flood goes on.
            Assert.True(trader.NewOrder(Limit(1, Side.Sell, 61_000)) > 0);
            Clients.PollUntil(() => trader.Listener.Accepted.Count == 1, Timeouts.Prompt, () => trader.Poll());
            AssertServes(engine, "mm-1002-key");
            Assert.Matches("refused in the last second: .*(connections_evicted_before_logon|dropped_image_rate_limited)=", engine.Process.Stderr);
        }
        finally
        {
            stop.Cancel();
            flood.Join();
        }
    }

    [Fact]
    public void Frames_forged_from_another_address_never_reach_a_session()
    {
        using var engine = Engine();
        using var raw = new RawClient(engine.Port);
        Assert.Equal(LogonAckDecoder.TemplateId, raw.LogOn("mm-1001-key", raw.ResponseChannel(), Timeouts.Prompt));

        // A NewOrder for account 1001 written into the session's own stream, at the very position its next message
        // takes, from 127.0.0.2.
        var forged = new byte[256];
        int length = CommandCodec.Encode(new NewOrder(1001, 666, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 59_000, BtcLot), forged);
        var pub = raw.Publication;
        long position = pub.Position;
        int termId = TermPosition.TermId(position, pub.InitialTermId, pub.PositionBitsToShift);
        int termOffset = TermPosition.TermOffset(position, pub.PositionBitsToShift);
        using (var stranger = new Stranger("127.0.0.2"))
            stranger.Send(Stranger.Data(pub.SessionId, StreamIds.Commands, termId, termOffset, forged.AsSpan(0, length)), engine.Port);
        WaitForStderr(engine, "dropped_wrong_source=1", raw.Pump);

        // The session's own order, sent afterwards, is the only one the engine takes.
        length = CommandCodec.Encode(new NewOrder(1001, 7, Btc, Side.Buy, OrderType.Limit, TimeInForce.GoodTillCancel, 59_000, BtcLot), forged);
        Assert.True(raw.Offer(raw.Seal(forged.AsSpan(0, length))));
        Assert.True(raw.PumpUntil(() => raw.Received.Any(m => raw.TemplateOf(m) == OrderAcceptedDecoder.TemplateId), Timeouts.Prompt));
        raw.PumpFor(TimeSpan.FromMilliseconds(300));
        var accepted = raw.Received.Where(m => raw.TemplateOf(m) == OrderAcceptedDecoder.TemplateId)
            .Select(m => OrderAcceptedDecoder.WrapWithHeader(m).ClientOrderId).ToList();
        Assert.Equal([7L], accepted);
        Assert.Equal("1", StatusLines.Field(engine.Process.WaitForLine("status"), "openOrders"));
    }

    [Fact]
    public void An_engine_whose_journal_lost_its_records_refuses_to_start_unless_told_to_accept_the_loss()
    {
        string journal = _root.Combine("lost");
        using (var engine = new EngineProcess(1, "BTC-USD,ETH-USD", journal))
        {
            using var client = Clients.Connect("mm-1001-key", Shard(engine));
            for (int i = 0; i < 20; i++) Assert.True(client.NewOrder(Limit(100 + i, Side.Buy, 58_000 + i)) > 0);
            Clients.PollUntil(() => client.Listener.Accepted.Count == 20, Timeouts.Prompt, () => client.Poll());
            engine.Process.Kill();
        }
        // The only segment emptied, no snapshot: what a mistaken copy or a damaged disk leaves.
        string segment = Assert.Single(Directory.GetFiles(journal, "*.journal"));
        File.WriteAllBytes(segment, []);
        Assert.False(Directory.Exists(Path.Combine(journal, "snapshots"))); // killed: it never wrote one

        var refused = ChildProcess.Run(EngineProcess.Start(EngineProcess.Arguments(1, "BTC-USD,ETH-USD", journal, Ports.FreeUdp())));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("cannot start", refused.Stderr);
        Assert.Matches(@"records 1\.\.\d+ are missing", refused.Stderr);

        using var forced = new EngineProcess(1, "BTC-USD,ETH-USD", journal, extra: ["--force-empty"]);
        // Logged before the 'listening' line, but on stderr, which is read on a thread of its own: eventually there.
        Eventually.True(() => LogLines.AsText(forced.Process.Stderr).Contains("exchange-engine: warning: started with --force-empty", StringComparison.Ordinal),
            $"the engine warns that it started with --force-empty:\n{forced.Process.Stderr}", Timeouts.Prompt);
    }

    [Fact]
    public void A_snapshot_that_cannot_be_written_at_sigterm_exits_non_zero_and_the_journal_replays_whole()
    {
        string journal = _root.Combine("full");
        string snapshots = Path.Combine(journal, "snapshots");
        int port = Ports.FreeUdp();
        // The snapshot directory is a 4 KiB file system, filled before the engine starts.
        string mount = $"mkdir -p '{snapshots}'; mount -t tmpfs -o size=4k tmpfs '{snapshots}'; dd if=/dev/zero of='{snapshots}/fill' bs=4k count=1 2>/dev/null || true";
        var engine = EngineProcess.Start(EngineProcess.Arguments(1, "BTC-USD,ETH-USD", journal, port), mount);
        string stateHash;
        try
        {
            engine.WaitForLine("listening");
            using (var client = Clients.Connect("mm-1001-key", new ShardEndpoint(EngineProcess.Channel(port), [Btc, 2])))
            {
                for (int i = 0; i < 10; i++) Assert.True(client.NewOrder(Limit(100 + i, Side.Sell, 61_000 + i)) > 0);
                Clients.PollUntil(() => client.Listener.Accepted.Count == 10, Timeouts.Prompt, () => client.Poll());
                Assert.True(engine.Terminate());
            }
            Assert.Equal(1, engine.ExitCode);
            stateHash = StatusLines.Field(engine.WaitForLine("stopped"), "stateHash");
            Assert.Contains("not written", engine.Stderr);
            Assert.Contains("No space left on device", engine.Stderr);
            Assert.Contains("the journal is intact", engine.Stderr);
        }
        finally
        {
            engine.Dispose();
        }
        Assert.Empty(Directory.GetFiles(snapshots)); // the tiny file system went with the engine; nothing leaked out
        using var restarted = new EngineProcess(1, "BTC-USD,ETH-USD", journal, port);
        Assert.Equal(stateHash, restarted.StateHashAtStart);
    }

    [Fact]
    public void A_read_only_data_directory_is_reported_as_read_only()
    {
        string journal = _root.Combine("ro");
        var result = ChildProcess.Run(EngineProcess.Start(EngineProcess.Arguments(1, "BTC-USD,ETH-USD", journal, Ports.FreeUdp()),
            $"mkdir -p '{journal}'; mount -t tmpfs -o ro tmpfs '{journal}'"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("read-only file system", result.Stderr);
        Assert.DoesNotContain("another writer", result.Stderr);
    }

    [Fact]
    public void The_engine_prints_fingerprints_of_api_keys_never_the_keys()
    {
        using var engine = Engine();
        AssertServes(engine);
        Assert.True(engine.Process.Terminate());
        string everything = engine.Process.Stdout + engine.Process.Stderr;
        foreach (string key in DemoKeys) Assert.DoesNotContain(key, everything);
        Assert.Contains("1001 (key sha256:", engine.Process.Stderr);
    }

    [Fact]
    public void Every_socket_of_the_engine_is_bound_to_loopback()
    {
        using var engine = Engine();
        using var client = Clients.Connect("mm-1001-key", Shard(engine));
        var inodes = Directory.GetFiles($"/proc/{engine.Process.Id}/fd")
            .Select(fd => { try { return new FileInfo(fd).LinkTarget; } catch (IOException) { return null; } })
            .Where(target => target != null && target.StartsWith("socket:[", StringComparison.Ordinal))
            .Select(target => target!["socket:[".Length..^1]).ToHashSet();
        var bound = File.ReadLines("/proc/net/udp").Skip(1).Concat(File.ReadLines("/proc/net/udp6").Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => inodes.Contains(fields[9]))
            .Select(fields => fields[1].Split(':')[0]).ToList();
        Assert.True(bound.Count >= 2, $"engine UDP sockets: {string.Join(", ", bound)}"); // the listen socket, and the one the client's response paths send from
        Assert.All(bound, address => Assert.True(address == "0100007F", $"a socket bound to {address} (hex), not 127.0.0.1"));
    }

    [Fact]
    public void The_engines_files_are_readable_by_its_user_only()
    {
        string journal = _root.Combine("private");
        using (var engine = new EngineProcess(1, "BTC-USD,ETH-USD", journal))
        {
            AssertServes(engine);
            Assert.True(engine.Process.Terminate());
        }
        var directories = Directory.GetDirectories(journal, "*", SearchOption.AllDirectories).Append(journal).ToList();
        var files = Directory.GetFiles(journal, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith(".snapshot", StringComparison.Ordinal));
        Assert.All(directories, d => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(d)));
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{f}: {File.GetUnixFileMode(f)}"));
    }
}
