// Read-only queries (templates 70-78 of codecs/exchange.xml): answered on the engine thread from the state as it is
// after the last input applied, to the asking session only; never sequenced, journaled or replicated. An answer goes
// through the outbound queue under the last applied sequence, so it leaves after every response of the inputs it
// reflects and only once they are durable. Each query's cost is bounded (see the README): at most
// MaxOrdersPerAnswer open orders and MaxLevelsPerAnswer levels per side, the ring of recent orders scanned at most
// once. No allocation: the answers are encoded into one scratch buffer from preallocated views.
using Exchange.Contract;
using Exchange.Sbe;

namespace Exchange.Engine.Host;

public sealed partial class EngineService
{
    /// <summary>Open orders one AccountStateRequest answers at most; the end marker says where to go on.</summary>
    public const int MaxOrdersPerAnswer = 1000;
    /// <summary>Price levels per side one BookSnapshotRequest answers at most; the end marker says if some were left out.</summary>
    public const int MaxLevelsPerAnswer = 5000;
    private const int OrdersPerMessage = 32;
    private const int BalancesPerMessage = 64;
    private const int LevelsPerMessage = 50;

    private readonly byte[] _answer = new byte[4096];
    private readonly OrderView[] _openOrders = new OrderView[MaxOrdersPerAnswer];
    private readonly LevelView[] _bids = new LevelView[LevelsPerMessage];
    private readonly LevelView[] _asks = new LevelView[LevelsPerMessage];

    /// <summary>A query from a client: from a logged-on session, for its own account (an operator's: for any account).</summary>
    private void OnQuery(int connection, int template, ReadOnlySpan<byte> message)
    {
        ulong requestId = 0;
        long account = 0;
        switch (template)
        {
            case OrderStatusRequestDecoder.TemplateId:
            {
                if (OrderStatusRequestDecoder.TryWrapWithHeader(message, 0, out var q) != SbeError.None) { RejectQuery(connection, 0, template, RejectReason.MalformedMessage); return; }
                requestId = q.RequestId;
                if (!Permitted(connection, q.Account, out account)) { RejectQuery(connection, requestId, template, RejectReason.NotLoggedOn); return; }
                AnswerOrderStatus(connection, requestId, account, q.ClientOrderId);
                return;
            }
            case AccountStateRequestDecoder.TemplateId:
            {
                if (AccountStateRequestDecoder.TryWrapWithHeader(message, 0, out var q) != SbeError.None || q.AfterOrderId < 0) { RejectQuery(connection, 0, template, RejectReason.MalformedMessage); return; }
                requestId = q.RequestId;
                if (!Permitted(connection, q.Account, out account)) { RejectQuery(connection, requestId, template, RejectReason.NotLoggedOn); return; }
                if (!_engine.TryGetLastClientOrder(account, out _, out _)) { RejectQuery(connection, requestId, template, RejectReason.UnknownAccount); return; }
                AnswerAccountState(connection, requestId, account, q.AfterOrderId);
                return;
            }
            default:
            {
                if (BookSnapshotRequestDecoder.TryWrapWithHeader(message, 0, out var q) != SbeError.None) { RejectQuery(connection, 0, template, RejectReason.MalformedMessage); return; }
                requestId = q.RequestId;
                if (!_sessions.IsActive(connection)) { RejectQuery(connection, requestId, template, RejectReason.NotLoggedOn); return; }
                if (!_engine.TryGetSymbol(q.Symbol, out _, out _)) { RejectQuery(connection, requestId, template, RejectReason.UnknownSymbol); return; }
                AnswerBook(connection, requestId, q.Symbol);
                return;
            }
        }
    }

    /// <summary>A trading session may ask about its own account (0 names it); an operator's about any account it names.</summary>
    private bool Permitted(int connection, long asked, out long account)
    {
        account = 0;
        if (!_sessions.IsActive(connection)) return false;
        ref Session s = ref _sessions[connection];
        if (s.IsOperator)
        {
            account = asked;
            return asked != 0;
        }
        account = s.Account;
        return asked == 0 || asked == s.Account;
    }

    private void RejectQuery(int connection, ulong requestId, int template, RejectReason reason)
    {
        Metrics.Reject(reason);
        var m = QueryRejectedEncoder.WrapAndApplyHeader(_answer, 0);
        m.RequestId = requestId;
        m.Query = (ushort)template;
        m.Reason = reason;
        _outbound.Reply(connection, _answer.AsSpan(0, HeaderLength + m.EncodedLength));
    }

    private void Answer(int connection, int length) => _outbound.Route(connection, _engine.LastSequence, _answer.AsSpan(0, length));

    private void AnswerOrderStatus(int connection, ulong requestId, long account, long clientOrderId)
    {
        var status = _engine.OrderStatus(account, clientOrderId);
        _engine.TryGetLastClientOrder(account, out long lastId, out long lastSequence);
        var m = OrderStatusEncoder.WrapAndApplyHeader(_answer, 0);
        m.RequestId = requestId;
        m.Sequence = _engine.LastSequence;
        m.Account = account;
        m.ClientOrderId = clientOrderId;
        m.State = status.State;
        m.OrderId = status.OrderId;
        m.Symbol = status.Symbol;
        m.Side = status.Side;
        m.Price = status.Price;
        m.Quantity = status.Quantity;
        m.FilledQuantity = status.Filled;
        m.LeavesQuantity = status.Leaves;
        m.OrderSequence = status.Sequence;
        m.RejectReason = status.RejectReason;
        m.CancelReason = (byte)status.CancelReason;
        m.LastClientOrderId = lastId;
        m.LastClientOrderSequence = lastSequence;
        m.DisplayQuantity = status.DisplayQuantity;
        Answer(connection, HeaderLength + m.EncodedLength);
    }

