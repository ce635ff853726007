// One broker's order-entry FIX session and the engine session behind it: FIX requests become SBE commands through
// the binary client, and the engine's execution reports come back as FIX ExecutionReports (copied to drop-copy
// sessions). The engine's ids are the gateway's own (one per order version); the broker's ClOrdIDs map onto them.
// When the engine session is lost, every request in flight is answered, new ones are refused with the reason, and
// the session logs on again with backoff; trading resumes when the engine is back.
using System.Text;
using Exchange.Client;
using Exchange.Contract;
using Exchange.Fix;
using Exchange.Fix.Session;

namespace Exchange.Gateway;

internal sealed class OrderEntrySession
{
    private readonly Gateway _gateway;
    private readonly Dictionary<long, FixOrder> _byEngineId = new();
    private readonly Dictionary<string, FixOrder> _byClOrdId = new(StringComparer.Ordinal);
    private readonly Queue<MassCancelInFlight> _massCancels = new();

    /// <summary>A broker's mass cancel waiting for every shard it went to; answered in the order they were sent.</summary>
    private sealed class MassCancelInFlight(string clOrdId, char type, string? symbol, int shards, FixRoute? route)
    {
        public readonly FixRoute? Route = route;
        public readonly string ClOrdId = clOrdId;
        public readonly char Type = type;
        public readonly string? Symbol = symbol;
        public int ShardsLeft = shards;
        public int Affected;
    }
    private readonly byte[] _body = new byte[4096];
    private long _nextEngineId;

    /// <summary>What a request gets while the engine session is down.</summary>
    public const string EngineLostText = "Exchange unavailable: engine session lost, reconnecting";

    // Between attempts to log on again: 0.5 s, 1 s, 2 s, 4 s, then every 5 s.
    private static readonly long[] ReconnectBackoffNanos = [500_000_000, 1_000_000_000, 2_000_000_000, 4_000_000_000, 5_000_000_000];
    private bool _reconnecting;
    private int _reconnectAttempts;
    private long _nextReconnectAt;
    private bool _stopping;

    public OrderEntrySession(Gateway gateway, FixSession session, ExchangeClient<EngineListener> client, bool cancelOnDisconnect)
    {
        _gateway = gateway;
        Session = session;
        Client = client;
        CancelOnDisconnect = cancelOnDisconnect;
        AccountText = client.Account.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _accountBytes = Encoding.ASCII.GetBytes(AccountText);
        // Engine ids must never repeat for the account, across gateway restarts too: start above anything used before.
        _nextEngineId = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 16;
    }

    public FixSession Session { get; }
    public ExchangeClient<EngineListener> Client { get; }
    public bool CancelOnDisconnect { get; }
    public long Account => Client.Account;
    /// <summary>The account as FIX writes it (tag 1), fixed once the engine session is up.</summary>
    public string AccountText { get; }
    private readonly byte[] _accountBytes;
    public int OpenOrders => _byEngineId.Count;

    // ---- from the broker ----

    public void OnMessage(in FixMessage m)
    {
        switch (m.MsgType)
        {
            case [(byte)'D']: NewOrderSingle(in m); break;
            case [(byte)'F']: CancelRequest(in m, replace: false); break;
            case [(byte)'G']: CancelRequest(in m, replace: true); break;
            case [(byte)'H']: StatusRequest(in m); break;
            case [(byte)'q']: MassCancelRequest(in m); break;
            default: _gateway.BusinessReject(Session, in m, BusinessRejectReason.UnsupportedMessageType); break;
        }
    }

    public void OnLogout()
    {
        if (CancelOnDisconnect && Client.IsConnected) Client.MassCancel();
    }

    /// <summary>The gateway is stopping: the engine sessions it ends are not lost ones.</summary>
    public void Stop() => _stopping = true;

    private bool EngineUp(GatewaySymbol symbol) => Client.IsLoggedOn(Client.ShardOf(symbol.Id));

    // ---- the engine session ----

