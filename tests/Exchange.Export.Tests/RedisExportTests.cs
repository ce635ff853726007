// The exporter against a real Redis: books, tickers and streams reconcile clean against the journal; the streams' entries
// count up with no gap; a killed Redis or a killed exporter loses and repeats nothing, which a fault-free export of the
// same journal into a second Redis shows key for key.
using Exchange.Export.Redis;
using Exchange.Testing;
using StackExchange.Redis;

namespace Exchange.Export.Tests;

public sealed class RedisExportTests : IDisposable
{
    private readonly TempDirectory _temp = new("export-redis-");
    private readonly RedisServer _redis = new();

    public void Dispose()
    {
        _redis.Dispose();
        _temp.Dispose();
    }

    private string Journal(int inputs, int seed, int snapshotEvery = 0)
    {
        string dir = _temp.Combine($"journal-{seed}");
        Workload.Write(dir, inputs, seed, snapshotEvery);
        return dir;
    }

    /// <summary>Every key the sink wrote, condensed: type, and content in a fixed order (streams entry by entry).</summary>
    public static string Contents(RedisServer server)
    {
        using var connection = ConnectionMultiplexer.Connect(server.Configuration);
        var db = connection.GetDatabase();
        var lines = new List<string>();
        foreach (var key in connection.GetServer(server.Configuration).Keys(pattern: "exchange:*").Select(k => k.ToString()).Order(StringComparer.Ordinal))
        {
            string content = db.KeyType(key) switch
            {
                RedisType.Hash => string.Join(",", db.HashGetAll(key).Select(e => $"{e.Name}={e.Value}").Order(StringComparer.Ordinal)),
                RedisType.SortedSet => string.Join(",", db.SortedSetRangeByRankWithScores(key).Select(e => $"{e.Element}@{e.Score}")),
                RedisType.Stream => string.Join(",", db.StreamRange(key).Select(e => $"{e.Id}:" + string.Join("/", e.Values.Select(v => $"{v.Name}={v.Value}")))),
                var other => other.ToString(),
            };
            lines.Add($"{key} {content.Length}:{Convert.ToHexString(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(content)))}");
        }
        return string.Join('\n', lines);
    }

    public static long Position(RedisServer server)
    {
        try { return long.Parse(server.Cli("HGET", "exchange:export", "position") is { Length: > 0 } p ? p : "0"); }
        catch (InvalidOperationException) { return 0; }
    }

    /// <summary>The same journal exported without faults into a Redis of its own.</summary>
    private static string Reference(string journal)
    {
        using var reference = new RedisServer();
        Tools.ExportAll(journal, "--redis", reference.Configuration, "--batch-rows", "100000");
        return Contents(reference);
    }

    [Fact]
    public void An_exported_journal_reconciles_clean_with_books_tickers_and_streams()
    {
        string journal = Journal(20_000, seed: 11, snapshotEvery: 5_000);
        var export = Tools.ExportAll(journal, "--redis", _redis.Configuration, "--redis-depth", "5", "--json");
        Assert.Contains("caught-up sink=redis position=20000 ", export.Stdout);
        Tools.AssertSinksReconcileClean(journal, "--redis", _redis.Configuration);

        // The book holds five levels a side at most, best first, and the ticker's best prices are its top.
        for (int symbol = 0; symbol < Workload.Symbols; symbol++)
        {
            var bids = _redis.Cli("ZREVRANGE", $"exchange:book:{symbol}:bids", "0", "-1").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var asks = _redis.Cli("ZRANGE", $"exchange:book:{symbol}:asks", "0", "-1").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.InRange(bids.Length, 1, 5);
            Assert.InRange(asks.Length, 1, 5);
            Assert.Equal(bids[0].Split(':')[0], _redis.Cli("HGET", $"exchange:ticker:{symbol}", "bid"));
            Assert.Equal(asks[0].Split(':')[0], _redis.Cli("HGET", $"exchange:ticker:{symbol}", "ask"));
            Assert.True(long.Parse(bids[0].Split(':')[0]) < long.Parse(asks[0].Split(':')[0]), "the book is not crossed");
            Assert.True(long.Parse(_redis.Cli("HGET", $"exchange:ticker:{symbol}", "volume_24h")) > 0, "the ticker counts the day's volume");
        }
        // The streams count their entries from 1 with no gap, and their ids are the inputs that made them.
        long trades = long.Parse(_redis.Cli("HGET", "exchange:export", "trades"));
        Assert.Equal(trades, long.Parse(_redis.Cli("XLEN", "exchange:trades")));
        var first = _redis.Cli("XRANGE", "exchange:trades", "-", "+", "COUNT", "1").Split('\n');
        Assert.Equal("n", first[1]);
        Assert.Equal("1", first[2]);
        Assert.Equal(first[4], first[0].Split('-')[0]);
        Assert.True(long.Parse(_redis.Cli("XLEN", "exchange:book")) > trades, "book updates outnumber trades");
    }

