// The spans of one traced order in the gateway: "fix new order" from the NewOrderSingle's arrival to the engine's
// answer reported to the broker, and inside it "engine round trip" from the command sent to the answer received. Both
// hang from the order's root in its trace (Exchange.Tracing.OrderTracing), where the exporter's spans join them.
using System.Diagnostics;
using Exchange.Tracing;

namespace Exchange.Gateway;

internal sealed class OrderTrace
{
    private readonly Activity _order;
    private readonly Activity? _engine;

    private OrderTrace(Activity order, Activity? engine)
    {
        _order = order;
        _engine = engine;
    }

    /// <summary>The order's spans, started now (the FIX span at <paramref name="received"/>), or null if it is not traced.</summary>
    public static OrderTrace? Begin(OrderTracing tracing, long account, FixOrder order, string session, DateTimeOffset received)
    {
        var outer = Activity.Current;
        try
        {
            var span = tracing.Start("fix new order", ActivityKind.Server, account, order.EngineClientOrderId, received);
            if (span == null) return null;
            span.SetTag("fix.session", session);
            span.SetTag("fix.cl_ord_id", order.ClOrdId);
            span.SetTag("exchange.symbol", order.Symbol.Name);
            span.SetTag("exchange.side", order.Side.ToString());
            var engine = OrderTracing.Source.StartActivity("engine round trip", ActivityKind.Client, span.Context);
            return new OrderTrace(span, engine);
        }
        finally
        {
            Activity.Current = outer; // nothing else the gateway's thread does belongs to this order
        }
    }

    /// <summary>The engine answered: accepted as <paramref name="orderId"/>, or refused for <paramref name="refusal"/>.</summary>
    public void Answered(long orderId, string? refusal)
    {
        var outer = Activity.Current;
        if (refusal == null)
        {
            _order.SetTag("exchange.order_id", orderId);
            _engine?.Stop();
            _order.Stop();
        }
        else
        {
            _engine?.SetStatus(ActivityStatusCode.Error, refusal);
            _engine?.Stop();
            _order.SetStatus(ActivityStatusCode.Error, refusal);
            _order.Stop();
        }
        Activity.Current = outer;
    }
}
