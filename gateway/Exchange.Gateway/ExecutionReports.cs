// Builds the bodies of what the gateway sends brokers: ExecutionReport (8), OrderCancelReject (9) and
// OrderMassCancelReport (r). Fields in the order of the FIX 4.4 message definitions; prices and quantities turned
// from engine integers back into the broker's decimals.
using Exchange.Contract;
using Exchange.Fix;
using Exchange.Fix.Session;

namespace Exchange.Gateway;

internal static class ExecutionReports
{
    public const int AvgPxExtraDecimals = 4;

    /// <summary>An ExecutionReport on <paramref name="order"/>'s current state. <paramref name="lastQty"/> &gt; 0 adds
    /// LastPx/LastQty (a trade). <paramref name="clOrdId"/> overrides the order's (a cancel's own ClOrdID).</summary>
    public static int Write(Span<byte> buffer, FixOrder order, char execType, long execId, long transactTime,
        long lastPx = 0, long lastQty = 0, string? clOrdId = null, string? origClOrdId = null,
        string? text = null, string? ordStatusReqId = null, FixRoute? route = null)
    {
        var w = new FixBodyWriter(buffer);
        route?.Write(ref w);
        var symbol = order.Symbol;
        AppendOrderId(ref w, order.OrderId);
        w.AppendAscii(FixTag.ClOrdID, clOrdId ?? order.ClOrdId);
        if ((origClOrdId ?? order.OrigClOrdId) is { } orig) w.AppendAscii(FixTag.OrigClOrdID, orig);
        if (ordStatusReqId != null) w.AppendAscii(FixTag.OrdStatusReqID, ordStatusReqId);
        w.Append(FixTag.ExecID, execId);
        w.Append(FixTag.ExecType, execType);
        w.Append(FixTag.OrdStatus, order.Status);
        if (order.Account != null) w.AppendAscii(FixTag.Account, order.Account);
        w.AppendAscii(FixTag.Symbol, symbol.Name);
        w.Append(FixTag.Side, order.Side == Side.Buy ? '1' : '2');
        w.AppendDecimal(FixTag.OrderQty, order.Quantity, symbol.QuantityDecimals);
        w.Append(FixTag.OrdType, order.Type switch { OrderType.Market => '1', OrderType.Stop => '3', OrderType.StopLimit => '4', _ => '2' });
        if (order.Type is OrderType.Limit or OrderType.StopLimit) w.AppendDecimal(FixTag.Price, order.Price, symbol.PriceDecimals);
        if (order.Type is OrderType.Stop or OrderType.StopLimit) w.AppendDecimal(FixTag.StopPx, order.StopPrice, symbol.PriceDecimals);
        if (order.DisplayQuantity > 0) w.AppendDecimal(FixTag.MaxFloor, order.DisplayQuantity, symbol.QuantityDecimals);
        w.Append(FixTag.TimeInForce, order.TimeInForce);
        if (lastQty > 0)
        {
            w.AppendDecimal(FixTag.LastQty, lastQty, symbol.QuantityDecimals);
            w.AppendDecimal(FixTag.LastPx, lastPx, symbol.PriceDecimals);
        }
        w.AppendDecimal(FixTag.LeavesQty, order.Leaves, symbol.QuantityDecimals);
        w.AppendDecimal(FixTag.CumQty, order.CumQty, symbol.QuantityDecimals);
        w.AppendDecimal(FixTag.AvgPx, AvgPx(order), symbol.PriceDecimals + AvgPxExtraDecimals);
        w.AppendUtcTimestamp(FixTag.TransactTime, transactTime, TimestampPrecision.Microseconds);
        if (text != null) w.AppendAscii(FixTag.Text, text);
        return w.Length;
    }

    /// <summary>OrderID (37): the engine's, or NONE for an order that never reached the book.</summary>
    private static void AppendOrderId(ref FixBodyWriter w, long orderId)
    {
        if (orderId != 0) w.Append(FixTag.OrderID, orderId);
        else w.Append(FixTag.OrderID, "NONE"u8);
    }

    /// <summary>Average fill price in engine price units with <see cref="AvgPxExtraDecimals"/> more decimals.</summary>
    private static long AvgPx(FixOrder order)
    {
        if (order.CumQty == 0) return 0;
        Int128 scale = 1;
        for (int i = 0; i < AvgPxExtraDecimals; i++) scale *= 10;
        return (long)((order.Notional * scale + order.CumQty / 2) / order.CumQty);
    }

