// What we send: the header every message gets, application messages (stored before they go out), the admin
// messages, and answering a ResendRequest by streaming the store — stored application messages again with 43=Y and
// 122, runs of admin messages as one SequenceReset-GapFill — as fast as the socket takes them.
using Exchange.Fix;

namespace Exchange.Fix.Session;

public sealed partial class FixSession
{
    private const byte Soh = 0x01;

    private readonly byte[] _storeRead;
    private long _readBufferOffset;
    private int _readStart;
    private int _readFilled;
    private int _readSeqNum;

    // While not 0, the next MsgSeqNum to go out from the store: a resend being streamed, or application messages the
    // socket could not take at once. Nothing else is sent (or read) until it catches up, so the peer sees our
    // numbers in order.
    private int _transmitNext;
    // Numbers up to this one go out as possible duplicates (43=Y, 122).
    private int _resendThrough;
    // The first application message stored but not yet sent (the socket was behind, or a resend was streaming);
    // 0 when every one has gone out. From here on the stream sends them as first sent.
    private int _unsentFrom;
    // A Logout asked for while streaming; sent when the stream has caught up.
    private byte[]? _pendingLogoutText;

    /// <summary>
    /// Sends an application message: the session writes the header (8, 9, 35, 34, 49, 52, 56 in that order) and the
    /// trailer around <paramref name="body"/> ("tag=value&lt;SOH&gt;" fields in body order, see
    /// <see cref="FixBodyWriter"/>), stores it for resends, then sends it. False when not logged on, when the
    /// MsgType is an admin one or malformed, or when the body is malformed or holds session header fields.
    /// </summary>
    public bool SendApplication(ReadOnlySpan<byte> msgType, ReadOnlySpan<byte> body)
    {
        if (!IsSendableMsgType(msgType)) return false;
        bool offline = _connection == null;
        // While the peer is away a message is stored under the next MsgSeqNum and not sent: at its next Logon our
        // sequence number is ahead of what it expects, it asks for a resend, and gets these with PossDup (unless it
        // or the settings reset the sequence, which discards them, as FIX says).
        if (offline && !Settings.PersistMessages) return false;
        if (!offline && _state != State.LoggedOn) return false;
        // Without a store there is nothing to stream from once the socket is behind.
        if (_transmitNext != 0 && !Settings.PersistMessages) return false;
        FixMessage fields = default;
        if (!body.IsEmpty)
        {
            if (body[^1] != Soh || !FixMessage.TryParse(body, _outboundFields, out fields, out _)) return false;
            foreach (var field in fields.Fields)
                if (IsSessionOwnedTag(field.Tag) || Fix44.Trailer.Contains(field.Tag)) return false;
        }
        var writer = StartMessage(msgType, NextSenderMsgSeqNum, possDup: false, default);
        if (!body.IsEmpty) AppendFields(ref writer, fields);
        return TransmitNew(ref writer, application: true);
    }

    private void BeginLogout(ReadOnlySpan<byte> text)
    {
        if (_state != State.LoggedOn || _connection == null) return;
        if (_transmitNext != 0)
        {
            _pendingLogoutText = text.ToArray();
            return;
        }
        _state = State.LogoutSent;
        _logoutDeadline = _now + _logoutTimeoutNanos;
        SendLogout(text);
    }

    private void SendLogonReply(bool reset)
    {
        var writer = StartMessage("A"u8, NextSenderMsgSeqNum, possDup: false, default);
        writer.Append(FixTag.EncryptMethod, 0);
        writer.Append(FixTag.HeartBtInt, HeartBtInt);
        if (reset) writer.Append(FixTag.ResetSeqNumFlag, true);
        TransmitNew(ref writer, application: false);
    }

    private void SendLogout(ReadOnlySpan<byte> text)
    {
        _log.Event(text.IsEmpty ? "Logout sent" : $"Logout sent: {System.Text.Encoding.ASCII.GetString(text)}");
        var writer = StartMessage("5"u8, NextSenderMsgSeqNum, possDup: false, default);
        if (!text.IsEmpty) writer.Append(FixTag.Text, text);
        TransmitNew(ref writer, application: false);
    }

    private void SendHeartbeat()
    {
        var writer = StartMessage("0"u8, NextSenderMsgSeqNum, possDup: false, default);
        TransmitNew(ref writer, application: false);
    }

