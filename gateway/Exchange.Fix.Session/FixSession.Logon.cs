// Logon: which first messages a session admits (anything else is closed without a byte), and taking a connection on.
using Exchange.Fix;

namespace Exchange.Fix.Session;

public sealed partial class FixSession
{
    /// <summary>Whether <paramref name="logon"/> names this session: our BeginString, 56 = our SenderCompID, 49 = our
    /// TargetCompID.</summary>
    internal bool IsAddressedBy(in FixMessage logon) =>
        logon.ValueEquals(FixTag.BeginString, _beginString)
        && logon.ValueEquals(FixTag.TargetCompID, _senderCompId)
        && logon.ValueEquals(FixTag.SenderCompID, _targetCompId);

    /// <summary>Whether a first message that names this session may log on, credentials aside (the acceptor checks
    /// those, off its thread): null when it may, else why not (for the logs; never holding a secret). A refusal closes
    /// the connection without a byte, and the session (if logged on elsewhere) stays as it is.</summary>
    internal string? Admits(in FixMessage logon, long now)
    {
        // The current connection may have ended since this cycle read it: look again before refusing.
        if (_connection != null) DoWork(now);
        if (_connection != null) return "the session is already logged on from another connection";
        if (!logon.MsgType.SequenceEqual("A"u8)) return "the first message is not a Logon";
        var problem = Validate(logon);
        if (!problem.IsValid)
            return $"invalid Logon: {System.Text.Encoding.ASCII.GetString(SessionRejectReasons.Text(problem.Reason))} (tag {problem.RefTagId})";
        if (!logon.TryGetInt(FixTag.MsgSeqNum, out int seqNum) || seqNum < 1) return "invalid MsgSeqNum";
        if (!logon.TryGetInt(FixTag.HeartBtInt, out int heartBtInt)
            || heartBtInt < Settings.HeartBtIntMin || heartBtInt > Settings.HeartBtIntMax)
            return $"HeartBtInt outside {Settings.HeartBtIntMin}..{Settings.HeartBtIntMax}";
        // We offer no encryption.
        if (!logon.ValueEquals(FixTag.EncryptMethod, "0"u8)) return "EncryptMethod other than 0";
        if (!SendingTimeIsAccurate(logon, now, required: true)) return "SendingTime accuracy problem";
        return null;
    }

    /// <summary>The Logon's Username (553) is the configured one, or none is configured.</summary>
    internal bool UsernameMatches(in FixMessage logon) => _username == null || logon.ValueEquals(FixTag.Username, _username);

    /// <summary>This session has logged on from <paramref name="address"/> since start-up.</summary>
    internal bool HasLoggedOnFrom(System.Net.IPAddress address) => _loggedOnFrom.Contains(address);

    /// <summary>Takes on <paramref name="connection"/>, whose first <paramref name="length"/> received bytes are an
    /// admitted Logon: answers it and processes whatever followed it. With <paramref name="refusal"/>, the Logon is
    /// answered by a Logout giving that reason instead, and the connection closed (a sender known by its credentials,
    /// refused for something else, e.g. its client certificate).</summary>
    internal void Logon(FixConnection connection, int length, long now, string? refusal = null)
    {
        _now = now;
        _connection = connection;
        connection.EnableReceiving(2 * _maxMessageLength);
        connection.EnableSending(_sendBufferLength, now);
        _lastReceivedAt = _lastSentAt = now;
        _testRequestOutstanding = false;
        var bytes = connection.Received[..length];
        _log.Incoming(bytes);
        FixMessage.TryParse(bytes, _inboundFields, out var logon, out _);
        bool reset = logon.TryGetBool(FixTag.ResetSeqNumFlag, out bool flag) && flag;
        logon.TryGetInt(FixTag.MsgSeqNum, out int seqNum);
        logon.TryGetInt(FixTag.HeartBtInt, out int heartBtInt);
        _log.Event($"connected from {connection.Remote}: Logon MsgSeqNum={seqNum} HeartBtInt={heartBtInt}{(reset ? " ResetSeqNumFlag=Y" : "")}");
        // Refused before anything of the session changes: no reset, no sequence number taken from the peer.
        if (refusal != null)
        {
            SendLogout(System.Text.Encoding.ASCII.GetBytes(refusal));
            Disconnect($"Logon refused: {refusal}");
            return;
        }
        if (reset || Settings.ResetOnLogon)
        {
            _store.Reset();
            _log.Event($"sequence numbers reset to 1 ({(reset ? "ResetSeqNumFlag=Y" : "ResetOnLogon")})");
        }
        HeartBtInt = heartBtInt;
        _heartBtIntNanos = heartBtInt * NanosPerSecond;
        if (connection.IsTls) _log.Event($"over {connection.TlsProtocol}");

        int expected = NextTargetMsgSeqNum;
        if (seqNum < expected)
        {
            SendLogout(TooLowText(stackalloc byte[64], expected, seqNum));
            Disconnect($"Logon refused: MsgSeqNum too low, expecting {expected} but received {seqNum}");
            return;
        }
        _state = State.LoggedOn;
        LastDisconnectReason = null;
        if (_loggedOnFrom.Count < LoggedOnFromCapacity) _loggedOnFrom.Add(connection.RemoteAddress);
        _log.Event($"logged on (next MsgSeqNum: ours {NextSenderMsgSeqNum}, theirs {expected})");
        SendLogonReply(reset);
        if (seqNum > expected) QueueAhead(bytes, seqNum, handled: true);
        else IncrementTarget();
        if (_connection == connection) connection.Consume(length);
        _application.OnLogon(this);
        if (_connection == connection) ProcessReceived();
    }

    // ResetSeqNumFlag on a Logon while logged on: both sides start again at 1.
    private void OnResetLogon(ReadOnlySpan<byte> bytes, in FixMessage logon, int seqNum)
    {
        var problem = Validate(logon);
        if (!problem.IsValid)
        {
            SendReject(logon, problem.Reason, problem.RefTagId, seqNum);
            return;
        }
        _store.Reset();
        _log.Event("sequence numbers reset to 1 (ResetSeqNumFlag=Y while logged on)");
        _queue.Clear();
        _gapEnd = 0;
        if (logon.TryGetInt(FixTag.HeartBtInt, out int heartBtInt)
            && heartBtInt >= Settings.HeartBtIntMin && heartBtInt <= Settings.HeartBtIntMax)
        {
            HeartBtInt = heartBtInt;
            _heartBtIntNanos = heartBtInt * NanosPerSecond;
        }
        SendLogonReply(reset: true);
        if (seqNum > 1) QueueAhead(bytes, seqNum, handled: true);
        else IncrementTarget();
    }

    private static ReadOnlySpan<byte> TooLowText(Span<byte> buffer, int expected, int received)
    {
        int length = 0;
        Append("MsgSeqNum too low, expecting "u8, buffer, ref length);
        expected.TryFormat(buffer[length..], out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        length += written;
        Append(" but received "u8, buffer, ref length);
        received.TryFormat(buffer[length..], out written, default, System.Globalization.CultureInfo.InvariantCulture);
        return buffer[..(length + written)];

        static void Append(ReadOnlySpan<byte> text, Span<byte> buffer, ref int length)
        {
            text.CopyTo(buffer[length..]);
            length += text.Length;
        }
    }
}
