// The transport stream ids of the binary protocol. Clients publish commands to an engine's listen channel on
// Commands; the engine publishes to the response channel a client names in its Logon, on Responses (that
// session's execution reports and session messages) and MarketData (the shard's public events).
//
// A process with many sessions (a gateway) carries them all on one connection: it publishes on LaneCommands, every
// message led by a lane header naming the session's lane, and the engine answers on LaneResponses, led by the same
// header, to the response channel the lane's logon named; lanes of one connection naming one response channel share
// that path, and its market data comes once.
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
    /// <summary>Commands of many sessions on one connection, each message led by a <see cref="Lanes"/> header.</summary>
    public const int LaneCommands = 15;
    /// <summary>An engine's answers to the sessions of such a connection, each led by the lane's header.</summary>
    public const int LaneResponses = 16;
}

/// <summary>The header that leads every message on <see cref="StreamIds.LaneCommands"/> and
/// <see cref="StreamIds.LaneResponses"/>: the lane (a session's number within its connection, chosen by the client),
/// 4 bytes little-endian, then the SBE message exactly as it would travel alone.</summary>
public static class Lanes
{
    public const int HeaderLength = 4;

    public static void Write(System.Span<byte> into, uint lane) => System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(into, lane);

    /// <summary>The lane and the message after the header; false for a message too short to hold one.</summary>
    public static bool TryRead(System.ReadOnlySpan<byte> message, out uint lane, out System.ReadOnlySpan<byte> body)
    {
        if (message.Length < HeaderLength)
        {
            lane = 0;
            body = default;
            return false;
        }
        lane = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(message);
        body = message[HeaderLength..];
        return true;
    }
}
