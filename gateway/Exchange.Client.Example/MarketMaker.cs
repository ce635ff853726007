// The market maker: one bid and one ask around a centre that drifts a tick at a time, moved by replace every
// interval; every Nth interval an immediate-or-cancel order takes the best opposite quote. It follows its orders
// through the execution reports, so a quote that filled or was refused is placed anew on the next interval. Given every
// member of a clustered shard, it follows a failover: it logs on to the new leader and asks the order status of each
// quote it had live or on its way, so it neither loses track of a resting quote nor places one twice. With --stop-loss,
// each fill of a quote is protected by a stop order on the other side (a bought lot by a sell stop below the fill, a
// sold one by a buy stop above it), so a move against the position closes it at market.
using System.Globalization;
using Exchange.Contract;

namespace Exchange.Client.Example;

internal sealed class MarketMaker : ClientListener
{
    private readonly Settings _settings;
    private readonly TextWriter _out;
    private ExchangeClient<MarketMaker>? _client;

    private Quote _bid, _ask;
    private long _nextClientOrderId;
    private long _centre;
    private ulong _random = 0x9E3779B97F4A7C15;
    private int _interval;
    private bool _takeBuy = true;
    private const int MaxRejectsInARow = 10;
    /// <summary>Protective stops waiting at once; the oldest is cancelled to make room.</summary>
    public const int MaxStops = 8;
    private readonly Queue<long> _stops = new();
    private int _rejectsInARow;

    // The top of book of the quoted symbol from market data, and what was last printed.
    private BestBidOffer _top, _printedTop;
    private long _topPrintedAt = -1_000_000;

    public Stats Stats;
    public string? Failure { get; private set; }

    /// <summary>A shard's session was lost while its other members may lead now: the loop logs on again.</summary>
    public bool ReconnectOwed { get; set; }
    /// <summary>Since when (ms on the loop's clock) the market maker has been looking for a leader; -1 while logged on.</summary>
    public long LostSince { get; set; } = -1;
    private bool _resyncOwed;
    private ulong _nextRequest;

    private struct Quote
    {
        /// <summary>The live order's client order id (0: none).</summary>
        public long Id;
        /// <summary>A new order or replace is on its way; the side waits for its answer.</summary>
        public long Pending;
    }

    public MarketMaker(Settings settings, TextWriter output)
    {
        _settings = settings;
        _out = output;
        _centre = settings.Price;
        // Ids from the wall clock, so a restart never reuses an id still open from an earlier run.
        _nextClientOrderId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
    }

    public void Attach(ExchangeClient<MarketMaker> client) => _client = client;

    private ExchangeClient<MarketMaker> Client => _client!;

    /// <summary>One interval: move the centre, re-quote both sides, and take if it is time to.</summary>
    public void OnInterval()
    {
        _interval++;
        long step = (long)(Next() % 3) - 1; // -1, 0 or +1 tick, kept within 5 spreads of the start
        long bound = _settings.Spread * 5;
        _centre = Math.Clamp(_centre + step, _settings.Price - bound, _settings.Price + bound);
        long half = _settings.Spread / 2;
        QuoteSide(ref _bid, Side.Buy, _centre - half);
        QuoteSide(ref _ask, Side.Sell, _centre + half);
        if (_settings.TakeEvery > 0 && _interval % _settings.TakeEvery == 0) Take();
    }

    private void QuoteSide(ref Quote quote, Side side, long price)
    {
        if (quote.Pending != 0) return;
        long id = ++_nextClientOrderId;
        long result = quote.Id == 0
            ? Client.NewOrder(new NewOrder(0, id, _settings.Symbol, side, OrderType.Limit, _settings.QuoteTimeInForce, price, _settings.Quantity,
                DisplayQuantity: _settings.Display))
            : Client.Replace(_settings.Symbol, quote.Id, id, price, _settings.Quantity);
        if (!Sent(result, quote.Id == 0 ? "new order" : "replace")) return;
        quote.Pending = id;
        if (quote.Id == 0) Stats.NewOrders++;
        else Stats.Replaces++;
    }