    [Fact]
    public void The_24_hour_figures_slide_with_sequencer_time_not_the_wall_clock()
    {
        string journal = Journal(3_000, seed: 12);
        Tools.ExportAll(journal, "--redis", _redis.Configuration);
        // The workload spans a few minutes of sequencer time: all its trades are in the window.
        for (int symbol = 0; symbol < Workload.Symbols; symbol++)
        {
            var minutes = _redis.Cli("HVALS", $"exchange:minutes:{symbol}").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            long volume = minutes.Sum(m => long.Parse(m.Split(' ')[0]));
            Assert.Equal(volume, long.Parse(_redis.Cli("HGET", $"exchange:ticker:{symbol}", "volume_24h")));
        }
        var window = new TradeWindow();
        window.Add(TradeWindow.NanosPerMinute * 100, price: 50, quantity: 10);
        window.Add(TradeWindow.NanosPerMinute * 1_000, price: 70, quantity: 5);
        Assert.Equal(new DayFigures(15, 70, 50, 2), window.Figures(TradeWindow.NanosPerMinute * 1_539));
        Assert.Equal(new DayFigures(5, 70, 70, 1), window.Figures(TradeWindow.NanosPerMinute * 1_540));
        Assert.Equal([100L], window.Expire(TradeWindow.NanosPerMinute * 1_540));
    }

    [Fact]
    public void Subscribers_see_every_trade_with_its_sequence_and_count()
    {
        string journal = Journal(8_000, seed: 13);
        using var connection = ConnectionMultiplexer.Connect(_redis.Configuration);
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        connection.GetSubscriber().Subscribe(RedisChannel.Literal("exchange:trades"), (_, message) => received.Enqueue(message.ToString()));
        Tools.ExportAll(journal, "--redis", _redis.Configuration, "--batch-rows", "500");
        long trades = long.Parse(_redis.Cli("HGET", "exchange:export", "trades"));
        Eventually.True(() => received.Count == trades, $"every trade published: {received.Count} of {trades}", TimeSpan.FromSeconds(30));
        // The client hands messages over on several threads: in n's order they are 1..N, each once, inputs in order.
        var messages = received.Select(json => System.Text.Json.JsonDocument.Parse(json).RootElement)
            .Select(m => (N: m.GetProperty("n").GetInt64(), Sequence: m.GetProperty("seq").GetInt64())).OrderBy(m => m.N).ToList();
        Assert.Equal(Enumerable.Range(1, (int)trades).Select(i => (long)i), messages.Select(m => m.N));
        Assert.True(messages.Zip(messages.Skip(1)).All(p => p.First.Sequence <= p.Second.Sequence), "sequences follow the count");
    }

    [Fact]
    public void Redis_killed_mid_export_and_restarted_loses_and_repeats_nothing()
    {
        string journal = Journal(60_000, seed: 14, snapshotEvery: 20_000);
        string expected = Reference(journal);

        using var export = Tools.StartExporter(journal, "--redis", _redis.Configuration, "--once", "--batch-rows", "500");
        Eventually.True(() => Position(_redis) > 10_000, "the export is under way", Timeouts.Process);
        _redis.Kill();
        export.WaitForLine("sink=redis state=down", Timeouts.Process);
        Thread.Sleep(1500);
        Assert.False(export.HasExited, $"the exporter waits for Redis: {export.Stdout}\n{export.Stderr}");
        _redis.Start();
        Assert.True(export.WaitForExit(Timeouts.Process), "the exporter finishes after Redis is back");
        Assert.True(export.ExitCode == 0, $"{export.Stdout}\n{export.Stderr}");
        Assert.Contains("sink=redis state=up", export.Stdout);
        Assert.Single(export.StdoutLines, l => l.StartsWith("sink=redis state=down", StringComparison.Ordinal));

        Assert.Equal(expected, Contents(_redis));
        Tools.AssertSinksReconcileClean(journal, "--redis", _redis.Configuration);
    }

