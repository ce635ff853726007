// The engine output of the exporter's own engine: while enabled, every event of the input being applied becomes rows of
// the current batch. Events carry what changed; the capture keeps what they leave out (each open order's price, type
// and quantity; each balance before the change; a trade's two fills) so every row is whole. It is seeded from the
// engine's state wherever replay starts (a snapshot or the start of the journal), so rows are the same either way.
using System.Runtime.InteropServices;
using Exchange.Engine;

namespace Exchange.Export;

public sealed class EventCapture : IEngineOutput
{
    private struct OpenOrder
    {
        public long Account, ClientOrderId, Price, Quantity, Filled;
        /// <summary>A pending stop's stop price; 0 once it is triggered (from then on it is a limit or market order).</summary>
        public long StopPrice;
        public int Symbol;
        public Side Side;
        public OrderType Type;
        public TimeInForce TimeInForce;
    }

    private readonly Dictionary<long, OpenOrder> _orders = [];
    private readonly Dictionary<(long Account, int Asset), (long Available, long Held)> _balances = [];
    private readonly Dictionary<int, long> _lotSizes = [];
    private readonly long _feeAccount;

    private ExportBatch _batch = new();
    private long _sequence, _timestamp;
    private CommandKind _command;
    private byte[] _payload = [];
    private int _payloadLength;
    private int _orderIndex, _ledgerIndex, _levelIndex;

    // What the balance changes that follow an event belong to.
    private long _contextOrderId, _contextTradeId;
    private bool _contextIsNewOrder;
    private int _tradeBalancesLeft;
    private Fill _makerFill, _takerFill;
    private bool _haveMakerFill;

    public EventCapture(long feeAccount) => _feeAccount = feeAccount;

    /// <summary>Off while state is rebuilt up to the sink's position: those events were exported already.</summary>
    public bool Enabled { get; set; }

    public ExportBatch Batch { get => _batch; set => _batch = value; }

    /// <summary>Symbols added, halted or resumed by the input just applied; the caller adds their rows (it has the engine).</summary>
    public List<int> ChangedSymbols { get; } = [];

    /// <summary>Symbols whose book changed since this was last cleared (by the pipeline, after it took their top of book).</summary>
    public HashSet<int> BookChanged { get; } = [];

    /// <summary>Takes the open orders, balances and symbols of <paramref name="engine"/> as the starting point.</summary>
    public void Seed<T>(MatchingEngine<T> engine) where T : IEngineOutput
    {
        _orders.Clear();
        _balances.Clear();
        _lotSizes.Clear();
        foreach (int symbol in engine.SymbolIds())
        {
            engine.TryGetSymbol(symbol, out var spec, out _);
            _lotSizes[symbol] = spec.LotSize;
            foreach (var side in (ReadOnlySpan<Side>)[Side.Buy, Side.Sell])
            {
                foreach (var o in engine.Orders(symbol, side))
                    _orders[o.OrderId] = new OpenOrder
                    {
                        Account = o.Account, ClientOrderId = o.ClientOrderId, Price = o.Price, Quantity = o.Quantity, Filled = o.Filled,
                        Symbol = o.Symbol, Side = o.Side, Type = OrderType.Limit, TimeInForce = o.TimeInForce,
                    };
                foreach (var stop in engine.PendingStops(symbol, side))
                {
                    var o = stop.Order;
                    _orders[o.OrderId] = new OpenOrder
                    {
                        Account = o.Account, ClientOrderId = o.ClientOrderId, Price = o.Price, Quantity = o.Quantity, Filled = o.Filled,
                        Symbol = o.Symbol, Side = o.Side, Type = stop.Type, TimeInForce = stop.TimeInForce, StopPrice = stop.StopPrice,
                    };
                }
            }
        }
        foreach (long account in engine.AccountIds())
            for (int asset = 0; asset < engine.Config.AssetCount; asset++)
                if (engine.TryGetBalance(account, asset, out var b) && (b.Available != 0 || b.Held != 0))
                    _balances[(account, asset)] = (b.Available, b.Held);
    }

