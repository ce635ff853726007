// The transport stream ids of the binary protocol. Clients publish commands to an engine's listen channel on
// Commands; the engine publishes to the response channel a client names in its Logon, on Responses (that
// session's execution reports and session messages) and MarketData (the shard's public events).
namespace Exchange.Contract;

public static class StreamIds
{
    public const int Commands = 10;
    public const int Responses = 11;
    public const int MarketData = 12;
    /// <summary>A primary engine's journal records to a standby, published to the standby's listen channel.</summary>
    public const int Replication = 13;
    /// <summary>A standby's hello and acknowledgements, published to the primary's listen channel.</summary>
    public const int ReplicaAcks = 14;
}