    /// <summary>An ExecutionReport on a request that never became an order (150=8, or 150=I for a status request of an
    /// order we do not know): 39=8, nothing open or filled, and the request's own fields exactly as sent, omitted when
    /// the broker did not send them.</summary>
    public static int WriteRefusal(Span<byte> buffer, RequestEcho request, char execType, long execId, long transactTime,
        OrdRejReason? ordRejReason, string text, string? ordStatusReqId, FixRoute? route = null)
    {
        var w = new FixBodyWriter(buffer);
        route?.Write(ref w);
        AppendOrderId(ref w, 0);
        AppendIfSent(ref w, FixTag.ClOrdID, request.ClOrdId);
        AppendIfSent(ref w, FixTag.OrigClOrdID, request.OrigClOrdId);
        if (ordStatusReqId != null) w.AppendAscii(FixTag.OrdStatusReqID, ordStatusReqId);
        w.Append(FixTag.ExecID, execId);
        w.Append(FixTag.ExecType, execType);
        w.Append(FixTag.OrdStatus, OrdStatus.Rejected);
        if (ordRejReason is { } reason) w.Append(FixTag.OrdRejReason, (int)reason);
        AppendIfSent(ref w, FixTag.Account, request.Account);
        AppendIfSent(ref w, FixTag.Symbol, request.Symbol);
        AppendIfSent(ref w, FixTag.Side, request.Side);
        AppendIfSent(ref w, FixTag.OrderQty, request.OrderQty);
        AppendIfSent(ref w, FixTag.OrdType, request.OrdType);
        AppendIfSent(ref w, FixTag.Price, request.Price);
        AppendIfSent(ref w, FixTag.TimeInForce, request.TimeInForce);
        w.Append(FixTag.LeavesQty, 0);
        w.Append(FixTag.CumQty, 0);
        w.Append(FixTag.AvgPx, 0);
        w.AppendUtcTimestamp(FixTag.TransactTime, transactTime, TimestampPrecision.Microseconds);
        w.AppendAscii(FixTag.Text, text);
        return w.Length;
    }

    private static void AppendIfSent(ref FixBodyWriter w, int tag, string? sent)
    {
        if (sent != null) w.AppendAscii(tag, sent);
    }

    /// <summary>OrderCancelReject: <paramref name="replace"/> says whether it answers a G (434=2) or an F (434=1); ClOrdID,
    /// OrigClOrdID and Account are the request's as sent.</summary>
    public static int WriteCancelReject(Span<byte> buffer, long orderId, RequestEcho request, char ordStatus,
        bool replace, CxlRejReason cxlRejReason, string text, FixRoute? route = null)
    {
        var w = new FixBodyWriter(buffer);
        route?.Write(ref w);
        AppendOrderId(ref w, orderId);
        AppendIfSent(ref w, FixTag.ClOrdID, request.ClOrdId);
        AppendIfSent(ref w, FixTag.OrigClOrdID, request.OrigClOrdId);
        w.Append(FixTag.OrdStatus, ordStatus);
        AppendIfSent(ref w, FixTag.Account, request.Account);
        w.Append(FixTag.CxlRejResponseTo, replace ? '2' : '1');
        w.Append(FixTag.CxlRejReason, (int)cxlRejReason);
        w.AppendAscii(FixTag.Text, text);
        return w.Length;
    }

    /// <summary>OrderMassCancelReport. <paramref name="response"/> is 531 (0 rejected, 1 by symbol, 7 all).</summary>
    public static int WriteMassCancelReport(Span<byte> buffer, string clOrdId, long orderId, char requestType, char response,
        MassCancelRejectReason? rejectReason, int affected, string? symbol, string? text, FixRoute? route = null)
    {
        var w = new FixBodyWriter(buffer);
        route?.Write(ref w);
        w.AppendAscii(FixTag.ClOrdID, clOrdId);
        w.Append(FixTag.OrderID, orderId);
        w.Append(FixTag.MassCancelRequestType, requestType);
        w.Append(FixTag.MassCancelResponse, response);
        if (rejectReason is { } reason) w.Append(FixTag.MassCancelRejectReason, (int)reason);
        w.Append(FixTag.TotalAffectedOrders, affected);
        if (symbol != null) w.AppendAscii(FixTag.Symbol, symbol);
        if (text != null) w.AppendAscii(FixTag.Text, text);
        return w.Length;
    }

    /// <summary>Appends a string field. ClOrdIDs come from parsed FIX (ASCII); texts are ours. Copied through the
    /// stack, so no bytes are allocated; anything not ASCII becomes '?'.</summary>
    public static bool AppendAscii(this ref FixBodyWriter w, int tag, string text)
    {
        Span<byte> bytes = text.Length <= 256 ? stackalloc byte[text.Length] : new byte[text.Length];
        for (int i = 0; i < text.Length; i++) bytes[i] = text[i] < 128 ? (byte)text[i] : (byte)'?';
        return w.Append(tag, bytes);
    }
}