    /// <summary>The engine session of <paramref name="shard"/> ended without our asking (no heartbeat, its response
    /// stream gone, or the engine's Logout): every request in flight there is answered now, since the engine will not
    /// answer it; new ones are refused with <see cref="EngineLostText"/> until the session is back; logging on again
    /// starts at once.</summary>
    public void OnEngineLost(int shard, string why)
    {
        if (_stopping) return;
        Session.LogEvent($"engine session lost ({why}); refusing orders until it is back");
        int answered = 0;
        foreach (var order in _byEngineId.Values.ToList())
        {
            if (Client.ShardOf(order.Symbol.Id) != shard) continue;
            if (order.Status == OrdStatus.PendingNew && !order.Doubtful)
            {
                // It may or may not have reached the book: the broker is told it is rejected, and once the session is
                // back the gateway cancels it there, so that it is.
                order.Status = OrdStatus.Rejected;
                order.Leaves = 0;
                order.Doubtful = true;
                Refuse(order.Request!, OrdRejReason.Other, EngineLostText);
                order.Request = null;
                order.Trace?.Answered(0, EngineLostText);
                order.Trace = null;
                answered++;
            }
            else if (order.Pending is { } pending)
            {
                order.Pending = null;
                _byClOrdId.Remove(pending.ClOrdId);
                CancelReject(order, pending.Request, pending.IsReplace, CxlRejReason.Other, EngineLostText);
                answered++;
            }
        }
        while (_massCancels.TryDequeue(out var mc))
        {
            MassCancelReport(mc.ClOrdId, mc.Type, '0', MassCancelRejectReason.Other, 0, mc.Symbol, EngineLostText, mc.Route);
            answered++;
        }
        if (answered > 0) Session.LogEvent($"{answered} request(s) in flight answered: {EngineLostText}");
        if (!_reconnecting)
        {
            _reconnecting = true;
            _reconnectAttempts = 0;
            _nextReconnectAt = _gateway.Now();
        }
    }

    /// <summary>Once per loop cycle: while an engine session is down, asks the client to log on again, with backoff.
    /// Returns the work done.</summary>
    public int DriveReconnect(long now)
    {
        if (!_reconnecting || _stopping || now < _nextReconnectAt) return 0;
        bool refused = false;
        for (int shard = 0; shard < Client.ShardCount; shard++) refused |= Client.StateOf(shard) == ShardState.Rejected;
        _reconnectAttempts++;
        Session.LogEvent(refused
            ? $"the engine refused the logon; logging on again (attempt {_reconnectAttempts})"
            : $"logging on to the engine again (attempt {_reconnectAttempts})");
        Client.Reconnect();
        _nextReconnectAt = now + ReconnectBackoffNanos[Math.Min(_reconnectAttempts, ReconnectBackoffNanos.Length) - 1];
        return 1;
    }

    /// <summary>An engine session is up: at start-up, nothing to do; after a loss, trading resumes, and the orders whose
    /// fate the loss left unknown are cancelled at the exchange, as the broker was told they were rejected.</summary>
    public void OnEngineLogon(int shard)
    {
        if (!_reconnecting || _stopping) return;
        int cancelled = 0;
        foreach (var order in _byEngineId.Values)
        {
            if (!order.Doubtful || Client.ShardOf(order.Symbol.Id) != shard) continue;
            if (SendResult.IsSent(Client.Cancel(order.Symbol.Id, order.EngineClientOrderId))) cancelled++;
        }
        if (!Client.IsConnected) return;
        _reconnecting = false;
        Session.LogEvent($"engine session restored after {_reconnectAttempts} attempt(s); taking orders again" +
            (cancelled > 0 ? $"; cancelling {cancelled} order(s) reported rejected when it was lost, in case they reached the book" : ""));
        // The broker left while the engine was away: what cancel-on-disconnect could not do then, it does now.
        if (CancelOnDisconnect && !Session.IsLoggedOn) Client.MassCancel();
    }

    private static string Text(in FixMessage m, int tag) => m.TryGetValue(tag, out var v) ? Encoding.ASCII.GetString(v) : "";