    [Fact]
    public void Reconcile_finds_a_wrong_book_level_a_wrong_ticker_and_a_gap_in_a_stream()
    {
        string journal = Journal(10_000, seed: 15);
        Tools.ExportAll(journal, "--redis", _redis.Configuration);
        Tools.AssertSinksReconcileClean(journal, "--redis", _redis.Configuration);

        void Detects(string[] corrupt, string[] undo, string difference)
        {
            _redis.Cli(corrupt);
            var reconcile = Tools.ReconcileSinks(journal, "--redis", _redis.Configuration);
            Assert.True(reconcile.ExitCode == 1, $"{string.Join(' ', corrupt)}: {reconcile}");
            Assert.Contains(difference, reconcile.Stdout);
            _redis.Cli(undo);
        }

        string best = _redis.Cli("ZREVRANGE", "exchange:book:1:bids", "0", "0");
        var parts = best.Split(':');
        string wrong = $"{parts[0]}:{long.Parse(parts[1]) + 10}:{parts[2]}";
        Detects(["EVAL", $"redis.call('ZREM', KEYS[1], '{best}'); return redis.call('ZADD', KEYS[1], {parts[0]}, '{wrong}')", "1", "exchange:book:1:bids"],
            ["EVAL", $"redis.call('ZREM', KEYS[1], '{wrong}'); return redis.call('ZADD', KEYS[1], {parts[0]}, '{best}')", "1", "exchange:book:1:bids"],
            "difference: book 1 bids level 1");
        string volume = _redis.Cli("HGET", "exchange:ticker:2", "volume_24h");
        Detects(["HSET", "exchange:ticker:2", "volume_24h", "1"], ["HSET", "exchange:ticker:2", "volume_24h", volume], "difference: ticker 2");
        string id = _redis.Cli("XRANGE", "exchange:trades", "-", "+", "COUNT", "3").Split('\n')[17];
        Detects(["XDEL", "exchange:trades", id], ["ECHO", "x"], "has n=");
    }

    [Fact]
    public void A_redis_holding_something_else_where_the_position_goes_stops_the_export_with_a_reason()
    {
        string journal = Journal(1_000, seed: 16);
        _redis.Cli("HSET", "exchange:export", "position", "not-a-number");
        var export = ChildProcess.Run(Tools.StartExporter(journal, "--redis", _redis.Configuration, "--once"), Timeouts.Process);
        Assert.True(export.ExitCode == 1, export.ToString());
        // The fault is logged (a JSON line on stderr) with the sink and what it found there.
        Assert.Contains("sink redis: redis holds ", export.Stderr);
        Assert.Contains("not-a-number", export.Stderr);
        Assert.Contains("where the exporter keeps a number", export.Stderr);
        Assert.Equal("not-a-number", _redis.Cli("HGET", "exchange:export", "position"));
    }

    [Fact]
    public void Redis_is_never_written_by_two_exporters_at_once()
    {
        string journal = Journal(30_000, seed: 17);
        string expected = Reference(journal);
        using var a = Tools.StartExporter(journal, "--redis", _redis.Configuration, "--once", "--batch-rows", "300");
        using var b = Tools.StartExporter(journal, "--redis", _redis.Configuration, "--once", "--batch-rows", "300");
        Assert.True(a.WaitForExit(Timeouts.Process) && b.WaitForExit(Timeouts.Process));
        // Whichever found the position moved under its WATCH stopped, saying so; the other (or a rerun) finishes the export.
        foreach (var e in new[] { a, b })
            Assert.True(e.ExitCode == 0 || e.Stderr.Contains("the sink's position is", StringComparison.Ordinal), $"{e.Stdout}\n{e.Stderr}");
        Tools.ExportAll(journal, "--redis", _redis.Configuration);
        Assert.Equal(expected, Contents(_redis));
    }

    [Fact]
    public void A_redis_password_given_in_the_environment_is_never_printed_even_while_redis_is_unreachable()
    {
        string journal = Journal(1_000, seed: 18);
        const string password = "redis-pw-never-printed-5c1d";
        int nobody = Ports.FreeTcp();
        using var export = ChildProcess.StartDll("exchange-export.dll", [journal, "--once", "--status-seconds", "1"],
            new Dictionary<string, string> { ["EXCHANGE_EXPORT_REDIS"] = $"127.0.0.1:{nobody},password={password}", ["EXCHANGE_EXPORT_POSTGRES"] = "" });
        Assert.Contains($"127.0.0.1:{nobody}", export.WaitForLine("sink=redis state=down", Timeouts.Process) + export.Stdout);
        export.WaitForLine("status sink=redis position=0 lag=1000 ", Timeouts.Process);
        Assert.True(export.Terminate(Timeouts.Process));
        Assert.Equal(0, export.ExitCode);
        Assert.DoesNotContain(password, export.Stdout + export.Stderr);
    }
}