    private void AnswerAccountState(int connection, ulong requestId, long account, long afterOrderId)
    {
        long sequence = _engine.LastSequence;
        if (afterOrderId == 0)
        {
            // Balances first, only in the first page: every asset with something available or held.
            int assets = _engine.Config.AssetCount;
            for (int asset = 0; asset < assets;)
            {
                int start = asset, count = 0;
                for (; asset < assets && count < BalancesPerMessage; asset++)
                    if (_engine.TryGetBalance(account, asset, out var b) && (b.Available != 0 || b.Held != 0)) count++;
                if (count == 0) continue;
                var m = AccountBalancesEncoder.WrapAndApplyHeader(_answer, 0);
                m.RequestId = requestId;
                m.Sequence = sequence;
                m.Account = account;
                var g = m.BalancesCount(count);
                for (int a = start; a < asset; a++)
                {
                    if (!_engine.TryGetBalance(account, a, out var b) || (b.Available == 0 && b.Held == 0)) continue;
                    g.Next();
                    g.Asset = a;
                    g.Available = b.Available;
                    g.Held = b.Held;
                }
                Answer(connection, HeaderLength + m.EncodedLength);
            }
        }
        int orders = _engine.OpenOrders(account, afterOrderId, _openOrders, out bool more);
        for (int from = 0; from < orders; from += OrdersPerMessage)
        {
            int n = Math.Min(OrdersPerMessage, orders - from);
            var m = AccountOrdersEncoder.WrapAndApplyHeader(_answer, 0);
            m.RequestId = requestId;
            m.Sequence = sequence;
            m.Account = account;
            var g = m.OrdersCount(n);
            for (int i = from; i < from + n; i++)
            {
                ref OrderView o = ref _openOrders[i];
                g.Next();
                g.OrderId = o.OrderId;
                g.ClientOrderId = o.ClientOrderId;
                g.Symbol = o.Symbol;
                g.Side = o.Side;
                g.Flags = o.PostOnly ? OrderFlags.PostOnly : OrderFlags.None;
                g.Price = o.Price;
                g.Quantity = o.Quantity;
                g.FilledQuantity = o.Filled;
                g.LeavesQuantity = o.Leaves;
                g.OrderType = o.Type;
                g.StopPrice = o.StopPrice;
                g.TimeInForce = o.TimeInForce;
            }
            Answer(connection, HeaderLength + m.EncodedLength);
        }
        var end = AccountStateEndEncoder.WrapAndApplyHeader(_answer, 0);
        end.RequestId = requestId;
        end.Sequence = sequence;
        end.Account = account;
        end.OrderCount = orders;
        end.NextAfterOrderId = more ? _openOrders[orders - 1].OrderId : 0;
        Answer(connection, HeaderLength + end.EncodedLength);
    }

    private void AnswerBook(int connection, ulong requestId, int symbol)
    {
        long sequence = _engine.LastSequence;
        _engine.TryGetSymbol(symbol, out _, out var status);
        _engine.Levels(symbol, Side.Buy, 0, default, out int bidTotal);
        _engine.Levels(symbol, Side.Sell, 0, default, out int askTotal);
        int bidLevels = Math.Min(bidTotal, MaxLevelsPerAnswer), askLevels = Math.Min(askTotal, MaxLevelsPerAnswer);
        // Always at least one BookSnapshot, so an empty book is sent as one with two empty sides.
        for (int from = 0; from == 0 || from < bidLevels || from < askLevels; from += LevelsPerMessage)
        {
            int bids = _engine.Levels(symbol, Side.Buy, from, _bids.AsSpan(0, Math.Clamp(bidLevels - from, 0, LevelsPerMessage)), out _);
            int asks = _engine.Levels(symbol, Side.Sell, from, _asks.AsSpan(0, Math.Clamp(askLevels - from, 0, LevelsPerMessage)), out _);
            var m = BookSnapshotEncoder.WrapAndApplyHeader(_answer, 0);
            m.Sequence = sequence;
            m.Symbol = symbol;
            m.Status = status;
            var b = m.BidsCount(bids);
            for (int i = 0; i < bids; i++)
            {
                b.Next();
                b.Price = _bids[i].Price;
                b.Quantity = _bids[i].Quantity;
                b.OrderCount = _bids[i].OrderCount;
            }
            var a = m.AsksCount(asks);
            for (int i = 0; i < asks; i++)
            {
                a.Next();
                a.Price = _asks[i].Price;
                a.Quantity = _asks[i].Quantity;
                a.OrderCount = _asks[i].OrderCount;
            }
            Answer(connection, HeaderLength + m.EncodedLength);
        }
        var end = BookSnapshotEndEncoder.WrapAndApplyHeader(_answer, 0);
        end.RequestId = requestId;
        end.Sequence = sequence;
        end.Symbol = symbol;
        end.Status = status;
        end.BidLevels = bidLevels;
        end.AskLevels = askLevels;
        end.Truncated = bidTotal > bidLevels || askTotal > askLevels ? (byte)1 : (byte)0;
        Answer(connection, HeaderLength + end.EncodedLength);
    }
}