    private void AnswerTestRequest(in FixMessage testRequest)
    {
        var writer = StartMessage("0"u8, NextSenderMsgSeqNum, possDup: false, default);
        AppendReverseRoute(ref writer, testRequest);
        if (testRequest.TryGetValue(FixTag.TestReqID, out var testReqId)) writer.Append(FixTag.TestReqID, testReqId);
        TransmitNew(ref writer, application: false);
    }

    private void SendTestRequest(long now)
    {
        var writer = StartMessage("1"u8, NextSenderMsgSeqNum, possDup: false, default);
        // Our clock's nanoseconds: unique for the session's life, and no state to keep.
        writer.Append(FixTag.TestReqID, now);
        TransmitNew(ref writer, application: false);
    }

    private void SendResendRequest(int beginSeqNo)
    {
        var writer = StartMessage("2"u8, NextSenderMsgSeqNum, possDup: false, default);
        writer.Append(FixTag.BeginSeqNo, beginSeqNo);
        // 0: everything from BeginSeqNo on, so messages we drop from a full queue come again too.
        writer.Append(FixTag.EndSeqNo, 0);
        TransmitNew(ref writer, application: false);
    }

    // A message without a readable MsgSeqNum is rejected without RefSeqNum (45); a reject about the message as a
    // whole (CompID, SendingTime) without RefTagID (371). Tag numbers as received may be 0 or negative (an invalid
    // tag is referenced as sent), never this.
    private const int NoRefSeqNum = -1;
    private const int NoRefTagId = int.MinValue;

    private void SendReject(in FixMessage message, SessionRejectReason reason, int refTagId, int refSeqNum)
    {
        _log.Event($"Reject sent for MsgSeqNum {(refSeqNum >= 0 ? refSeqNum.ToString(System.Globalization.CultureInfo.InvariantCulture) : "(none)")} " +
            $"(35={System.Text.Encoding.ASCII.GetString(message.MsgType)}): " +
            $"{System.Text.Encoding.ASCII.GetString(SessionRejectReasons.Text(reason))}{(refTagId != NoRefTagId ? $" (tag {refTagId})" : "")}");
        var writer = StartMessage("3"u8, NextSenderMsgSeqNum, possDup: false, default);
        AppendReverseRoute(ref writer, message);
        if (refSeqNum >= 0) writer.Append(FixTag.RefSeqNum, refSeqNum);
        if (refTagId != NoRefTagId) writer.Append(FixTag.RefTagID, refTagId);
        var msgType = message.MsgType;
        if (!msgType.IsEmpty) writer.Append(FixTag.RefMsgType, msgType);
        writer.Append(FixTag.SessionRejectReason, (int)reason);
        writer.Append(FixTag.Text, SessionRejectReasons.Text(reason));
        TransmitNew(ref writer, application: false);
    }

    // A Business Message Reject is an application message: stored, and resent when asked for.
    private void SendBusinessReject(in FixMessage message, int refSeqNum, BusinessRejectReason reason, ReadOnlySpan<byte> text)
    {
        // Over the rate limit there is one of these per message: the limit logs itself, at most once a second.
        if (reason != BusinessRejectReason.Other || !text.SequenceEqual(RateLimitText))
            _log.Event($"Business Message Reject sent for MsgSeqNum {refSeqNum} (35={System.Text.Encoding.ASCII.GetString(message.MsgType)}): {System.Text.Encoding.ASCII.GetString(text)}");
        var writer = StartMessage("j"u8, NextSenderMsgSeqNum, possDup: false, default);
        AppendReverseRoute(ref writer, message);
        writer.Append(FixTag.RefSeqNum, refSeqNum);
        writer.Append(FixTag.RefMsgType, message.MsgType);
        writer.Append(FixTag.BusinessRejectReason, (int)reason);
        writer.Append(FixTag.Text, text);
        TransmitNew(ref writer, application: true);
    }

    // Header fields after 8, 9, 35 in ascending tag order: 34, 43, 49, 52, 56, 122. A possible duplicate carries
    // OrigSendingTime: the original's, or (a gap fill, generated afresh) the same as SendingTime.
    private FixWriter StartMessage(ReadOnlySpan<byte> msgType, int seqNum, bool possDup, scoped ReadOnlySpan<byte> origSendingTime)
    {
        long sendingTime = _clock();
        var writer = new FixWriter(_outbound, _beginString, msgType);
        writer.Append(FixTag.MsgSeqNum, seqNum);
        if (possDup) writer.Append(FixTag.PossDupFlag, true);
        writer.Append(FixTag.SenderCompID, _senderCompId);
        writer.AppendUtcTimestamp(FixTag.SendingTime, sendingTime, Settings.TimestampPrecision);
        writer.Append(FixTag.TargetCompID, _targetCompId);
        if (possDup)
        {
            if (origSendingTime.IsEmpty) writer.AppendUtcTimestamp(FixTag.OrigSendingTime, sendingTime, Settings.TimestampPrecision);
            else writer.Append(FixTag.OrigSendingTime, origSendingTime);
        }
        return writer;
    }