    public void SetLotSize(int symbol, long lotSize) => _lotSizes[symbol] = lotSize;

    /// <summary>Called before input <paramref name="sequence"/> is applied.</summary>
    public void Begin(long sequence, long timestamp, ReadOnlySpan<byte> payload)
    {
        _sequence = sequence;
        _timestamp = timestamp;
        _command = CommandCodec.KindOf(CommandCodec.TemplateOf(payload));
        if (_payload.Length < payload.Length) _payload = new byte[Math.Max(256, payload.Length)];
        payload.CopyTo(_payload);
        _payloadLength = payload.Length;
        _orderIndex = _ledgerIndex = _levelIndex = 0;
        _contextOrderId = _contextTradeId = 0;
        _contextIsNewOrder = false;
        _tradeBalancesLeft = 0;
        _haveMakerFill = false;
        ChangedSymbols.Clear();
    }

    public void OnAccepted(in OrderAccepted e)
    {
        if (!Enabled) return;
        _orders[e.OrderId] = new OpenOrder
        {
            Account = e.Account, ClientOrderId = e.ClientOrderId, Price = e.Price, Quantity = e.Quantity, Symbol = e.Symbol,
            Side = e.Side, Type = e.Type, TimeInForce = e.TimeInForce, StopPrice = e.StopPrice,
        };
        SetContext(e.OrderId, newOrder: true);
        AddOrder(OrderEvent.Accepted, e.StopPrice != 0 ? OrderStatus.Pending : OrderStatus.New, e.OrderId, _orders[e.OrderId], 0, 0, 0, null);
    }

    public void OnRejected(in CommandRejected e)
    {
        if (!Enabled || e.Command != CommandKind.NewOrder) return;
        // Only a new order's reject is an order's state change; its terms are in the command, not the event.
        var order = new NewOrderTerms();
        _ = CommandCodec.Decode(_payload.AsSpan(0, _payloadLength), ref order);
        var terms = new OpenOrder
        {
            Account = e.Account, ClientOrderId = e.ClientOrderId, Symbol = e.Symbol, Side = order.Order.Side, Type = order.Order.Type,
            TimeInForce = order.Order.TimeInForce, Price = order.Order.Price, Quantity = order.Order.Quantity,
            StopPrice = order.Order.Type is OrderType.Stop or OrderType.StopLimit ? order.Order.StopPrice : 0,
        };
        AddOrder(OrderEvent.Rejected, OrderStatus.Rejected, 0, terms, 0, 0, 0, e.Reason.ToString());
    }

    public void OnFill(in Fill e)
    {
        if (!Enabled) return;
        if (!_haveMakerFill) { _makerFill = e; _haveMakerFill = true; }
        else _takerFill = e;
        ref var order = ref CollectionsMarshal.GetValueRefOrAddDefault(_orders, e.OrderId, out bool existed);
        if (!existed) order = FromEvent(e.Account, e.ClientOrderId, e.Symbol, e.Side, e.Price);
        order.Filled = e.FilledQuantity;
        order.Quantity = e.FilledQuantity + e.LeavesQuantity;
        var copy = order;
        AddOrder(OrderEvent.Fill, e.LeavesQuantity == 0 ? OrderStatus.Filled : OrderStatus.PartiallyFilled, e.OrderId, copy,
            e.TradeId, e.Price, e.Quantity, null);
        if (e.LeavesQuantity == 0) _orders.Remove(e.OrderId);
    }

