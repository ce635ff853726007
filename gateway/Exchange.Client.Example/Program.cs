// exchange-mm: a small market maker on Exchange.Client. Connects to the engine shard(s), quotes a bid and an ask
// on one symbol, moves them every interval and now and then takes liquidity, printing fills and the top of book;
// logs out after --seconds and prints a summary. `exchange-mm --help` lists the options (CommandLine.cs).
using System.Diagnostics;
using Exchange.Client;
using Exchange.Client.Example;
using Exchange.Hosting;
using Exchange.Transport;

var commandLine = new CommandLine();
commandLine.Root.SetAction(r => Run(commandLine.Read(r)));
return Cli.Run(commandLine.Root, args);

static int Run(Settings settings)
{
    var output = Console.Out;
    var log = LogOutput.FromEnvironment().For("exchange-mm");
    var maker = new MarketMaker(settings, output);
    ExchangeClient<MarketMaker> client;
    try { client = ExchangeClient.Create(settings.ClientOptions(), maker); }
    catch (Exception e) when (e is ArgumentException or System.Net.Sockets.SocketException)
    {
        log.Error(e.Message);
        return Cli.UsageError;
    }
    maker.Attach(client);

    using (client)
    {
        try { client.Connect(TimeSpan.FromSeconds(5)); }
        catch (Exception e) when (e is LogonRejectedException or TimeoutException or InvalidOperationException)
        {
            log.Error(e.Message);
            return 1;
        }
        log.Info($"account {client.Account} logged on to {client.ShardCount} shard(s); quoting symbol {settings.Symbol} " +
            $"around {settings.Price}, spread {settings.Spread}, quantity {settings.Quantity}" +
            (settings.TakeEvery > 0 ? $", taking every {settings.TakeEvery} intervals" : "") +
            (settings.StopLoss > 0 ? $", stop-loss {settings.StopLoss} beyond each quote fill" : "") + $" for {settings.Seconds} s",
            ("account", client.Account), ("symbol", settings.Symbol));

        bool stop = false;
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop = true; };
        var clock = Stopwatch.StartNew();
        long end = settings.Seconds * 1000L, nextInterval = 0;
        // Parked on the client's sockets, so the engine's answers wake it (its quote timer is late by a park at most).
        var idle = new BackoffIdleStrategy(parker: client.Parker);
        long lastRetry = 0;
        const long FollowLimitMs = 30_000; // how long it looks for a new leader before it gives up
        while (!stop && clock.ElapsedMilliseconds < end && maker.Failure == null)
        {
            int work = client.Poll();
            long now = clock.ElapsedMilliseconds;
            if (maker.ReconnectOwed)
            {
                // Following a failover: log on to whichever member leads now (the client tries them in turn).
                maker.ReconnectOwed = false;
                if (maker.LostSince < 0) maker.LostSince = now;
                client.Reconnect();
            }
            if (maker.LostSince >= 0)
            {
                if (now - maker.LostSince > FollowLimitMs) { log.Error($"no leader answered within {FollowLimitMs / 1000} s of the failover"); return 1; }
                // A refused logon (a member still stopping, say) is tried again.
                if (!client.IsConnected && now - lastRetry > 200) { lastRetry = now; client.Reconnect(); }
                idle.Idle(work);
                continue;
            }
            if (now >= nextInterval)
            {
                maker.OnInterval();
                nextInterval = now + settings.IntervalMs;
                work++;
            }
            maker.PrintTopIfChanged(now);
            idle.Idle(work);
        }
        // Leave nothing resting: cancel the quotes, let the answers arrive, log out, then the summary.
        if (client.IsConnected)
        {
            client.MassCancel(settings.Symbol);
            var drain = Stopwatch.StartNew();
            while (drain.ElapsedMilliseconds < 200) idle.Idle(client.Poll());
            client.Logout(TimeSpan.FromSeconds(2));
        }
        var s = maker.Stats;
        double elapsed = clock.Elapsed.TotalSeconds;
        output.WriteLine(settings.Json
            ? $"{{\"event\":\"summary\",\"seconds\":{elapsed:0.0},\"newOrders\":{s.NewOrders},\"replaces\":{s.Replaces},\"takes\":{s.Takes},\"notSent\":{s.NotSent}," +
              $"\"accepted\":{s.Accepted},\"rejected\":{s.Rejected},\"fills\":{s.Fills},\"makerFills\":{s.MakerFills},\"volume\":{s.Volume}," +
              $"\"failovers\":{s.Failovers},\"statusQueries\":{s.StatusQueries},\"stops\":{s.Stops},\"stopsTriggered\":{s.StopsTriggered}," +
              $"\"malformed\":{client.MalformedMessages},\"ok\":{(maker.Failure == null ? "true" : "false")}}}"
            : $"summary   {elapsed:0.0} s: {s.NewOrders} new, {s.Replaces} replaces, {s.Takes} takes, {s.NotSent} not sent; {s.Accepted} accepted, " +
              $"{s.Rejected} rejected; {s.Fills} fills ({s.MakerFills} maker), volume {s.Volume}" +
              (settings.StopLoss > 0 ? $"; {s.Stops} stops, {s.StopsTriggered} triggered" : ""));
        if (maker.Failure != null)
        {
            log.Error(maker.Failure);
            return 1;
        }
    }
    return 0;
}