    // Third-party routing: a reply goes back through the hub the message came through, so what the message's header
    // names as on behalf of (115, 116, 144) is delivered to (128, 129, 145), and the reverse. Written right after the
    // header fields StartMessage writes, in ascending tag order. A routing tag out of its place in the body, or
    // without a value, is what the message is rejected for, and is not repeated.
    private static void AppendReverseRoute(ref FixWriter writer, in FixMessage message)
    {
        int headerEnd = 0;
        var fields = message.Fields;
        while (headerEnd < fields.Length && Fix44.Header.Contains(fields[headerEnd].Tag)) headerEnd++;
        foreach (var (received, reply) in FixTag.ReplyRoute)
        {
            int i = message.IndexOf(received);
            if (i >= 0 && i < headerEnd && message.Fields[i].ValueLength > 0) writer.Append(reply, message.Value(i));
        }
    }

    // Copies fields as they are, except the ones the session writes itself; a DATA field keeps its LENGTH field.
    private static void AppendFields(ref FixWriter writer, in FixMessage message)
    {
        var fields = message.Fields;
        for (int i = 0; i < fields.Length; i++)
        {
            int tag = fields[i].Tag;
            if (IsSessionOwnedTag(tag) || tag == FixTag.CheckSum) continue;
            if (i + 1 < fields.Length && Fix44.DataLengthTag(fields[i + 1].Tag) == tag)
            {
                writer.AppendData(tag, fields[i + 1].Tag, message.Value(i + 1));
                i++;
                continue;
            }
            writer.Append(tag, message.Value(i));
        }
    }

    private static bool IsSessionOwnedTag(int tag) => tag is FixTag.BeginString or FixTag.BodyLength or FixTag.MsgType
        or FixTag.MsgSeqNum or FixTag.PossDupFlag or FixTag.SenderCompID or FixTag.SendingTime or FixTag.TargetCompID
        or FixTag.PossResend or FixTag.OrigSendingTime or FixTag.CheckSum;

    private static bool IsSendableMsgType(ReadOnlySpan<byte> msgType)
    {
        if (msgType.IsEmpty || msgType.Length > 2) return false;
        foreach (byte b in msgType)
            if (b is <= (byte)' ' or > (byte)'~' or (byte)'=') return false;
        // The admin messages are the session's own.
        return !(msgType.Length == 1 && msgType[0] is (byte)'0' or (byte)'1' or (byte)'2' or (byte)'3' or (byte)'4' or (byte)'5' or (byte)'A');
    }

    // A message with a new MsgSeqNum: stored first when it is an application message, the next number saved, then
    // sent (or left to the stream from the store when the socket is behind).
    private bool TransmitNew(ref FixWriter writer, bool application)
    {
        var connection = _connection;
        bool stored = application && Settings.PersistMessages;
        // Offline only what is stored may be "sent": it takes its MsgSeqNum and goes out by resend later.
        if ((connection == null && !stored) || !writer.TryFinish(out int length)) return false;
        int seqNum = NextSenderMsgSeqNum;
        var bytes = _outbound.AsSpan(0, length);
        if (stored) _store.Store(seqNum, bytes);
        _store.SetNextSenderMsgSeqNum(seqNum + 1);
        if (connection == null) return true;
        _lastSentAt = _now;
        if (_transmitNext != 0 && stored)
        {
            if (_unsentFrom == 0) _unsentFrom = seqNum;
            return true;
        }
        if (connection.Send(bytes, _now))
        {
            _log.Outgoing(bytes);
            return true;
        }
        if (stored)
        {
            _unsentFrom = seqNum;
            StartTransmit(seqNum, 0);
            return true;
        }
        Disconnect("the peer stopped reading: send buffer full");
        return false;
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _log.Outgoing(bytes);
        _connection?.Send(bytes, _now);
        _lastSentAt = _now;
    }