    /// <summary>Takes the best opposite quote (alternating sides) with an immediate-or-cancel limit at its price.</summary>
    private void Take()
    {
        var side = _takeBuy ? Side.Buy : Side.Sell;
        _takeBuy = !_takeBuy;
        long price = side == Side.Buy ? _top.AskPrice : _top.BidPrice;
        if (price == 0) return; // that side of the book is empty
        long result = Client.NewOrder(new NewOrder(0, ++_nextClientOrderId, _settings.Symbol, side, OrderType.Limit, TimeInForce.ImmediateOrCancel,
            price, _settings.Quantity));
        if (Sent(result, "take")) Stats.Takes++;
    }

    private bool Sent(long result, string what)
    {
        if (SendResult.IsSent(result)) return true;
        Stats.NotSent++;
        Line($"{{\"event\":\"not-sent\",\"what\":\"{what}\",\"reason\":\"{SendResult.Describe(result)}\"}}",
            $"not sent  {what}: {SendResult.Describe(result)}");
        return false;
    }

    private ulong Next()
    {
        _random ^= _random << 13;
        _random ^= _random >> 7;
        _random ^= _random << 17;
        return _random;
    }

    /// <summary>Prints the top of book if it changed, at most every half second.</summary>
    public void PrintTopIfChanged(long nowMs)
    {
        if (_top == _printedTop || nowMs - _topPrintedAt < 500) return;
        _printedTop = _top;
        _topPrintedAt = nowMs;
        var t = _top;
        Line($"{{\"event\":\"top\",\"symbol\":{t.Symbol},\"bidPrice\":{t.BidPrice},\"bidQuantity\":{t.BidQuantity},\"askPrice\":{t.AskPrice},\"askQuantity\":{t.AskQuantity}}}",
            $"top       symbol {t.Symbol}: {Level(t.BidQuantity, t.BidPrice)} | {Level(t.AskQuantity, t.AskPrice)}");
    }

    private static string Level(long quantity, long price) => quantity == 0 ? "(empty)" : $"{quantity} @ {price}";

    private void Line(string json, string text) => _out.WriteLine(_settings.Json ? json : text);

    private ref Quote QuoteOf(Side side) => ref side == Side.Buy ? ref _bid : ref _ask;

    private void Settle(ref Quote quote, long clientOrderId, bool live)
    {
        if (quote.Pending == clientOrderId)
        {
            quote.Pending = 0;
            if (live) quote.Id = clientOrderId;
        }
        if (!live && quote.Id == clientOrderId) quote.Id = 0;
    }

    // ---- callbacks ----

    public override void OnLogon(int shard, ulong sessionId)
    {
        Line($"{{\"event\":\"logon\",\"shard\":{shard},\"sessionId\":{sessionId},\"channel\":\"{Client.ChannelOf(shard)}\"}}",
            $"logon     shard {shard}: session {sessionId} at {Client.ChannelOf(shard)}");
        LostSince = -1;
        if (_resyncOwed) Resync(shard);
    }

    public override void OnLogout(int shard, LogoutReason reason)
    {
        Line($"{{\"event\":\"logout\",\"shard\":{shard},\"reason\":\"{reason}\"}}", $"logout    shard {shard}: {reason}");
        if (reason == LogoutReason.ClientRequest) return;
        // A leader stopping in order hands its sessions over: with other members, follow it to the next leader.
        if (reason == LogoutReason.ShuttingDown && Follows(shard)) return;
        Failure ??= $"shard {shard} ended the session: {reason}";
    }

    public override void OnDisconnected(int shard)
    {
        Line($"{{\"event\":\"disconnected\",\"shard\":{shard}}}", $"lost      shard {shard}");
        if (Follows(shard)) return;
        Failure ??= $"lost the session with shard {shard} ({Client.Options.Shards[shard].Channel})";
    }

    /// <summary>With other members to try: look for the leader (the loop logs on again) and re-synchronise after.</summary>
    private bool Follows(int shard)
    {
        if (Client.Options.Shards[shard].Replicas.Count == 0) return false;
        Stats.Failovers++;
        ReconnectOwed = true;
        _resyncOwed = true;
        Line($"{{\"event\":\"following\",\"shard\":{shard}}}", $"following shard {shard}: looking for its leader among {1 + Client.Options.Shards[shard].Replicas.Count} members");
        return true;
    }

