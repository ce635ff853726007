// The reject reasons a client sees. The engine's own are RejectReason's named values; the three below come from the
// engine's session layer for inputs it did not sequence, and are values of exchange.xml's RejectReason.
using Exchange.Engine;

namespace Exchange.Client;

public static class RejectReasons
{
    /// <summary>The message did not decode, or is not one a client may send.</summary>
    public const RejectReason MalformedMessage = (RejectReason)100;
    /// <summary>No live session on this connection, or the command names another account.</summary>
    public const RejectReason NotLoggedOn = (RejectReason)101;
    /// <summary>The shard does not own the order's symbol.</summary>
    public const RejectReason WrongShard = (RejectReason)102;

    /// <summary>The reason's name (for logs; allocates for numbers it does not know).</summary>
    public static string Describe(RejectReason reason) => reason switch
    {
        MalformedMessage => "MalformedMessage",
        NotLoggedOn => "NotLoggedOn",
        WrongShard => "WrongShard",
        _ => reason.ToString(),
    };
}