    private void NewOrderSingle(in FixMessage m)
    {
        var received = _gateway.Tracing != null ? DateTimeOffset.UtcNow : default;
        string clOrdId = Text(in m, FixTag.ClOrdID);
        var echo = RequestEcho.Of(in m);
        var order = new FixOrder { ClOrdId = clOrdId, Symbol = null!, Account = AccountText, Status = OrdStatus.Rejected, Request = echo, Route = echo.Route };
        // Without TimeInForce (59) an order rests until cancelled, as it always has here; an explicit 59=0 is a Day order.
        bool day = m.TryGetChar(FixTag.TimeInForce, out order.TimeInForce) && order.TimeInForce == '0';
        if (order.TimeInForce == default) order.TimeInForce = '0';
        var refusal = ParseOrder(in m, order, out bool postOnly);
        if (refusal == null && _byClOrdId.ContainsKey(clOrdId)) refusal = new(OrdRejReason.DuplicateOrder, "Duplicate ClOrdID (11)");
        if (refusal is { } r)
        {
            Refuse(echo, r.Reason, r.Text);
            return;
        }
        order.EngineClientOrderId = ++_nextEngineId;
        order.Status = OrdStatus.PendingNew;
        order.Leaves = order.Quantity;
        if (!EngineUp(order.Symbol))
        {
            Refuse(echo, OrdRejReason.Other, EngineLostText);
            return;
        }
        var tif = order.TimeInForce switch
        {
            '3' => TimeInForce.ImmediateOrCancel, '4' => TimeInForce.FillOrKill, '6' => TimeInForce.GoodTillDate,
            '0' when day => TimeInForce.Day, _ => TimeInForce.GoodTillCancel,
        };
        // A market buy names no QuoteBudget: the engine gives it one from its own price band and fees.
        long sent = Client.NewOrder(new NewOrder(0, order.EngineClientOrderId, order.Symbol.Id, order.Side, order.Type, tif, order.Price, order.Quantity,
            PostOnly: postOnly, StopPrice: order.StopPrice, DisplayQuantity: order.DisplayQuantity, ExpireTime: order.ExpireTime));
        if (!SendResult.IsSent(sent))
        {
            Refuse(echo, OrdRejReason.Other, $"Exchange unavailable: {SendResult.Describe(sent)}");
            return;
        }
        _byEngineId[order.EngineClientOrderId] = order;
        _byClOrdId[clOrdId] = order;
        if (_gateway.Tracing is { } tracing) order.Trace = OrderTrace.Begin(tracing, Account, order, Session.Id.ToString(), received);
    }