    public void OnTrade(in Trade e)
    {
        if (!Enabled) return;
        var maker = _makerFill;
        var taker = _takerFill;
        _haveMakerFill = false;
        long lot = _lotSizes.TryGetValue(e.Symbol, out long l) && l > 0 ? l : 1;
        long notional = (long)((Int128)e.Price * e.Quantity / lot);
        _batch.Trades.Add(new TradeRow(e.TradeId, _sequence, _timestamp, e.Symbol, e.Price, e.Quantity, notional, e.AggressorSide,
            maker.Account, maker.OrderId, maker.ClientOrderId, maker.Fee, taker.Account, taker.OrderId, taker.ClientOrderId, taker.Fee));
        // Then: maker base, maker quote, taker base, taker quote, and the fee account's quote when any fee was charged.
        _tradeBalancesLeft = 4 + (maker.Fee + taker.Fee > 0 ? 1 : 0);
        _contextTradeId = e.TradeId;
        // What follows the trade's own balances (a market buy's unspent budget coming back) is the taker's.
        _contextOrderId = taker.OrderId;
        _contextIsNewOrder = false;
    }

    public void OnCancelled(in OrderCancelled e)
    {
        if (!Enabled) return;
        var order = _orders.Remove(e.OrderId, out var o) ? o : FromEvent(e.Account, e.ClientOrderId, e.Symbol, e.Side, 0);
        order.ClientOrderId = e.ClientOrderId;
        order.Filled = e.FilledQuantity;
        SetContext(e.OrderId, newOrder: false);
        // Cancelled while pending: the row still says it was a stop.
        AddOrder(OrderEvent.Cancelled, OrderStatus.Cancelled, e.OrderId, order, 0, 0, 0, e.Reason.ToString(), leaves: 0);
    }

    public void OnReplaced(in OrderReplaced e)
    {
        if (!Enabled) return;
        ref var order = ref CollectionsMarshal.GetValueRefOrAddDefault(_orders, e.OrderId, out bool existed);
        if (!existed) order = FromEvent(e.Account, e.ClientOrderId, e.Symbol, e.Side, e.Price);
        order.ClientOrderId = e.ClientOrderId;
        order.Price = e.Price;
        order.Quantity = e.Quantity;
        order.Filled = e.Quantity - e.LeavesQuantity;
        var copy = order;
        SetContext(e.OrderId, newOrder: false);
        AddOrder(OrderEvent.Replaced, copy.Filled > 0 ? OrderStatus.PartiallyFilled : OrderStatus.New, e.OrderId, copy, 0, 0, 0,
            e.KeptPriority ? "KeptPriority" : "LostPriority");
    }

    public void OnReduced(in OrderReduced e)
    {
        if (!Enabled) return;
        ref var order = ref CollectionsMarshal.GetValueRefOrAddDefault(_orders, e.OrderId, out bool existed);
        if (!existed) order = FromEvent(e.Account, e.ClientOrderId, e.Symbol, e.Side, 0);
        order.Quantity = order.Filled + e.LeavesQuantity;
        var copy = order;
        SetContext(e.OrderId, newOrder: false);
        AddOrder(OrderEvent.Reduced, copy.Filled > 0 ? OrderStatus.PartiallyFilled : OrderStatus.New, e.OrderId, copy, 0, 0, 0, "SelfTradePrevention");
    }

    public void OnBalance(in BalanceChanged e)
    {
        if (!Enabled) return;
        ref var before = ref CollectionsMarshal.GetValueRefOrAddDefault(_balances, (e.Account, e.Asset), out _);
        long deltaAvailable = e.Available - before.Available, deltaHeld = e.Held - before.Held;
        before = (e.Available, e.Held);
        LedgerKind kind;
        long orderId = _contextOrderId, tradeId = 0;
        if (_command == CommandKind.Deposit) kind = LedgerKind.Deposit;
        else if (_command == CommandKind.Withdraw) kind = LedgerKind.Withdrawal;
        else if (_tradeBalancesLeft > 0)
        {
            // The fifth balance of a trade is the fee account's takings.
            kind = _tradeBalancesLeft == 1 && e.Account == _feeAccount ? LedgerKind.Fee : LedgerKind.Fill;
            tradeId = _contextTradeId;
            orderId = 0;
            _tradeBalancesLeft--;
        }
        else if (deltaHeld > 0 || (deltaHeld == 0 && _contextIsNewOrder)) kind = LedgerKind.Hold;
        else kind = LedgerKind.Release;
        if (orderId == 0 && tradeId == 0) orderId = _contextOrderId;
        _batch.Ledger.Add(new LedgerRow(_sequence, _ledgerIndex++, _timestamp, e.Account, e.Asset, kind, deltaAvailable, deltaHeld,
            e.Available, e.Held, orderId, tradeId));
    }