    /// <summary>After a failover: the order status of every quote live or on its way says what the new leader holds.</summary>
    private void Resync(int shard)
    {
        _resyncOwed = false;
        foreach (long id in new[] { _bid.Id, _bid.Pending, _ask.Id, _ask.Pending })
            if (id != 0 && Client.RequestOrderStatus(shard, ++_nextRequest, id) > 0) Stats.StatusQueries++;
    }

    public override void OnOrderStatus(int shard, in OrderStatusAnswer answer)
    {
        long id = answer.ClientOrderId;
        bool sequenced = answer.Sequenced; // this market maker's ids only grow
        bool open = answer.State == OrderState.Open;
        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            ref var q = ref QuoteOf(side);
            if (q.Pending == id)
            {
                // An order or replace in flight at the failover: live if the cluster has it open; else placed anew.
                // (Filled, cancelled, refused or never sequenced: the next interval quotes that side anew.)
                q.Pending = 0;
                if (open) q.Id = id;
            }
            else if (q.Id == id && !open) q.Id = 0;
        }
        Line($"{{\"event\":\"order-status\",\"shard\":{shard},\"clientOrderId\":{id},\"state\":\"{answer.State}\",\"sequenced\":{(sequenced ? "true" : "false")}}}",
            $"status    order {id}: {answer.State}{(sequenced ? "" : ", never sequenced")}");
    }

    public override void OnAccepted(in OrderAccepted e)
    {
        Stats.Accepted++;
        _rejectsInARow = 0;
        if (e.TimeInForce is not (TimeInForce.GoodTillCancel or TimeInForce.Day)) return;
        Settle(ref QuoteOf(e.Side), e.ClientOrderId, live: true);
    }

    public override void OnReplaced(in OrderReplaced e)
    {
        ref var quote = ref QuoteOf(e.Side);
        if (quote.Id == e.OrigClientOrderId) quote.Id = e.ClientOrderId;
        Settle(ref quote, e.ClientOrderId, live: true);
    }

    /// <summary>A stop order on the other side of a quote's fill, <see cref="Settings.StopLoss"/> beyond its price.</summary>
    private void Protect(in Fill e)
    {
        var side = e.Side == Side.Buy ? Side.Sell : Side.Buy;
        long stopPrice = side == Side.Sell ? e.Price - _settings.StopLoss : e.Price + _settings.StopLoss;
        if (stopPrice <= 0) return;
        if (_stops.Count >= MaxStops) Sent(Client.Cancel(_settings.Symbol, _stops.Dequeue()), "cancel of the oldest stop");
        long id = ++_nextClientOrderId;
        if (!Sent(Client.NewOrder(new NewOrder(0, id, _settings.Symbol, side, OrderType.Stop, TimeInForce.ImmediateOrCancel, 0, e.Quantity,
            StopPrice: stopPrice)), "stop")) return;
        _stops.Enqueue(id);
        Stats.Stops++;
    }

    private bool IsStop(long clientOrderId) => _stops.Contains(clientOrderId);

    private void Forget(long clientOrderId)
    {
        if (!IsStop(clientOrderId)) return;
        for (int n = _stops.Count; n > 0; n--)
        {
            long id = _stops.Dequeue();
            if (id != clientOrderId) _stops.Enqueue(id);
        }
    }

    public override void OnStopTriggered(in StopTriggered e)
    {
        if (!IsStop(e.ClientOrderId)) return;
        Forget(e.ClientOrderId);
        Stats.StopsTriggered++;
        string side = e.Side == Side.Buy ? "buy" : "sell";
        Line($"{{\"event\":\"stop-triggered\",\"shard\":{EventShard},\"sequence\":{EventSequence},\"side\":\"{side}\",\"stopPrice\":{e.StopPrice},\"lastPrice\":{e.LastPrice},\"clientOrderId\":{e.ClientOrderId}}}",
            $"triggered {side,-4} stop @ {e.StopPrice} by a trade at {e.LastPrice} (order {e.ClientOrderId})");
    }

    public override void OnRejected(in CommandRejected e)
    {
        Stats.Rejected++;
        if (IsStop(e.ClientOrderId))
        {
            // A stop the market already passed (StopWouldTrigger), or one the account cannot hold: the position stays
            // unprotected, which is no reason to stop quoting.
            Forget(e.ClientOrderId);
            Line($"{{\"event\":\"reject\",\"shard\":{EventShard},\"sequence\":{EventSequence},\"command\":\"{e.Command}\",\"clientOrderId\":{e.ClientOrderId},\"reason\":\"{e.Reason}\",\"stop\":true}}",
                $"reject    stop {e.ClientOrderId}: {e.Reason}");
            return;
        }
        // A replace names the new id only in its answer; the reject carries the id it was sent for.
        if (_bid.Pending != 0 && (_bid.Pending == e.ClientOrderId || _bid.Id == e.ClientOrderId)) { _bid.Pending = 0; _bid.Id = 0; }
        if (_ask.Pending != 0 && (_ask.Pending == e.ClientOrderId || _ask.Id == e.ClientOrderId)) { _ask.Pending = 0; _ask.Id = 0; }
        Line($"{{\"event\":\"reject\",\"shard\":{EventShard},\"sequence\":{EventSequence},\"command\":\"{e.Command}\",\"clientOrderId\":{e.ClientOrderId},\"reason\":\"{e.Reason}\"}}",
            $"reject    {e.Command} order {e.ClientOrderId}: {e.Reason}");
        if (e.Command == CommandKind.NewOrder && ++_rejectsInARow >= MaxRejectsInARow)
            Failure ??= $"the engine refused the last {MaxRejectsInARow} new orders ({e.Reason}); giving up";
    }

    public override void OnCancelled(in OrderCancelled e)
    {
        Forget(e.ClientOrderId);
        if (e.Reason == CancelReason.Expired)
            Line($"{{\"event\":\"expired\",\"clientOrderId\":{e.ClientOrderId}}}", $"expired   order {e.ClientOrderId} (its session ended)");
        if (e.Reason == CancelReason.ReplacedBelowFilled)
        {
            ref var q = ref QuoteOf(e.Side);
            if (q.Pending != 0) q.Pending = 0;
        }
        Settle(ref QuoteOf(e.Side), e.ClientOrderId, live: false);
    }

    public override void OnFill(in Fill e)
    {
        Stats.Fills++;
        Stats.Volume += e.Quantity;
        if (e.Liquidity == Liquidity.Maker)
        {
            Stats.MakerFills++;
            if (_settings.StopLoss > 0 && !IsStop(e.ClientOrderId)) Protect(e);
        }
        if (e.LeavesQuantity == 0) Settle(ref QuoteOf(e.Side), e.ClientOrderId, live: false);
        string side = e.Side == Side.Buy ? "buy" : "sell";
        string liquidity = e.Liquidity == Liquidity.Maker ? "maker" : "taker";
        Line(string.Create(CultureInfo.InvariantCulture,
                $"{{\"event\":\"fill\",\"shard\":{EventShard},\"sequence\":{EventSequence},\"symbol\":{e.Symbol},\"side\":\"{side}\",\"price\":{e.Price},\"quantity\":{e.Quantity},\"liquidity\":\"{liquidity}\",\"fee\":{e.Fee},\"clientOrderId\":{e.ClientOrderId},\"tradeId\":{e.TradeId},\"leaves\":{e.LeavesQuantity}}}"),
            $"fill      {side,-4} {e.Quantity} @ {e.Price} {liquidity} fee {e.Fee} (order {e.ClientOrderId}, trade {e.TradeId}, leaves {e.LeavesQuantity})");
    }

    public override void OnBestBidOffer(in BestBidOffer e)
    {
        if (e.Symbol == _settings.Symbol) _top = e;
    }

    public override void OnSymbolStatus(in SymbolStatusChanged e)
    {
        if (e.Symbol != _settings.Symbol) return;
        Line($"{{\"event\":\"status\",\"symbol\":{e.Symbol},\"status\":\"{e.Status}\"}}", $"status    symbol {e.Symbol}: {e.Status}");
    }
}

internal struct Stats
{
    public long NewOrders, Replaces, Takes, NotSent, Accepted, Rejected, Fills, MakerFills, Volume, Failovers, StatusQueries, Stops, StopsTriggered;
}
