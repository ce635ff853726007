// The transport stream ids of the binary protocol. Clients publish commands to an engine's listen channel on
// Commands; the engine publishes to the response channel a client names in its Logon, on Responses (that
// session's execution reports and session messages) and MarketData (the shard's public events).
namespace Exchange.Contract;

public static class StreamIds
{
    public const int Commands = 10;
    public const int Responses = 11;
    public const int MarketData = 12;
}