    public void OnSymbolStatus(in SymbolStatusChanged e)
    {
        if (Enabled) ChangedSymbols.Add(e.Symbol);
    }

    public void OnLevel(in LevelChanged e)
    {
        if (!Enabled) return;
        _batch.Levels.Add(new LevelRow(_sequence, _levelIndex++, _timestamp, e.Symbol, e.Side, e.Price, e.Quantity, e.OrderCount));
        BookChanged.Add(e.Symbol);
    }

    public void OnBestBidOffer(in BestBidOffer e) { }
    public void OnMassCancelled(in MassCancelled e) { }
    public void OnAccountAdded(in AccountAdded e) { }
    public void OnPermissionChanged(in AccountPermissionChanged e) { }
    /// <summary>From its trigger on a stop is a market (Stop) or limit (StopLimit) order: the triggered row carries the
    /// stop price and the last trade price that reached it, the rows after it are a plain order's.</summary>
    public void OnStopTriggered(in StopTriggered e)
    {
        if (!Enabled) return;
        ref var order = ref CollectionsMarshal.GetValueRefOrAddDefault(_orders, e.OrderId, out bool existed);
        if (!existed) order = FromEvent(e.Account, e.ClientOrderId, e.Symbol, e.Side, 0);
        order.Type = e.Type == OrderType.Stop ? OrderType.Market : OrderType.Limit;
        order.StopPrice = e.StopPrice;
        var copy = order;
        order.StopPrice = 0;
        SetContext(e.OrderId, newOrder: false);
        AddOrder(OrderEvent.Triggered, OrderStatus.New, e.OrderId, copy, 0, e.LastPrice, 0, null);
    }

    private void SetContext(long orderId, bool newOrder)
    {
        _contextOrderId = orderId;
        _contextIsNewOrder = newOrder;
        _tradeBalancesLeft = 0;
    }

    private static OpenOrder FromEvent(long account, long clientOrderId, int symbol, Side side, long price) =>
        new() { Account = account, ClientOrderId = clientOrderId, Symbol = symbol, Side = side, Price = price, Type = OrderType.Limit, TimeInForce = TimeInForce.GoodTillCancel };

    private void AddOrder(OrderEvent kind, OrderStatus status, long orderId, in OpenOrder o, long tradeId, long lastPrice, long lastQuantity,
        string? reason, long leaves = -1) =>
        _batch.Orders.Add(new OrderRow(_sequence, _orderIndex++, _timestamp, kind, status, orderId, o.Account, o.ClientOrderId, o.Symbol,
            o.Side, o.Type, o.TimeInForce, o.Price, o.Quantity, o.Filled, leaves >= 0 ? leaves : o.Quantity - o.Filled,
            tradeId, lastPrice, lastQuantity, reason, o.StopPrice));

    /// <summary>The terms of a new order, decoded from the input only when it is rejected.</summary>
    private struct NewOrderTerms : ICommandHandler
    {
        public NewOrder Order;
        public void On(in NewOrder c) => Order = c;
        public readonly void On(in AddAccount c) { }
        public readonly void On(in AddSymbol c) { }
        public readonly void On(in HaltSymbol c) { }
        public readonly void On(in ResumeSymbol c) { }
        public readonly void On(in Deposit c) { }
        public readonly void On(in Withdraw c) { }
        public readonly void On(in SetAccountPermission c) { }
        public readonly void On(in CancelOrder c) { }
        public readonly void On(in ReplaceOrder c) { }
        public readonly void On(in MassCancel c) { }
        public readonly void On(in LeaderTerm c) { }
        public readonly void On(in ExpireOrders c) { }
    }
}
