// What a send returns: the publication's new position (> 0), or a reason below zero. The transport's own codes
// (OfferResult) pass through; the client adds its own below them.
using Exchange.Transport;

namespace Exchange.Client;

public static class SendResult
{
    /// <summary>The engine has not joined the stream yet and the half term that may wait for it is full.</summary>
    public const long NotConnected = OfferResult.NotConnected;
    /// <summary>The engine's receive window is full: poll (let the transport send) and try again.</summary>
    public const long BackPressured = OfferResult.BackPressured;
    public const long Closed = OfferResult.Closed;
    public const long MaxPositionExceeded = OfferResult.MaxPositionExceeded;
    /// <summary>The shard that owns the symbol has no live session (not logged on yet, logged out or disconnected).</summary>
    public const long NotLoggedOn = -10;
    /// <summary>No shard of the client's options owns the symbol.</summary>
    public const long UnknownSymbol = -11;

    /// <summary>Whether the message was handed to the transport.</summary>
    public static bool IsSent(long result) => result > 0;

    public static string Describe(long result) => result switch
    {
        NotLoggedOn => "not logged on",
        UnknownSymbol => "unknown symbol",
        _ => OfferResult.Describe(result),
    };
}