    /// <summary>Answers a ResendRequest for [<paramref name="begin"/>, <paramref name="end"/>] (0: through the last
    /// message we sent).</summary>
    private void StartResend(int begin, int end)
    {
        int last = NextSenderMsgSeqNum - 1;
        if (begin < 1) begin = 1;
        if (end == 0 || end > last) end = last;
        if (begin > end) return;
        _log.Event($"resending {begin}..{end}");
        StartTransmit(begin, end);
        Pump();
    }

    private void StartTransmit(int from, int resendThrough)
    {
        _transmitNext = from;
        _resendThrough = resendThrough;
        _readBufferOffset = _store.FindOffset(from);
        _readStart = _readFilled = 0;
    }

    // Streams from the store while the send buffer has room for the largest message.
    private int Pump()
    {
        int work = 0;
        while (_transmitNext != 0)
        {
            var connection = _connection;
            if (connection == null)
            {
                _transmitNext = 0;
                break;
            }
            if (connection.SendFree < _outbound.Length && (connection.Flush(_now) == 0 || connection.SendFree < _outbound.Length)) break;
            int next = _transmitNext;
            // Numbers between the resend and the first unsent message have gone out already.
            if (next > _resendThrough && _unsentFrom > next)
            {
                _transmitNext = next = _unsentFrom;
                _readBufferOffset = _store.FindOffset(next);
                _readStart = _readFilled = 0;
            }
            int end = _unsentFrom != 0 ? NextSenderMsgSeqNum : _resendThrough + 1;
            if (next >= end)
            {
                FinishTransmit();
                break;
            }
            int storedSeqNum = TryReadStored(out var record) ? _readSeqNum : end;
            if (storedSeqNum < next)
            {
                _readStart += record.Length;
                continue;
            }
            if (storedSeqNum > next)
            {
                // Nothing stored for [next, storedSeqNum): admin messages, which are never resent.
                int newSeqNo = Math.Min(storedSeqNum, end);
                SendGapFill(next, newSeqNo);
                _transmitNext = newSeqNo;
            }
            else
            {
                if (next <= _resendThrough) Resend(record, next);
                else Write(record);
                _readStart += record.Length;
                _transmitNext = next + 1;
            }
            work++;
        }
        return work;
    }

    private void FinishTransmit()
    {
        _transmitNext = 0;
        _resendThrough = 0;
        _unsentFrom = 0;
        if (_pendingLogoutText is { } text)
        {
            _pendingLogoutText = null;
            BeginLogout(text);
        }
    }

    private void Resend(ReadOnlySpan<byte> record, int seqNum)
    {
        if (!FixMessage.TryParse(record, _storedFields, out var original, out _)) return;
        original.TryGetValue(FixTag.SendingTime, out var origSendingTime);
        var writer = StartMessage(original.MsgType, seqNum, possDup: true, origSendingTime);
        AppendFields(ref writer, original);
        if (writer.TryFinish(out int length)) Write(_outbound.AsSpan(0, length));
    }

    private void SendGapFill(int seqNum, int newSeqNo)
    {
        var writer = StartMessage("4"u8, seqNum, possDup: true, default);
        writer.Append(FixTag.GapFillFlag, true);
        writer.Append(FixTag.NewSeqNo, newSeqNo);
        if (writer.TryFinish(out int length)) Write(_outbound.AsSpan(0, length));
    }

    // The next stored record at the read position; false at the end of the store.
    private bool TryReadStored(out ReadOnlySpan<byte> record)
    {
        while (true)
        {
            var pending = _storeRead.AsSpan(_readStart, _readFilled - _readStart);
            if (FixFraming.TryFrame(pending, _maxMessageLength, out int length, out var error))
            {
                record = pending[..length];
                if (FixMessage.TryParse(record, _storedFields, out var message, out _) && message.TryGetInt(FixTag.MsgSeqNum, out _readSeqNum))
                    return true;
                _readStart += length;
                continue;
            }
            if (error != FramingError.Incomplete)
            {
                // The store checked every record when it opened; skip rather than stop a resend.
                _readStart += length;
                continue;
            }
            pending.CopyTo(_storeRead);
            _readBufferOffset += _readStart;
            _readFilled -= _readStart;
            _readStart = 0;
            int read = _store.Read(_readBufferOffset + _readFilled, _storeRead.AsSpan(_readFilled));
            if (read == 0)
            {
                record = default;
                return false;
            }
            _readFilled += read;
        }
    }
}
