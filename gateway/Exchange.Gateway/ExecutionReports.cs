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
        long lastPx = 0, long lastQty = 0, string? clOrdId = null, string? origClOrdId = null, int ordRejReason = -1,
        string? text = null, string? ordStatusReqId = null)
    {
        var w = new FixBodyWriter(buffer);
        var symbol = order.Symbol;
        AppendOrderId(ref w, order.OrderId);
        w.AppendAscii(11, clOrdId ?? order.ClOrdId);
        if ((origClOrdId ?? order.OrigClOrdId) is { } orig) w.AppendAscii(41, orig);
        if (ordStatusReqId != null) w.AppendAscii(790, ordStatusReqId);
        w.Append(17, execId);
        w.Append(150, execType);
        w.Append(39, order.Status);
        if (ordRejReason >= 0) w.Append(103, ordRejReason);
        if (order.Account != null) w.AppendAscii(1, order.Account);
        w.AppendAscii(55, symbol.Name);
        w.Append(54, order.Side == Side.Buy ? '1' : '2');
        w.AppendDecimal(38, order.Quantity, symbol.QuantityDecimals);
        w.Append(40, order.Type == OrderType.Market ? '1' : '2');
        if (order.Type == OrderType.Limit) w.AppendDecimal(44, order.Price, symbol.PriceDecimals);
        w.Append(59, order.TimeInForce);
        if (lastQty > 0)
        {
            w.AppendDecimal(32, lastQty, symbol.QuantityDecimals);
            w.AppendDecimal(31, lastPx, symbol.PriceDecimals);
        }
        w.AppendDecimal(151, order.Leaves, symbol.QuantityDecimals);
        w.AppendDecimal(14, order.CumQty, symbol.QuantityDecimals);
        w.AppendDecimal(6, AvgPx(order), symbol.PriceDecimals + AvgPxExtraDecimals);
        w.AppendUtcTimestamp(60, transactTime, TimestampPrecision.Microseconds);
        if (text != null) w.AppendAscii(58, text);
        return w.Length;
    }

    /// <summary>OrderID (37): the engine's, or NONE for an order that never reached the book.</summary>
    private static void AppendOrderId(ref FixBodyWriter w, long orderId)
    {
        if (orderId != 0) w.Append(37, orderId);
        else w.Append(37, "NONE"u8);
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
        int ordRejReason, string text, string? ordStatusReqId)
    {
        var w = new FixBodyWriter(buffer);
        AppendOrderId(ref w, 0);
        AppendIfSent(ref w, 11, request.ClOrdId);
        AppendIfSent(ref w, 41, request.OrigClOrdId);
        if (ordStatusReqId != null) w.AppendAscii(790, ordStatusReqId);
        w.Append(17, execId);
        w.Append(150, execType);
        w.Append(39, OrdStatus.Rejected);
        if (ordRejReason >= 0) w.Append(103, ordRejReason);
        AppendIfSent(ref w, 1, request.Account);
        AppendIfSent(ref w, 55, request.Symbol);
        AppendIfSent(ref w, 54, request.Side);
        AppendIfSent(ref w, 38, request.OrderQty);
        AppendIfSent(ref w, 40, request.OrdType);
        AppendIfSent(ref w, 44, request.Price);
        AppendIfSent(ref w, 59, request.TimeInForce);
        w.Append(151, 0);
        w.Append(14, 0);
        w.Append(6, 0);
        w.AppendUtcTimestamp(60, transactTime, TimestampPrecision.Microseconds);
        w.AppendAscii(58, text);
        return w.Length;
    }

    private static void AppendIfSent(ref FixBodyWriter w, int tag, string? sent)
    {
        if (sent != null) w.AppendAscii(tag, sent);
    }

    /// <summary>OrderCancelReject: <paramref name="replace"/> says whether it answers a G (434=2) or an F (434=1); ClOrdID,
    /// OrigClOrdID and Account are the request's as sent.</summary>
    public static int WriteCancelReject(Span<byte> buffer, long orderId, RequestEcho request, char ordStatus,
        bool replace, int cxlRejReason, string text)
    {
        var w = new FixBodyWriter(buffer);
        AppendOrderId(ref w, orderId);
        AppendIfSent(ref w, 11, request.ClOrdId);
        AppendIfSent(ref w, 41, request.OrigClOrdId);
        w.Append(39, ordStatus);
        AppendIfSent(ref w, 1, request.Account);
        w.Append(434, replace ? '2' : '1');
        w.Append(102, cxlRejReason);
        w.AppendAscii(58, text);
        return w.Length;
    }

    /// <summary>OrderMassCancelReport. <paramref name="response"/> is 531 (0 rejected, 1 by symbol, 7 all).</summary>
    public static int WriteMassCancelReport(Span<byte> buffer, string clOrdId, long orderId, char requestType, char response,
        int rejectReason, int affected, string? symbol, string? text)
    {
        var w = new FixBodyWriter(buffer);
        w.AppendAscii(11, clOrdId);
        w.Append(37, orderId);
        w.Append(530, requestType);
        w.Append(531, response);
        if (rejectReason >= 0) w.Append(532, rejectReason);
        w.Append(533, affected);
        if (symbol != null) w.AppendAscii(55, symbol);
        if (text != null) w.AppendAscii(58, text);
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
