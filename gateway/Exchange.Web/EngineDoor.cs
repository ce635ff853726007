// exchange-web's side of the engines: one thread owns every engine session (one per web account, all on this thread)
// and all state built from them: the symbols' books, trades, candles and tickers from the first account's market-data
// stream, and each account's orders, fills and balances from its execution reports. WebSocket and REST handlers never
// touch that state: they post commands here and read answers from their connection's Outbox, so a slow browser costs
// this thread one failed queue insert, never a wait.
using System.Collections.Concurrent;
using System.Text.Json;
using Exchange.Client;
using Exchange.Contract;
using Exchange.Hosting;

namespace Exchange.Web;

/// <summary>One subscription of one connection; owned by the engine thread.</summary>
public sealed class Subscription(WebConnection connection, string channel, SymbolMarket? market, int depth, string? interval)
{
    public WebConnection Connection { get; } = connection;
    public string Channel { get; } = channel;
    public SymbolMarket? Market { get; } = market;
    public int Depth { get; set; } = depth;
    public string? Interval { get; } = interval;
    /// <summary>Increments were skipped for this subscription; its next frame is a snapshot.</summary>
    public bool Dirty { get; set; }
}

public sealed class EngineDoor : IDisposable, IParkSource
{
    private static readonly TimeSpan ReconnectEvery = TimeSpan.FromSeconds(1);

    private readonly WebConfig _config;
    private readonly Log _log;
    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly List<AccountSession> _sessions = [];
    /// <summary>One transport for every account's engine client: one set of sockets and one duty cycle per pass.</summary>
    private readonly Exchange.Transport.Transport _transport = new(new Exchange.Transport.TransportOptions());
    /// <summary>One connection to each engine for every account's session: each is a lane of it.</summary>
    private SharedEngineConnections? _connections;
    private readonly Dictionary<string, SymbolMarket> _markets = new(StringComparer.Ordinal);
    private readonly Dictionary<int, SymbolMarket> _marketsById = [];
    private readonly Dictionary<SymbolMarket, MarketSubscribers> _subscribers = [];
    private readonly Dictionary<int, (string Name, int Decimals)> _assets = [];
    private readonly HashSet<SymbolMarket> _changedBooks = [];
    private long _inputSequence;
    private AgentRunner? _runner;
    private Thread? _thread;
    private volatile WebSymbol[] _symbols = [];
    private readonly WakeSignal _posted = new();
    private long _postedSeen;

    public EngineDoor(WebConfig config, Log log)
    {
        _config = config;
        _log = log;
    }

    /// <summary>The symbols the engines announced, for any thread.</summary>
    public IReadOnlyList<WebSymbol> Symbols => _symbols;
    public long BookRepairs { get; private set; }

    private sealed class MarketSubscribers
    {
        public readonly List<Subscription> Book = [], Trades = [], Ticker = [], Candles = [];
        public List<Subscription> Of(string channel) => channel switch
        {
            "book" => Book,
            "trades" => Trades,
            "ticker" => Ticker,
            _ => Candles,
        };
    }

    /// <summary>An account-state query to the account's shards in flight: each shard's open orders and balances as it
    /// answers, applied when its answer ends; then whoever waited is told.</summary>
    private sealed class AccountRefresh(ulong requestId, int shards)
    {
        public ulong RequestId { get; } = requestId;
        public int Outstanding { get; set; } = shards;
        public Dictionary<int, List<WebOrder>> Orders { get; } = [];
        public Dictionary<int, List<(int Asset, long Available, long Held)>> Balances { get; } = [];
        public List<Action> Done { get; } = [];
    }

    private sealed class AccountSession(WebAccount account, AccountState state, bool marketData)
    {
        public AccountRefresh? Refresh { get; set; }
        public WebAccount Account { get; } = account;
        public AccountState State { get; } = state;
        public bool MarketData { get; } = marketData;
        public ExchangeClient<EngineEvents> Client { get; set; } = null!;
        public long LastReconnect { get; set; }
        public bool Lost { get; set; }
    }

    // ---- start and stop ----

    /// <summary>Logs every web account on to the engines (throws if one cannot), then runs the engine thread.</summary>
    public void Start(TimeSpan timeout)
    {
        bool first = true;
        _connections = new SharedEngineConnections(_transport, _config.ResponseHost);
        foreach (var account in _config.Accounts)
        {
            var session = new AccountSession(account, new AccountState(account, _config.RecentTrades), first);
            var options = new ClientOptions
            {
                ApiKey = account.ApiKey, Account = account.Account, Shards = _config.Shards(), ResponseHost = _config.ResponseHost,
                CancelOnDisconnect = _config.CancelOnDisconnect,
            };
            session.Client = ExchangeClient.Create(options, new EngineEvents(this, session), _connections);
            _sessions.Add(session);
            first = false;
        }
        foreach (var session in _sessions)
        {
            try { session.Client.Connect(timeout); }
            catch (LogonRejectedException e) { throw new WebConfigException($"account {session.Account.Account} ({session.Account.Subject}): {e.Message}"); }
        }
        foreach (var symbol in _sessions[0].Client.Symbols.Values) AddSymbol(symbol);
        // Orders that rested before exchange-web started are in no update it will see: start from the engine's books.
        foreach (var m in _markets.Values) RequestRebuild(m);
        var agent = new DelegateAgent("exchange-web engine", DoWork);
        // Idle, the thread parks on every engine session's sockets and on the signal a posted command sets, for up to
        // 1 ms: a response or a browser's command wakes it at once, as in the FIX gateway (gateway/README.md).
        var idle = IdleStrategies.ParkAtOnce(new DescriptorParker(this));
        _runner = new AgentRunner(agent, idle, e =>
        {
            _log.Error($"engine thread: {e.GetType().Name}: {e.Message}");
            return true;
        });
        _thread = new Thread(() => _runner.Run()) { IsBackground = true, Name = "exchange-web engine" };
        _thread.Start();
    }

