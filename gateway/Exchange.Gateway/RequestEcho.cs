// The fields of a broker's request that a refusal repeats back to it, exactly as the broker sent them: a reject must
// let the broker match it to its own order, so it never carries a value the gateway parsed, defaulted or guessed.
using System.Text;
using Exchange.Fix;

namespace Exchange.Gateway;

/// <summary>ClOrdID (11), OrigClOrdID (41), Account (1), Symbol (55), Side (54), OrderQty (38), OrdType (40), Price
/// (44) and TimeInForce (59) of a request as sent; null for a field the broker did not send, which a refusal then
/// omits too.</summary>
internal sealed record RequestEcho(string? ClOrdId, string? OrigClOrdId, string? Account, string? Symbol, string? Side,
    string? OrderQty, string? OrdType, string? Price, string? TimeInForce)
{
    /// <summary>The way back to the firm the request came from through a hub (null: it came straight).</summary>
    public FixRoute? Route { get; init; }

    public static RequestEcho Of(in FixMessage m) =>
        new(Get(in m, FixTag.ClOrdID), Get(in m, FixTag.OrigClOrdID), Get(in m, FixTag.Account), Get(in m, FixTag.Symbol),
            Get(in m, FixTag.Side), Get(in m, FixTag.OrderQty), Get(in m, FixTag.OrdType), Get(in m, FixTag.Price),
            Get(in m, FixTag.TimeInForce)) { Route = FixRoute.ReplyTo(in m) };

    private static string? Get(in FixMessage m, int tag) => m.TryGetValue(tag, out var value) ? Encoding.ASCII.GetString(value) : null;
}