    /// <summary>Fills <paramref name="order"/> from D's fields; a refusal names the field at fault.</summary>
    private OrderRefusal? ParseOrder(in FixMessage m, FixOrder order, out bool postOnly)
    {
        postOnly = false;
        string symbolName = Text(in m, FixTag.Symbol);
        if (!_gateway.Symbols.TryGetValue(symbolName, out var symbol)) return new(OrdRejReason.UnknownSymbol, $"Unknown Symbol (55={symbolName})");
        order.Symbol = symbol;
        if (m.TryGetValue(FixTag.Account, out var account) && !account.SequenceEqual(_accountBytes))
            return Other($"Unknown Account (1={Encoding.ASCII.GetString(account)}): this session trades account {AccountText}");
        m.TryGetChar(FixTag.Side, out char side);
        order.Side = side switch { '1' => Side.Buy, '2' => Side.Sell, _ => Side.None };
        if (order.Side == Side.None) return Other($"Unsupported Side (54={side})");
        m.TryGetChar(FixTag.OrdType, out char type);
        order.Type = type switch { '1' => OrderType.Market, '2' => OrderType.Limit, '3' => OrderType.Stop, '4' => OrderType.StopLimit, _ => 0 };
        if (order.Type == 0) return Other($"Unsupported OrdType (40={type})");
        if (order.TimeInForce is not ('0' or '1' or '3' or '4' or '6')) return Other($"Unsupported TimeInForce (59={order.TimeInForce})");
        if (order.TimeInForce == '6')
        {
            if (order.Type is OrderType.Market or OrderType.Stop) return Other("TimeInForce (59=6, GTD) is for limit and stop-limit orders");
            if (m.Contains(FixTag.ExpireTime))
            {
                if (!m.TryGetUtcTimestamp(FixTag.ExpireTime, out order.ExpireTime))
                    return Other($"Incorrect ExpireTime (126={Text(in m, FixTag.ExpireTime)}): a UTC timestamp YYYYMMDD-HH:MM:SS[.sss]");
            }
            else if (m.Contains(FixTag.ExpireDate))
            {
                // ExpireDate: the order expires at the symbol's session end on that (UTC) date.
                if (!DateTime.TryParseExact(Text(in m, FixTag.ExpireDate), "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var date))
                    return Other($"Incorrect ExpireDate (432={Text(in m, FixTag.ExpireDate)}): a date YYYYMMDD");
                if (symbol.SessionEnd == 0) return Other($"ExpireDate (432) needs a session end, which {symbol.Name} has not: send ExpireTime (126)");
                order.ExpireTime = (date.Ticks - DateTime.UnixEpoch.Ticks) * 100 + symbol.SessionEnd;
            }
            else return Other("ExpireTime (126) or ExpireDate (432) is required for TimeInForce (59=6, GTD)");
        }
        // A market order, and a stop (a market order once triggered), takes what it can and leaves nothing resting.
        if (order.Type is OrderType.Market or OrderType.Stop && order.TimeInForce is '0' or '1') order.TimeInForce = '3';
        if (order.Type is OrderType.Stop or OrderType.StopLimit)
        {
            if (!m.Contains(FixTag.StopPx)) return Other("StopPx (99) is required for a stop order");
            if (!m.TryGetDecimal(FixTag.StopPx, symbol.PriceDecimals, out order.StopPrice) || order.StopPrice <= 0)
                return Other($"Incorrect StopPx (99={Text(in m, FixTag.StopPx)}): positive, at most {symbol.PriceDecimals} decimals");
        }
        if (m.TryGetValue(FixTag.ExecInst, out var execInst))
        {
            foreach (var token in Encoding.ASCII.GetString(execInst).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (token == "6") postOnly = true;
                else return Other($"Unsupported ExecInst (18={token})");
            }
        }
        if (!m.TryGetDecimal(FixTag.OrderQty, symbol.QuantityDecimals, out order.Quantity) || order.Quantity <= 0)
            return Other($"Incorrect OrderQty (38={Text(in m, FixTag.OrderQty)}): positive, at most {symbol.QuantityDecimals} decimals");
        // An iceberg: the engine checks the rest (a GTC limit order, MaxFloor below OrderQty, on the lot, at least the minimum).
        if (m.Contains(FixTag.MaxFloor)
            && (!m.TryGetDecimal(FixTag.MaxFloor, symbol.QuantityDecimals, out order.DisplayQuantity) || order.DisplayQuantity <= 0))
            return Other($"Incorrect MaxFloor (111={Text(in m, FixTag.MaxFloor)}): positive, at most {symbol.QuantityDecimals} decimals");
        if (order.Type is OrderType.Limit or OrderType.StopLimit)
        {
            if (!m.Contains(FixTag.Price)) return Other("Price (44) is required for a limit order");
            if (!m.TryGetDecimal(FixTag.Price, symbol.PriceDecimals, out order.Price) || order.Price <= 0)
                return Other($"Incorrect Price (44={Text(in m, FixTag.Price)}): positive, at most {symbol.PriceDecimals} decimals");
        }
        return null;
    }

    private static OrderRefusal Other(string text) => new(OrdRejReason.Other, text);

    private void CancelRequest(in FixMessage m, bool replace)
    {
        string clOrdId = Text(in m, FixTag.ClOrdID), orig = Text(in m, FixTag.OrigClOrdID);
        var echo = RequestEcho.Of(in m);
        if (!_byClOrdId.TryGetValue(orig, out var order) || !order.IsOpen)
        {
            CancelReject(order, echo, replace, CxlRejReason.UnknownOrder, "Unknown order (41)");
            return;
        }
        if (order.Pending != null || order.Status == OrdStatus.PendingNew)
        {
            CancelReject(order, echo, replace, CxlRejReason.AlreadyPendingCancelOrReplace, "Order already pending a change");
            return;
        }
        if (_byClOrdId.ContainsKey(clOrdId))
        {
            CancelReject(order, echo, replace, CxlRejReason.DuplicateClOrdId, "Duplicate ClOrdID (11)");
            return;
        }
        if (m.TryGetChar(FixTag.Side, out char side) && side != (order.Side == Side.Buy ? '1' : '2'))
        {
            CancelReject(order, echo, replace, CxlRejReason.Other, "Side (54) differs from the order's");
            return;
        }
        if (!EngineUp(order.Symbol))
        {
            CancelReject(order, echo, replace, CxlRejReason.Other, EngineLostText);
            return;
        }
        long sent;
        if (!replace)
        {
            order.Pending = new PendingChange(false, clOrdId, 0, 0, 0, echo);
            sent = Client.Cancel(order.Symbol.Id, order.EngineClientOrderId);
        }
        else
        {
            long quantity = order.Quantity, price = order.Price;
            if (m.Contains(FixTag.OrderQty) && (!m.TryGetDecimal(FixTag.OrderQty, order.Symbol.QuantityDecimals, out quantity) || quantity <= 0))
            {
                CancelReject(order, echo, true, CxlRejReason.Other, $"Incorrect OrderQty (38={Text(in m, FixTag.OrderQty)})");
                return;
            }
            if (m.Contains(FixTag.Price) && (!m.TryGetDecimal(FixTag.Price, order.Symbol.PriceDecimals, out price) || price <= 0))
            {
                CancelReject(order, echo, true, CxlRejReason.Other, $"Incorrect Price (44={Text(in m, FixTag.Price)})");
                return;
            }
            // A replace keeps an iceberg's display quantity: MaxFloor, when given, must be the order's.
            if (m.Contains(FixTag.MaxFloor)
                && (!m.TryGetDecimal(FixTag.MaxFloor, order.Symbol.QuantityDecimals, out long maxFloor) || maxFloor != order.DisplayQuantity))
            {
                CancelReject(order, echo, true, CxlRejReason.Other, $"MaxFloor (111={Text(in m, FixTag.MaxFloor)}) cannot change on a replace");
                return;
            }
            long newId = ++_nextEngineId;
            order.Pending = new PendingChange(true, clOrdId, newId, price, quantity, echo);
            sent = Client.Replace(order.Symbol.Id, order.EngineClientOrderId, newId, price, quantity);
        }
        if (!SendResult.IsSent(sent))
        {
            order.Pending = null;
            CancelReject(order, echo, replace, CxlRejReason.Other, $"Exchange unavailable: {SendResult.Describe(sent)}");
            return;
        }
        _byClOrdId[clOrdId] = order; // reserved until the change is acknowledged or refused
    }

    private void StatusRequest(in FixMessage m)
    {
        string clOrdId = Text(in m, FixTag.ClOrdID);
        string? reqId = m.Contains(FixTag.OrdStatusReqID) ? Text(in m, FixTag.OrdStatusReqID) : null;
        if (_byClOrdId.TryGetValue(clOrdId, out var order))
        {
            Report(order, ExecType.OrderStatus, clOrdId: order.ClOrdId, ordStatusReqId: reqId);
            return;
        }
        Refuse(RequestEcho.Of(in m), null, "Unknown order (11)", ExecType.OrderStatus, reqId);
    }

    private void MassCancelRequest(in FixMessage m)
    {
        string clOrdId = Text(in m, FixTag.ClOrdID);
        var route = FixRoute.ReplyTo(in m);
        m.TryGetChar(FixTag.MassCancelRequestType, out char type);
        string? symbolName = m.Contains(FixTag.Symbol) ? Text(in m, FixTag.Symbol) : null;
        Side side = m.TryGetChar(FixTag.Side, out char s) ? s == '1' ? Side.Buy : s == '2' ? Side.Sell : Side.None : Side.None;
        if (type == '1')
        {
            if (symbolName == null || !_gateway.Symbols.TryGetValue(symbolName, out var symbol))
            {
                MassCancelReport(clOrdId, type, '0', MassCancelRejectReason.UnknownSecurity, 0, symbolName, $"Unknown Symbol (55={symbolName})", route);
                return;
            }
            if (!EngineUp(symbol)) { MassCancelReport(clOrdId, type, '0', MassCancelRejectReason.Other, 0, symbolName, EngineLostText, route); return; }
            if (!SendResult.IsSent(Client.MassCancel(symbol.Id, side))) { MassCancelReport(clOrdId, type, '0', MassCancelRejectReason.Other, 0, symbolName, "Exchange unavailable", route); return; }
            _massCancels.Enqueue(new MassCancelInFlight(clOrdId, type, symbolName, 1, route));
        }
        else if (type == '7')
        {
            if (!Client.IsConnected) { MassCancelReport(clOrdId, type, '0', MassCancelRejectReason.Other, 0, null, EngineLostText, route); return; }
            if (!SendResult.IsSent(Client.MassCancel(-1, side))) { MassCancelReport(clOrdId, type, '0', MassCancelRejectReason.Other, 0, null, "Exchange unavailable", route); return; }
            _massCancels.Enqueue(new MassCancelInFlight(clOrdId, type, null, Client.ShardCount, route));
        }
        else MassCancelReport(clOrdId, type, '0', MassCancelRejectReason.MassCancelNotSupported, 0, symbolName, $"Unsupported MassCancelRequestType (530={type})", route);
    }

    // ---- from the engine ----

    public void OnAccepted(in OrderAccepted e)
    {
        if (!_byEngineId.TryGetValue(e.ClientOrderId, out var order)) return;
        if (order.Doubtful)
        {
            // Reported rejected when the engine session was lost, yet it reached the book: it is cancelled there.
            order.OrderId = e.OrderId;
            Session.LogEvent($"order {order.ClOrdId}, reported rejected when the engine session was lost, reached the book: cancelling it");
            Client.Cancel(order.Symbol.Id, order.EngineClientOrderId);
            return;
        }
        order.Request = null; // answered: from here on reports carry the order as the engine holds it
        order.OrderId = e.OrderId;
        order.Status = OrdStatus.New;
        Report(order, ExecType.New);
        order.Trace?.Answered(e.OrderId, null);
        order.Trace = null;
    }

    public void OnRejected(in CommandRejected e)
    {
        if (e.Command == CommandKind.MassCancel)
        {
            if (_massCancels.TryDequeue(out var mc)) MassCancelReport(mc.ClOrdId, mc.Type, '0', MassCancelRejectReason.Other, 0, mc.Symbol, RejectText(e.Command, e.Reason), mc.Route);
            return;
        }
        if (!_byEngineId.TryGetValue(e.ClientOrderId, out var order)) return;
        if (order.Doubtful)
        {
            // The order (or its cancel) found nothing at the exchange: it never reached the book, as reported.
            _byEngineId.Remove(order.EngineClientOrderId);
            return;
        }
        if (e.Command == CommandKind.NewOrder)
        {
            order.Status = OrdStatus.Rejected;
            order.Leaves = 0;
            Forget(order);
            Refuse(order.Request!, OrdRejReasonOf(e.Reason), RejectText(e.Command, e.Reason));
            order.Trace?.Answered(0, e.Reason.ToString());
            order.Trace = null;
            return;
        }
        if (order.Pending is { } pending)
        {
            order.Pending = null;
            _byClOrdId.Remove(pending.ClOrdId);
            if (!order.IsOpen) _byEngineId.Remove(order.EngineClientOrderId);
            if (e.Reason == RejectReason.UnknownOrder) CancelReject(order, pending.Request, pending.IsReplace, CxlRejReason.TooLateToCancel, "Too late to cancel");
            else CancelReject(order, pending.Request, pending.IsReplace, CxlRejReason.Other, RejectText(e.Command, e.Reason));
        }
    }

    public void OnFill(in Fill e)
    {
        if (!_byEngineId.TryGetValue(e.ClientOrderId, out var order)) return;
        order.CumQty += e.Quantity;
        order.Notional += (Int128)e.Price * e.Quantity;
        order.Leaves = e.LeavesQuantity;
        order.Status = e.LeavesQuantity == 0 ? OrdStatus.Filled : OrdStatus.PartiallyFilled;
        if (e.LeavesQuantity == 0) Forget(order);
        Report(order, ExecType.Trade, lastPx: e.Price, lastQty: e.Quantity);
    }

    /// <summary>A pending stop reached its price and now matches: ExecType L, the order still New until it trades.</summary>
    public void OnStopTriggered(in StopTriggered e)
    {
        if (!_byEngineId.TryGetValue(e.ClientOrderId, out var order) || order.Doubtful) return;
        Report(order, ExecType.Triggered);
    }

    public void OnCancelled(in OrderCancelled e)
    {
        if (!_byEngineId.TryGetValue(e.ClientOrderId, out var order)) return;
        if (order.Doubtful)
        {
            _byEngineId.Remove(order.EngineClientOrderId);
            Session.LogEvent($"order {order.ClOrdId}, reported rejected when the engine session was lost, is cancelled at the exchange");
            return;
        }
        order.Leaves = 0;
        order.Status = OrdStatus.Canceled;
        bool answersPending = order.Pending != null && e.Reason is CancelReason.ByClient or CancelReason.ReplacedBelowFilled;
        if (answersPending)
        {
            var pending = order.Pending!;
            order.Pending = null;
            Forget(order);
            _byClOrdId.Remove(pending.ClOrdId);
            // The broker's cancel (or a replace that asked for no more than had filled) ends the order.
            Report(order, ExecType.Canceled, clOrdId: pending.ClOrdId, origClOrdId: order.ClOrdId);
            return;
        }
        Forget(order); // kept while a change is in flight: the engine will refuse it
        if (e.Reason == CancelReason.Expired)
        {
            // A Day or good-till-date order reached its expiry: ExecType C, OrdStatus C.
            order.Status = OrdStatus.Expired;
            Report(order, ExecType.Expired, text: "Expired");
            return;
        }
        Report(order, ExecType.Canceled, text: e.Reason.ToString());
    }

    public void OnReplaced(in OrderReplaced e)
    {
        if (!_byEngineId.TryGetValue(e.OrigClientOrderId, out var order) || order.Pending is not { IsReplace: true } pending) return;
        _byEngineId.Remove(e.OrigClientOrderId);
        _byClOrdId.Remove(order.ClOrdId);
        order.OrigClOrdId = order.ClOrdId;
        order.ClOrdId = pending.ClOrdId;
        order.Route = pending.Request.Route;
        order.Pending = null;
        order.EngineClientOrderId = e.ClientOrderId;
        order.Price = e.Price;
        order.Quantity = e.Quantity;
        order.Leaves = e.LeavesQuantity;
        order.Status = order.CumQty > 0 ? OrdStatus.PartiallyFilled : OrdStatus.New;
        _byEngineId[e.ClientOrderId] = order;
        _byClOrdId[order.ClOrdId] = order;
        Report(order, ExecType.Replaced);
    }

    public void OnReduced(in OrderReduced e)
    {
        if (!_byEngineId.TryGetValue(e.ClientOrderId, out var order)) return;
        order.Leaves = e.LeavesQuantity;
        order.Quantity -= e.ReducedBy;
        Report(order, ExecType.Restated, text: "Reduced by self-trade prevention");
    }

    public void OnMassCancelled(in MassCancelled e)
    {
        if (!_massCancels.TryPeek(out var mc)) return; // cancel-on-disconnect: nobody to report to
        mc.Affected += e.Count;
        if (--mc.ShardsLeft > 0) return;
        _massCancels.Dequeue();
        MassCancelReport(mc.ClOrdId, mc.Type, mc.Type, null, mc.Affected, mc.Symbol, null, mc.Route);
    }

    private void Forget(FixOrder order)
    {
        // A cancel or replace still in flight will be refused by the engine under this id: keep it until then.
        if (order.Pending == null) _byEngineId.Remove(order.EngineClientOrderId);
        // The ClOrdID stays known so a late cancel gets "too late" and status requests still answer.
    }

    /// <summary>Text (58) of an engine's reject: its reason, and for a permission what the account may not do.</summary>
    internal static string RejectText(CommandKind command, RejectReason reason) => reason != RejectReason.NotPermitted ? reason.ToString()
        : command is CommandKind.NewOrder or CommandKind.ReplaceOrder ? "NotPermitted: this account may not place or replace orders (it is cancel-only or read-only)"
        : "NotPermitted: this account may not cancel orders (it is read-only)";

    private static OrdRejReason OrdRejReasonOf(RejectReason reason) => reason switch
    {
        RejectReason.UnknownSymbol => OrdRejReason.UnknownSymbol,
        RejectReason.SymbolHalted => OrdRejReason.ExchangeClosed,
        RejectReason.InsufficientFunds or RejectReason.NotionalAboveLimit or RejectReason.QuantityAboveMaximum
            or RejectReason.TooManyOpenOrders => OrdRejReason.OrderExceedsLimit,
        RejectReason.DuplicateClientOrderId => OrdRejReason.DuplicateOrder,
        RejectReason.InvalidQuantity or RejectReason.QuantityOffLot or RejectReason.QuantityBelowMinimum => OrdRejReason.IncorrectQuantity,
        _ => OrdRejReason.Other,
    };

    // ---- to the broker ----

    private void Report(FixOrder order, char execType, long lastPx = 0, long lastQty = 0, string? clOrdId = null, string? origClOrdId = null,
        string? text = null, string? ordStatusReqId = null)
    {
        long execId = _gateway.NextExecId(), now = _gateway.Now();
        int length = ExecutionReports.Write(_body, order, execType, execId, now, lastPx, lastQty, clOrdId, origClOrdId, text, ordStatusReqId);
        var body = _body.AsSpan(0, length);
        // Drop copies go to the firm's own back office, not through the hub: without the route.
        if (execType != ExecType.OrderStatus) _gateway.DropCopy(Account, body);
        if (order.Route != null)
            body = _body.AsSpan(0, ExecutionReports.Write(_body, order, execType, execId, now, lastPx, lastQty, clOrdId, origClOrdId, text, ordStatusReqId, order.Route));
        _gateway.Metrics.ExecutionReports.Increment();
        Session.SendApplication("8"u8, body);
    }

    /// <summary>An ExecutionReport refusing a request (150=8 39=8), or answering a status request for an order the gateway
    /// does not know (150=I 39=8): the request's own fields as the broker sent them.</summary>
    private void Refuse(RequestEcho request, OrdRejReason? ordRejReason, string text, char execType = ExecType.Rejected, string? ordStatusReqId = null)
    {
        long execId = _gateway.NextExecId(), now = _gateway.Now();
        var body = _body.AsSpan(0, ExecutionReports.WriteRefusal(_body, request, execType, execId, now, ordRejReason, text, ordStatusReqId));
        if (execType != ExecType.OrderStatus) _gateway.DropCopy(Account, body);
        if (request.Route != null)
            body = _body.AsSpan(0, ExecutionReports.WriteRefusal(_body, request, execType, execId, now, ordRejReason, text, ordStatusReqId, request.Route));
        _gateway.Metrics.ExecutionReports.Increment();
        Session.SendApplication("8"u8, body);
    }

    /// <summary>OrderCancelReject of a cancel or replace of <paramref name="order"/> (null: no such order), echoing the
    /// request's ClOrdID, OrigClOrdID and Account as sent.</summary>
    private void CancelReject(FixOrder? order, RequestEcho request, bool replace, CxlRejReason reason, string text)
    {
        int length = ExecutionReports.WriteCancelReject(_body, order?.OrderId ?? 0, request, order?.Status ?? OrdStatus.Rejected,
            replace, reason, text, request.Route);
        Session.SendApplication("9"u8, _body.AsSpan(0, length));
    }

    private void MassCancelReport(string clOrdId, char type, char response, MassCancelRejectReason? reason, int affected, string? symbol, string? text,
        FixRoute? route)
    {
        int length = ExecutionReports.WriteMassCancelReport(_body, clOrdId, 0, type, response, reason, affected, symbol, text, route);
        Session.SendApplication("r"u8, _body.AsSpan(0, length));
    }
}