    public void Dispose()
    {
        _runner?.RequestStop();
        _thread?.Join(TimeSpan.FromSeconds(5));
        foreach (var s in _sessions)
        {
            try { s.Client.Logout(TimeSpan.FromSeconds(2)); } catch (Exception e) when (e is TimeoutException or ObjectDisposedException) { }
            s.Client.Dispose();
        }
        _connections?.Dispose();
        _transport.CloseAndDrain(TimeSpan.FromSeconds(1));
        _transport.Dispose();
        _posted.Dispose();
    }

    // ---- the thread ----

    /// <summary>Runs <paramref name="command"/> on the engine thread.</summary>
    public void Post(Action command)
    {
        _commands.Enqueue(command);
        _posted.Set();
    }

    /// <summary>What the engine thread parks on: every session's sockets, and the signal <see cref="Post"/> sets (rearmed:
    /// a command posted after the last duty cycle began ends the park at once).</summary>
    public void AddParkDescriptors(DescriptorParker into)
    {
        _posted.Rearm(_postedSeen);
        into.Add(_posted.Descriptor);
        _transport.AddParkDescriptors(into);
    }

    /// <summary>Computes something from the engine thread's state there, for REST.</summary>
    public Task<T> Query<T>(Func<T> query)
    {
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try { answer.SetResult(query()); }
            catch (Exception e) { answer.SetException(e); }
        });
        return answer.Task;
    }

    private int DoWork()
    {
        _postedSeen = _posted.Sets;
        int work = 0;
        while (work < 256 && _commands.TryDequeue(out var command))
        {
            command();
            work++;
        }
        long now = Environment.TickCount64;
        work += _transport.DoWork();
        if (_connections != null) work += _connections.Poll();
        foreach (var session in _sessions)
        {
            work += session.Client.PollStreams();
            if (session.MarketData) FlushBooks();
            if (!session.Client.IsConnected && now - session.LastReconnect >= ReconnectEvery.TotalMilliseconds)
            {
                session.LastReconnect = now;
                session.Client.Reconnect();
            }
        }
        return work;
    }

    // ---- market data (the first account's session) ----

    private void AddSymbol(SymbolReference reference)
    {
        foreach (var assetOf in new[] { (reference.Spec.BaseAsset, reference.BaseAsset, reference.BaseDecimals), (reference.Spec.QuoteAsset, reference.QuoteAsset, reference.QuoteDecimals) })
            _assets[assetOf.Item1] = (assetOf.Item2, assetOf.Item3);
        if (_markets.ContainsKey(reference.Name)) return;
        var symbol = WebSymbol.From(reference);
        if (symbol == null)
        {
            _log.Warn($"symbol {reference.Name}: its lot size gives no decimal price; not offered on the web", ("symbol", reference.Name));
            return;
        }
        var market = new SymbolMarket(symbol, _config.RecentTrades, _config.CandleWindowMinutes);
        _markets[symbol.Name] = market;
        _marketsById[symbol.Id] = market;
        _subscribers[market] = new MarketSubscribers();
        _symbols = [.. _markets.Values.Select(m => m.Symbol).OrderBy(s => s.Id)];
    }

    public (string Name, int Decimals) Asset(int id) => _assets.TryGetValue(id, out var a) ? a : ($"asset-{id}", 0);

    private void OnContext(AccountSession session, long sequence)
    {
        if (!session.MarketData || sequence == _inputSequence) return;
        FlushBooks();
        _inputSequence = sequence;
    }

    private long Timestamp(AccountSession session) => session.Client.LastTimestamp;

    private void OnLevel(AccountSession session, in LevelChanged e)
    {
        if (!session.MarketData || !_marketsById.TryGetValue(e.Symbol, out var m)) return;
        m.ApplyLevel(_inputSequence, Timestamp(session), e.Side, e.Price, e.Quantity, e.OrderCount);
        _changedBooks.Add(m);
    }

    private void OnBestBidOffer(AccountSession session, in BestBidOffer e)
    {
        if (!session.MarketData || !_marketsById.TryGetValue(e.Symbol, out var m)) return;
        if (m.CheckTop(_inputSequence, e))
        {
            BookRepairs++;
            _changedBooks.Add(m);
            if (m.Repairs <= 10 || m.Repairs % 1000 == 0)
                _log.Warn($"{m.Symbol.Name}: the book disagreed with the engine's best bid/offer at sequence {_inputSequence} (level updates lost); top repaired from it ({m.Repairs} so far), full book asked of the engine",
                    ("symbol", m.Symbol.Name), ("sequence", _inputSequence));
            RequestRebuild(m);
        }
        if (_subscribers[m].Ticker.Count > 0) FanOut(m, _subscribers[m].Ticker, Frames.Ticker(m), conflatable: true);
    }

    private void OnTrade(AccountSession session, in Trade e)
    {
        if (!session.MarketData || !_marketsById.TryGetValue(e.Symbol, out var m)) return;
        var print = m.AddTrade(_inputSequence, Timestamp(session), e);
        var subs = _subscribers[m];
        if (subs.Trades.Count > 0) FanOut(m, subs.Trades, Frames.Trade(m.Symbol, print), conflatable: false);
        foreach (var series in m.Candles)
        {
            var candle = series.Add(print.Timestamp, print.Price, print.Quantity);
            byte[]? frame = null;
            foreach (var s in subs.Candles)
                if (s.Interval == series.Name) Send(s, frame ??= Frames.Candle(m.Symbol, series.Name, candle), conflatable: true);
        }
        if (subs.Ticker.Count > 0) FanOut(m, subs.Ticker, Frames.Ticker(m), conflatable: true);
    }

    private void OnSymbolStatus(AccountSession session, in SymbolStatusChanged e)
    {
        if (!session.MarketData || !_marketsById.TryGetValue(e.Symbol, out var m)) return;
        m.Status = e.Status;
        if (_subscribers[m].Ticker.Count > 0) FanOut(m, _subscribers[m].Ticker, Frames.Ticker(m), conflatable: true);
    }

    /// <summary>Sends the book frames of the input just applied: one increment for full-depth subscribers, one top-N
    /// snapshot per depth asked for; each written once and shared.</summary>
    private void FlushBooks()
    {
        if (_changedBooks.Count == 0) return;
        foreach (var m in _changedBooks)
        {
            if (!m.EndInput()) continue;
            byte[]? increment = null;
            Dictionary<int, byte[]>? byDepth = null;
            foreach (var s in _subscribers[m].Book)
            {
                byte[] frame;
                if (s.Depth == 0) frame = increment ??= Frames.Book(m, 0, snapshot: false);
                else
                {
                    byDepth ??= [];
                    if (!byDepth.TryGetValue(s.Depth, out frame!)) byDepth[s.Depth] = frame = Frames.Book(m, s.Depth, snapshot: true);
                }
                Send(s, frame, conflatable: true);
            }
            m.Pending.Clear();
        }
        _changedBooks.Clear();
    }

    private void FanOut(SymbolMarket m, List<Subscription> subs, byte[] frame, bool conflatable)
    {
        foreach (var s in subs) Send(s, frame, conflatable);
    }

    /// <summary>One public frame to one subscriber, without ever waiting: skipped (and the subscription marked for a
    /// snapshot) when the connection is behind.</summary>
    internal static void Send(Subscription s, byte[] frame, bool conflatable)
    {
        if (s.Dirty) return;
        var outbox = s.Connection.Outbox;
        if (conflatable && !outbox.Accepts)
        {
            MarkDirty(s);
            return;
        }
        if (!outbox.TryPublic(frame))
            foreach (var other in s.Connection.Subscriptions.Values) MarkDirty(other);
    }

    private static void MarkDirty(Subscription s)
    {
        if (s.Market == null) return; // private channels are never dropped
        if (s.Dirty) return;
        s.Dirty = true;
        s.Connection.HasDirty = true;
        // The writer asks for the resync once drained, but it may have drained and looked at HasDirty just before this
        // set it: woken, it looks again. Without it, a connection marked so as its writer emptied the queue (the engine
        // thread between its check of the queue and the mark) waited for a snapshot that came only with the next event
        // on its channels: a loaded test run's slow subscriber stopped 1,257 versions short and never caught up.
        s.Connection.Outbox.Wake();
    }

    /// <summary>A fresh snapshot for every subscription of <paramref name="c"/> that missed frames.</summary>
    public void Resync(WebConnection c)
    {
        c.HasDirty = false;
        foreach (var s in c.Subscriptions.Values)
        {
            if (!s.Dirty) continue;
            s.Dirty = false;
            if (!c.Outbox.TryPublic(Snapshot(s, "resync")!)) MarkDirty(s);
        }
    }

    private byte[]? Snapshot(Subscription s, string? reason = null)
    {
        if (s.Market is { } m)
        {
            return s.Channel switch
            {
                "book" => Frames.Book(m, s.Depth, snapshot: true, reason),
                "trades" => Frames.Trades(m, _config.RecentTrades),
                "ticker" => Frames.Ticker(m),
                _ => Frames.Candles(m, m.Series(s.Interval!)!, int.MaxValue),
            };
        }
        var state = Session(s.Connection.Account!)?.State;
        if (state == null) return null;
        return s.Channel switch
        {
            "orders" => PrivateFrames.Orders(state),
            "fills" => PrivateFrames.Fills(state),
            _ => PrivateFrames.Balances(state, Asset),
        };
    }

    // ---- connections (called on the engine thread through Post) ----

    public void Subscribe(WebConnection c, SubscribeRequest r)
    {
        SymbolMarket? market = null;
        if (r.IsPrivate && c.Account == null)
        {
            c.Outbox.Private(Frames.Error(r.RequestId, "not_authenticated", $"channel '{r.Channel}' is private: send auth first"));
            return;
        }
        if (!r.IsPrivate && !_markets.TryGetValue(r.Symbol!, out market))
        {
            c.Outbox.Private(Frames.Error(r.RequestId, "unknown_symbol", $"symbol '{r.Symbol}' is not traded here"));
            return;
        }
        if (!r.Subscribe)
        {
            if (!c.Subscriptions.Remove(r.Key, out var old))
            {
                c.Outbox.Private(Frames.Error(r.RequestId, "not_subscribed", $"no subscription to {r.Channel} {r.Symbol}"));
                return;
            }
            Detach(old);
            c.Outbox.Private(Frames.Write("unsubscribed", w => Answer(w, r)));
            return;
        }
        if (c.Subscriptions.TryGetValue(r.Key, out var existing))
        {
            existing.Depth = r.Depth;
            existing.Dirty = false;
        }
        else
        {
            if (c.Subscriptions.Count >= _config.Limits.MaxSubscriptions)
            {
                c.Outbox.Private(Frames.Error(r.RequestId, "too_many_subscriptions", $"at most {_config.Limits.MaxSubscriptions} subscriptions per connection"));
                return;
            }
            existing = new Subscription(c, r.Channel, market, r.Depth, r.Interval);
            c.Subscriptions[r.Key] = existing;
            // Orders and balances are attached once their snapshot is fresh (below), so their first frame is that.
            if (!(market == null && r.Channel is "orders" or "balances")) Attach(existing);
        }
        c.Outbox.Private(Frames.Write("subscribed", w => Answer(w, r)));
        if (market == null && r.Channel is "orders" or "balances" && Session(c.Account!) is { } session)
        {
            // The account's open orders and balances as the engine holds them now, not only what was seen since logon.
            var subscription = existing;
            var key = r.Key;
            RefreshAccount(session, () =>
            {
                if (!c.Subscriptions.TryGetValue(key, out var current) || current != subscription) return; // gone meanwhile
                c.Outbox.Private(Snapshot(subscription)!);
                var list = PrivateList(session.State, subscription.Channel);
                if (!list.Contains(c)) list.Add(c);
            });
            return;
        }
        var snapshot = Snapshot(existing)!;
        if (market == null) c.Outbox.Private(snapshot);
        else if (!c.Outbox.TryPublic(snapshot)) MarkDirty(existing);
    }

    private static void Answer(System.Text.Json.Utf8JsonWriter w, SubscribeRequest r)
    {
        Frames.RequestId(w, r.RequestId);
        w.WriteString("channel", r.Channel);
        if (r.Symbol != null) w.WriteString("symbol", r.Symbol);
        if (r.Channel == "book") w.WriteNumber("depth", r.Depth);
        if (r.Interval != null) w.WriteString("interval", r.Interval);
    }

    private void Attach(Subscription s)
    {
        if (s.Market != null) _subscribers[s.Market].Of(s.Channel).Add(s);
        else if (Session(s.Connection.Account!) is { } session) PrivateList(session.State, s.Channel).Add(s.Connection);
    }

    private void Detach(Subscription s)
    {
        if (s.Market != null) _subscribers[s.Market].Of(s.Channel).Remove(s);
        else if (Session(s.Connection.Account!) is { } session) PrivateList(session.State, s.Channel).Remove(s.Connection);
    }

    private static List<WebConnection> PrivateList(AccountState a, string channel) => channel switch
    {
        "orders" => a.OrderSubscribers,
        "fills" => a.FillSubscribers,
        _ => a.BalanceSubscribers,
    };

    public void Disconnect(WebConnection c)
    {
        foreach (var s in c.Subscriptions.Values) Detach(s);
        c.Subscriptions.Clear();
    }

    private AccountSession? Session(WebAccount account) => _sessions.Find(s => s.Account.Account == account.Account);

    // ---- snapshots for REST (on the engine thread, through Query) ----

    public byte[]? BookSnapshot(string symbol, int depth) => _markets.TryGetValue(symbol, out var m) ? Frames.Book(m, depth, snapshot: true) : null;
    public byte[]? TradesSnapshot(string symbol, int limit) => _markets.TryGetValue(symbol, out var m) ? Frames.Trades(m, limit) : null;
    public byte[]? TickerSnapshot(string symbol) => _markets.TryGetValue(symbol, out var m) ? Frames.Ticker(m) : null;
    /// <summary>The candles held in memory (oldest first) and the symbol, or null for an unknown symbol or interval.</summary>
    public (WebSymbol Symbol, List<Candle> Candles)? CandlesHeld(string symbol, string interval, int limit) =>
        _markets.TryGetValue(symbol, out var m) && m.Series(interval) is { } series ? (m.Symbol, series.Newest(limit).ToList()) : null;
    public byte[]? CandlesSnapshot(string symbol, string interval, int limit) =>
        _markets.TryGetValue(symbol, out var m) && m.Series(interval) is { } series ? Frames.Candles(m, series, limit) : null;
    public byte[] OrdersSnapshot(WebAccount account) => PrivateFrames.Orders(Session(account)!.State);
    public byte[] BalancesSnapshot(WebAccount account) => PrivateFrames.Balances(Session(account)!.State, Asset);

    /// <summary>For REST: <paramref name="snapshot"/> of the account once its state is fresh from the engine (an
    /// account-state query), or at once from what is held if the engine session is down.</summary>
    public Task<byte[]> Refreshed(WebAccount account, Func<WebAccount, byte[]> snapshot)
    {
        var answer = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            var session = Session(account);
            if (session == null) { answer.SetException(new InvalidOperationException("no engine session for the account")); return; }
            RefreshAccount(session, () => answer.TrySetResult(snapshot(account)));
        });
        return answer.Task;
    }

    // ---- full books from the engine (book-snapshot queries) ----

    /// <summary>Asks the engine for <paramref name="m"/>'s full book (once at a time), through the market-data session.</summary>
    private void RequestRebuild(SymbolMarket m)
    {
        if (m.RebuildRequest != null) return;
        var session = _sessions.Find(s => s.MarketData);
        if (session == null) return;
        ulong id = _nextRefresh++;
        if (session.Client.RequestBookSnapshot(m.Symbol.Id, id) > 0) m.RebuildRequest = id;
    }

    private void OnBookSnapshotLevel(AccountSession session, int symbol, Side side, long price, long quantity, int orders)
    {
        if (session.MarketData && _marketsById.TryGetValue(symbol, out var m) && m.RebuildRequest != null) m.AddSnapshotLevel(side, price, quantity, orders);
    }

    /// <summary>The engine's book is in: the book is rebuilt from it and every book subscriber gets a snapshot of it.</summary>
    private void OnBookSnapshotEnd(AccountSession session, ulong requestId, int symbol, long sequence, bool truncated)
    {
        if (!session.MarketData || !_marketsById.TryGetValue(symbol, out var m) || m.RebuildRequest != requestId) return;
        FlushBooks();
        m.Rebuild(sequence);
        _log.Info($"{m.Symbol.Name}: book rebuilt from the engine's at sequence {sequence}: {m.BidLevels} bid and {m.AskLevels} ask levels" +
            (truncated ? " (the engine sent its best levels only)" : ""), ("symbol", m.Symbol.Name), ("sequence", sequence));
        foreach (var s in _subscribers[m].Book) Send(s, Frames.Book(m, s.Depth, snapshot: true, "rebuilt"), conflatable: true);
    }

    // ---- the account's state from the engine (account-state queries) ----

    private ulong _nextRefresh = 1;

    /// <summary>Asks every shard of the account's session for its open orders and balances (one query in flight per
    /// account: later askers wait for it), then runs <paramref name="done"/>. With the session down, runs it at once.</summary>
    private void RefreshAccount(AccountSession session, Action? done)
    {
        if (session.Refresh is { } running)
        {
            if (done != null) running.Done.Add(done);
            return;
        }
        var client = session.Client;
        var refresh = new AccountRefresh(_nextRefresh++, client.ShardCount);
        if (done != null) refresh.Done.Add(done);
        for (int shard = 0; shard < client.ShardCount; shard++)
            if (client.RequestAccountState(shard, refresh.RequestId) <= 0) refresh.Outstanding--;
        if (refresh.Outstanding == 0)
        {
            foreach (var d in refresh.Done) d();
            return;
        }
        session.Refresh = refresh;
    }

    private void OnAccountBalance(AccountSession session, int shard, ulong requestId, int asset, long available, long held)
    {
        if (session.Refresh is not { } r || r.RequestId != requestId) return;
        if (!r.Balances.TryGetValue(shard, out var list)) r.Balances[shard] = list = [];
        list.Add((asset, available, held));
    }

    private void OnAccountOrder(AccountSession session, int shard, ulong requestId, in OpenOrderEntry o)
    {
        if (session.Refresh is not { } r || r.RequestId != requestId || !_marketsById.TryGetValue(o.Symbol, out var m)) return;
        if (!r.Orders.TryGetValue(shard, out var list)) r.Orders[shard] = list = [];
        // Limit orders rest; stops wait for their trigger.
        bool pending = o.Type is OrderType.Stop or OrderType.StopLimit;
        list.Add(new WebOrder
        {
            Symbol = m.Symbol, ClientOrderId = o.ClientOrderId, OrderId = o.OrderId, Side = o.Side, Type = o.Type,
            TimeInForce = o.TimeInForce, Price = o.Price,
            Quantity = o.Quantity, Filled = o.Filled, Leaves = o.Leaves, StopPrice = o.StopPrice,
            Status = pending ? "pending" : o.Filled > 0 ? "partiallyFilled" : "open",
        });
    }

    /// <summary>One shard's answer is complete: its part of the account's state is replaced by it (it comes on the same
    /// stream as the execution reports, at the point of the sequence it is at, so what came before is in it and what
    /// comes after applies on top).</summary>
    private void OnAccountStateEnd(AccountSession session, int shard, ulong requestId, long nextAfterOrderId)
    {
        if (session.Refresh is not { } r || r.RequestId != requestId) return;
        if (nextAfterOrderId != 0 && session.Client.RequestAccountState(shard, requestId, nextAfterOrderId) > 0) return;
        var a = session.State;
        var client = session.Client;
        foreach (var stale in a.Orders.Where(kv => client.ShardOf(kv.Value.Symbol.Id) == shard || client.ShardCount == 1).Select(kv => kv.Key).ToList())
            a.Orders.Remove(stale);
        if (r.Orders.TryGetValue(shard, out var orders))
            foreach (var o in orders) a.Orders[o.ClientOrderId] = o;
        // The engine lists the assets with something available or held; with one shard, any other asset is empty.
        if (client.ShardCount == 1) a.Balances.Clear();
        if (r.Balances.TryGetValue(shard, out var balances))
            foreach (var (asset, available, held) in balances) a.Balances[asset] = (available, held);
        if (--r.Outstanding > 0) return;
        session.Refresh = null;
        foreach (var d in r.Done) d();
    }

    /// <summary>The engine refused an account-state query (it should not: the session asks for its own account).</summary>
    private void OnQueryRejected(AccountSession session, ulong requestId, RejectReason reason)
    {
        foreach (var m in _markets.Values)
            if (m.RebuildRequest == requestId)
            {
                _log.Warn($"{m.Symbol.Name}: book snapshot refused: {reason}", ("symbol", m.Symbol.Name));
                m.AbandonRebuild();
                return;
            }
        if (session.Refresh is not { } r || r.RequestId != requestId) return;
        _log.Warn($"account {session.Account.Account}: account-state query refused: {reason}", ("account", session.Account.Account));
        if (--r.Outstanding > 0) return;
        session.Refresh = null;
        foreach (var d in r.Done) d();
    }

    /// <summary>After an engine logon (the first or a reconnection): the account's state fresh from the engine, and every
    /// private subscriber of orders and balances sent the new snapshot.</summary>
    private void RefreshAfterLogon(AccountSession session)
    {
        // Market data may have been missed while the session was down: every book is rebuilt from the engine's.
        if (session.MarketData)
            foreach (var m in _markets.Values) RequestRebuild(m);
        RefreshAccount(session, () =>
        {
            var a = session.State;
            if (a.OrderSubscribers.Count > 0)
            {
                var frame = PrivateFrames.Orders(a);
                foreach (var c in a.OrderSubscribers) c.Outbox.Private(frame);
            }
            if (a.BalanceSubscribers.Count > 0)
            {
                var frame = PrivateFrames.Balances(a, Asset);
                foreach (var c in a.BalanceSubscribers) c.Outbox.Private(frame);
            }
        });
    }
    public byte[] FillsSnapshot(WebAccount account) => PrivateFrames.Fills(Session(account)!.State);

    // ---- order entry (on the engine thread, through Post) ----

    public void Enter(WebConnection c, Request request)
    {
        var session = Session(c.Account!)!;
        try
        {
            switch (request)
            {
                case NewOrderRequest r: NewOrder(c, session, r); break;
                case CancelRequest r: Cancel(c, session, r); break;
                case ReplaceRequest r: Replace(c, session, r); break;
                case MassCancelRequest r: MassCancel(c, session, r); break;
            }
        }
        catch (RequestError e)
        {
            c.Outbox.Private(Frames.Error(request.RequestId, e.Code, e.Message));
        }
    }

    private SymbolMarket Market(string symbol) =>
        _markets.TryGetValue(symbol, out var m) ? m : throw new RequestError("unknown_symbol", $"symbol '{symbol}' is not traded here");

    private static long Amount(string? text, int decimals, string name)
    {
        if (text == null) return 0;
        return Units.Parse(text, decimals, out string? problem)
            ?? throw new RequestError(problem == "is out of range" ? "out_of_range" : "invalid_field", $"'{name}' {problem}");
    }

    private static bool Sent(WebConnection c, Request r, string op, long result, long clientOrderId)
    {
        if (result > 0) return true;
        c.Outbox.Private(PrivateFrames.Reject(r.RequestId, op, $"engine unavailable: {SendResult.Describe(result)}", 0, clientOrderId));
        return false;
    }

    private void NewOrder(WebConnection c, AccountSession session, NewOrderRequest r)
    {
        var m = Market(r.Symbol);
        long price = Amount(r.Price, m.Symbol.PriceDecimals, "price");
        long quantity = Amount(r.Quantity, m.Symbol.QuantityDecimals, "quantity");
        long budget = Amount(r.QuoteBudget, m.Symbol.QuoteDecimals, "quoteBudget");
        long stopPrice = Amount(r.StopPrice, m.Symbol.PriceDecimals, "stopPrice");
        long display = Amount(r.DisplayQuantity, m.Symbol.QuantityDecimals, "displayQuantity");
        var state = session.State;
        long id = r.ClientOrderId ?? state.NextClientOrderId++;
        if (state.PendingNew.ContainsKey(id) || state.Orders.ContainsKey(id))
            throw new RequestError("invalid_field", $"clientOrderId {id} is already in use by an order of this account");
        var order = new NewOrder(session.Account.Account, id, m.Symbol.Id, r.Side, r.Type, r.TimeInForce,
            r.Type is OrderType.Market or OrderType.Stop ? 0 : price, quantity, budget, r.SelfTrade, r.PostOnly, stopPrice, DisplayQuantity: display, ExpireTime: r.ExpireTime);
        if (Sent(c, r, "new", session.Client.NewOrder(order), id)) state.PendingNew[id] = new PendingRequest(c, r.RequestId, "new");
    }

    private void Cancel(WebConnection c, AccountSession session, CancelRequest r)
    {
        var state = session.State;
        var m = r.Symbol != null ? Market(r.Symbol) : state.Orders.TryGetValue(r.ClientOrderId, out var o) ? _markets[o.Symbol.Name]
            : throw new RequestError("unknown_order", $"clientOrderId {r.ClientOrderId} is not an open order known here; name its symbol");
        if (state.PendingCancel.ContainsKey(r.ClientOrderId)) throw new RequestError("invalid_field", $"a cancel of {r.ClientOrderId} is already on its way");
        if (Sent(c, r, "cancel", session.Client.Cancel(m.Symbol.Id, r.ClientOrderId), r.ClientOrderId))
            state.PendingCancel[r.ClientOrderId] = new PendingRequest(c, r.RequestId, "cancel");
    }

    private void Replace(WebConnection c, AccountSession session, ReplaceRequest r)
    {
        var state = session.State;
        var m = r.Symbol != null ? Market(r.Symbol) : state.Orders.TryGetValue(r.OrigClientOrderId, out var o) ? _markets[o.Symbol.Name]
            : throw new RequestError("unknown_order", $"origClientOrderId {r.OrigClientOrderId} is not an open order known here; name its symbol");
        long price = Amount(r.Price, m.Symbol.PriceDecimals, "price");
        long quantity = Amount(r.Quantity, m.Symbol.QuantityDecimals, "quantity");
        long id = r.ClientOrderId ?? state.NextClientOrderId++;
        if (state.PendingReplace.ContainsKey(r.OrigClientOrderId)) throw new RequestError("invalid_field", $"a replace of {r.OrigClientOrderId} is already on its way");
        if (Sent(c, r, "replace", session.Client.Replace(m.Symbol.Id, r.OrigClientOrderId, id, price, quantity), r.OrigClientOrderId))
            state.PendingReplace[r.OrigClientOrderId] = new PendingRequest(c, r.RequestId, "replace");
    }

    private void MassCancel(WebConnection c, AccountSession session, MassCancelRequest r)
    {
        int symbol = r.Symbol == null ? -1 : Market(r.Symbol).Symbol.Id;
        if (Sent(c, r, "massCancel", session.Client.MassCancel(symbol, r.Side), 0))
            session.State.PendingMassCancel.Enqueue(new PendingRequest(c, r.RequestId, "massCancel") { Answers = symbol == -1 ? session.Client.ShardCount : 1 });
    }

    // ---- execution reports (each account's own session) ----

    private void ToOrders(AccountState a, byte[] frame) { foreach (var c in a.OrderSubscribers) c.Outbox.Private(frame); }

    private void OnAccepted(AccountSession session, in OrderAccepted e)
    {
        if (!_marketsById.TryGetValue(e.Symbol, out var m)) return;
        var a = session.State;
        var order = new WebOrder
        {
            Symbol = m.Symbol, ClientOrderId = e.ClientOrderId, OrderId = e.OrderId, Side = e.Side, Type = e.Type, TimeInForce = e.TimeInForce,
            Price = e.Price, Quantity = e.Quantity, Leaves = e.Quantity, StopPrice = e.StopPrice, Status = e.StopPrice != 0 ? "pending" : "open",
        };
        a.Orders[e.ClientOrderId] = order;
        long orderId = e.OrderId;
        if (a.PendingNew.Remove(e.ClientOrderId, out var p))
            p.Connection.Outbox.Private(PrivateFrames.Ack(p, w => { w.WriteNumber("clientOrderId", order.ClientOrderId); w.WriteNumber("orderId", orderId); }));
        ToOrders(a, PrivateFrames.Order(order, "accepted"));
    }

    private void OnRejected(AccountSession session, in CommandRejected e)
    {
        var a = session.State;
        PendingRequest? p = null;
        switch (e.Command)
        {
            case CommandKind.NewOrder: a.PendingNew.Remove(e.ClientOrderId, out p); break;
            case CommandKind.CancelOrder: a.PendingCancel.Remove(e.ClientOrderId, out p); break;
            case CommandKind.ReplaceOrder: a.PendingReplace.Remove(e.ClientOrderId, out p); break;
            case CommandKind.MassCancel:
                MassCancelAnswered(a, 0, e.Reason);
                return;
        }
        if (p != null) p.Connection.Outbox.Private(PrivateFrames.Reject(p.RequestId, p.Op, e.Reason.ToString(), (int)e.Reason, e.Command == CommandKind.MassCancel ? null : e.ClientOrderId));
    }

    private void OnFill(AccountSession session, in Fill e)
    {
        if (!_marketsById.TryGetValue(e.Symbol, out var m)) return;
        var a = session.State;
        if (!a.Orders.TryGetValue(e.ClientOrderId, out var order))
        {
            // An order from before exchange-web logged on: known from its fills on.
            order = new WebOrder { Symbol = m.Symbol, ClientOrderId = e.ClientOrderId, OrderId = e.OrderId, Side = e.Side, Type = OrderType.Limit,
                TimeInForce = TimeInForce.GoodTillCancel, Price = e.Price, Quantity = e.FilledQuantity + e.LeavesQuantity };
            a.Orders[e.ClientOrderId] = order;
        }
        order.Filled = e.FilledQuantity;
        order.Leaves = e.LeavesQuantity;
        order.Status = e.LeavesQuantity == 0 ? "filled" : "partiallyFilled";
        var print = new FillPrint(m.Symbol, SequenceOf(session), Timestamp(session), e);
        a.AddFill(print);
        if (a.FillSubscribers.Count > 0)
        {
            var frame = PrivateFrames.Fill(print);
            foreach (var c in a.FillSubscribers) c.Outbox.Private(frame);
        }
        ToOrders(a, PrivateFrames.Order(order, "fill"));
        if (e.LeavesQuantity == 0) a.Orders.Remove(e.ClientOrderId);
    }

    /// <summary>A pending stop reached its stop price: from now on it is a market (stop) or limit (stop-limit) order.</summary>
    private void OnStopTriggered(AccountSession session, in StopTriggered e)
    {
        var a = session.State;
        if (!a.Orders.TryGetValue(e.ClientOrderId, out var order)) return;
        order.Type = e.Type == OrderType.Stop ? OrderType.Market : OrderType.Limit;
        order.Status = "open";
        ToOrders(a, PrivateFrames.Order(order, "triggered"));
    }

    private static long SequenceOf(AccountSession session) => session.Client.Listener.Sequence;

    private void OnCancelled(AccountSession session, in OrderCancelled e)
    {
        var a = session.State;
        if (a.Orders.Remove(e.ClientOrderId, out var order))
        {
            order.Leaves = 0;
            order.Filled = e.FilledQuantity;
            order.Status = "cancelled";
            ToOrders(a, PrivateFrames.Order(order, "cancelled", e.Reason.ToString()));
        }
        var pending = e.Reason switch
        {
            CancelReason.ByClient => a.PendingCancel,
            CancelReason.ReplacedBelowFilled => a.PendingReplace,
            _ => null,
        };
        long cancelled = e.CancelledQuantity;
        long clientOrderId = e.ClientOrderId;
        string reason = e.Reason.ToString();
        if (pending != null && pending.Remove(e.ClientOrderId, out var p))
            p.Connection.Outbox.Private(PrivateFrames.Ack(p, w =>
            {
                w.WriteNumber("clientOrderId", clientOrderId);
                w.WriteString("cancelled", order?.Symbol.Quantity(cancelled) ?? cancelled.ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("reason", reason);
            }));
        // An IOC or market remainder also ends the order's new-order request if it is still waiting (it is not: the
        // acceptance came first), so nothing more to answer here.
    }

    private void OnReplaced(AccountSession session, in OrderReplaced e)
    {
        var a = session.State;
        if (a.Orders.Remove(e.OrigClientOrderId, out var order))
        {
            order.ClientOrderId = e.ClientOrderId;
            order.Price = e.Price;
            order.Quantity = e.Quantity;
            order.Leaves = e.LeavesQuantity;
            order.Status = order.Filled > 0 ? "partiallyFilled" : "open";
            a.Orders[e.ClientOrderId] = order;
            ToOrders(a, PrivateFrames.Order(order, "replaced"));
        }
        long orig = e.OrigClientOrderId, id = e.ClientOrderId;
        bool kept = e.KeptPriority;
        if (a.PendingReplace.Remove(e.OrigClientOrderId, out var p))
            p.Connection.Outbox.Private(PrivateFrames.Ack(p, w =>
            {
                w.WriteNumber("origClientOrderId", orig);
                w.WriteNumber("clientOrderId", id);
                w.WriteBoolean("keptPriority", kept);
            }));
    }

    private void OnReduced(AccountSession session, in OrderReduced e)
    {
        var a = session.State;
        if (!a.Orders.TryGetValue(e.ClientOrderId, out var order)) return;
        order.Leaves = e.LeavesQuantity;
        ToOrders(a, PrivateFrames.Order(order, "reduced"));
    }

    private void OnBalance(AccountSession session, in BalanceChanged e)
    {
        var a = session.State;
        a.Balances[e.Asset] = (e.Available, e.Held);
        if (a.BalanceSubscribers.Count == 0) return;
        var (name, decimals) = Asset(e.Asset);
        var frame = PrivateFrames.Balance(name, decimals, e.Available, e.Held);
        foreach (var c in a.BalanceSubscribers) c.Outbox.Private(frame);
    }

    private void OnMassCancelled(AccountSession session, in MassCancelled e) => MassCancelAnswered(session.State, e.Count, null);

    /// <summary>One shard's answer to the oldest mass cancel; a mass cancel of every symbol went to each shard and is
    /// answered once all have: an ack with the total cancelled, or, if every shard refused it, the first refusal.</summary>
    private static void MassCancelAnswered(AccountState a, int cancelled, RejectReason? refusal)
    {
        if (!a.PendingMassCancel.TryPeek(out var p)) return;
        p.Cancelled += cancelled;
        if (refusal is { } reason) p.Refusal ??= reason;
        else p.Reported = true;
        if (--p.Answers > 0) return;
        a.PendingMassCancel.Dequeue();
        int total = p.Cancelled;
        p.Connection.Outbox.Private(!p.Reported && p.Refusal is { } first
            ? PrivateFrames.Reject(p.RequestId, p.Op, first.ToString(), (int)first)
            : PrivateFrames.Ack(p, w => w.WriteNumber("cancelledCount", total)));
    }

    /// <summary>Engine sessions lost and not yet back (read on the operator endpoint's thread).</summary>
    public int LostSessions => Volatile.Read(ref _lostSessions);
    private int _lostSessions;

    /// <summary>Engine sessions, one per web account.</summary>
    public int SessionCount => _sessions.Count;

    private void OnSessionLost(AccountSession session, string why)
    {
        if (session.Lost) return;
        session.Lost = true;
        Interlocked.Increment(ref _lostSessions);
        _log.Warn($"engine session of account {session.Account.Account} lost ({why}); logging on again every {ReconnectEvery.TotalSeconds:0} s",
            ("account", session.Account.Account));
        foreach (var p in session.State.TakeAllPending())
            p.Connection.Outbox.Private(PrivateFrames.Reject(p.RequestId, p.Op, "engine unavailable: engine session lost, reconnecting", 0));
        if (session.MarketData)
            foreach (var m in _markets.Values) m.AbandonRebuild();
        // A query in flight will not be answered: whoever waited gets what is held.
        if (session.Refresh is { } r)
        {
            session.Refresh = null;
            foreach (var d in r.Done) d();
        }
    }

    private void OnSessionUp(AccountSession session)
    {
        if (!session.Lost) return;
        session.Lost = false;
        Interlocked.Decrement(ref _lostSessions);
        _log.Info($"engine session of account {session.Account.Account} restored", ("account", session.Account.Account));
    }

    /// <summary>The engine client's callbacks for one account's session, handed to the door on its thread.</summary>
    private sealed class EngineEvents(EngineDoor door, AccountSession session) : ClientListener
    {
        public long Sequence => EventSequence;
        public override void OnEventContext(int shard, long sequence)
        {
            base.OnEventContext(shard, sequence);
            door.OnContext(session, sequence);
        }
        public override void OnLogon(int shard, ulong sessionId)
        {
            door.OnSessionUp(session);
            door.RefreshAfterLogon(session);
        }
        public override void OnAccountBalance(int shard, ulong requestId, long account, int asset, long available, long held) =>
            door.OnAccountBalance(session, shard, requestId, asset, available, held);
        public override void OnAccountOrder(int shard, ulong requestId, in OpenOrderEntry order) => door.OnAccountOrder(session, shard, requestId, order);
        public override void OnAccountStateEnd(int shard, ulong requestId, long account, long sequence, int orderCount, long nextAfterOrderId) =>
            door.OnAccountStateEnd(session, shard, requestId, nextAfterOrderId);
        public override void OnQueryRejected(int shard, ulong requestId, int query, RejectReason reason) => door.OnQueryRejected(session, requestId, reason);
        public override void OnBookSnapshotLevel(int shard, int symbol, Side side, long price, long quantity, int orderCount) =>
            door.OnBookSnapshotLevel(session, symbol, side, price, quantity, orderCount);
        public override void OnBookSnapshotEnd(int shard, ulong requestId, int symbol, long sequence, SymbolStatus status, int bidLevels, int askLevels, bool truncated) =>
            door.OnBookSnapshotEnd(session, requestId, symbol, sequence, truncated);
        public override void OnLogout(int shard, LogoutReason reason) => door.OnSessionLost(session, $"engine logout: {reason}");
        public override void OnDisconnected(int shard) => door.OnSessionLost(session, "engine silent or gone");
        public override void OnSymbolDefinition(int shard, SymbolReference symbol) { if (session.MarketData) door.AddSymbol(symbol); }
        public override void OnLevel(in LevelChanged e) => door.OnLevel(session, e);
        public override void OnBestBidOffer(in BestBidOffer e) => door.OnBestBidOffer(session, e);
        public override void OnTrade(in Trade e) => door.OnTrade(session, e);
        public override void OnSymbolStatus(in SymbolStatusChanged e) => door.OnSymbolStatus(session, e);
        public override void OnAccepted(in OrderAccepted e) => door.OnAccepted(session, e);
        public override void OnStopTriggered(in StopTriggered e) => door.OnStopTriggered(session, e);
        public override void OnRejected(in CommandRejected e) => door.OnRejected(session, e);
        public override void OnFill(in Fill e) => door.OnFill(session, e);
        public override void OnCancelled(in OrderCancelled e) => door.OnCancelled(session, e);
        public override void OnReplaced(in OrderReplaced e) => door.OnReplaced(session, e);
        public override void OnReduced(in OrderReduced e) => door.OnReduced(session, e);
        public override void OnBalance(in BalanceChanged e) => door.OnBalance(session, e);
        public override void OnMassCancelled(in MassCancelled e) => door.OnMassCancelled(session, e);
    }
}
