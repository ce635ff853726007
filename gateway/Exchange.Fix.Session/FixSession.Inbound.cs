// What each received message does: framing and garbled input, BeginString, CompIDs and SendingTime, sequence
// numbers (queue ahead of a gap, logout when too low, PossDup duplicates), dictionary validation and rejects, the
// admin messages, the rate limit, and delivery of application messages in order.
using Exchange.Fix;

namespace Exchange.Fix.Session;

public sealed partial class FixSession
{
    private static ReadOnlySpan<byte> RateLimitText => "Message rate limit exceeded"u8;

    // Frames and processes everything received so far; garbled bytes are skipped without a word and without
    // counting a sequence number.
    private int ProcessReceived()
    {
        int messages = 0;
        while (_connection is { } connection && _transmitNext == 0)
        {
            var received = connection.Received;
            if (received.IsEmpty) break;
            if (!FixFraming.TryFrame(received, _maxMessageLength, out int length, out var error))
            {
                if (error == FramingError.Incomplete) break;
                _log.Event($"garbled input ignored ({length} bytes: {error})");
                connection.Consume(length);
                continue;
            }
            _log.Incoming(received[..length]);
            OnMessage(received[..length]);
            if (_connection != connection) break;
            connection.Consume(length);
            messages++;
            DrainQueue();
        }
        return messages;
    }

    // Processes, in order, queued messages whose turn has come.
    private void DrainQueue()
    {
        while (_connection != null && _transmitNext == 0 && _queue.Count > 0)
        {
            int expected = NextTargetMsgSeqNum;
            _queue.RemoveBelow(expected);
            if (!_queue.TryTake(expected, _queuedMessage, out int length, out bool handled)) break;
            if (handled) IncrementTarget();
            else OnMessage(_queuedMessage.AsSpan(0, length));
        }
    }

    private void OnMessage(ReadOnlySpan<byte> bytes)
    {
        // A frame that does not split into fields is as garbled as a bad checksum.
        if (!FixMessage.TryParse(bytes, _inboundFields, out var message, out _)) return;
        var msgType = message.MsgType;
        bool isLogout = msgType.SequenceEqual("5"u8);
        if (!message.ValueEquals(FixTag.BeginString, _beginString))
        {
            if (isLogout)
            {
                OnLogout(message.TryGetInt(FixTag.MsgSeqNum, out int logoutSeqNum) ? logoutSeqNum : 0);
                return;
            }
            SendLogout("Incorrect BeginString"u8);
            Disconnect("Incorrect BeginString");
            return;
        }
        bool hasSeqNum = message.TryGetInt(FixTag.MsgSeqNum, out int seqNum);
        // A SequenceReset-Reset is applied "without regard to its MsgSeqNum" (34=0 is common), so only it may go on
        // without a number a message could be counted under.
        bool sequenceReset = msgType.SequenceEqual("4"u8) && !(message.TryGetBool(FixTag.GapFillFlag, out bool gapFill) && gapFill);
        if (!hasSeqNum || seqNum < (sequenceReset ? 0 : 1))
        {
            // Without a number the message cannot be counted, only rejected.
            var problem = Validate(message);
            if (problem.IsValid || problem.Outcome == FixValidationOutcome.UnsupportedMessageType)
                problem = FixValidationResult.Reject(message.Contains(FixTag.MsgSeqNum) ? SessionRejectReason.ValueIsIncorrect : SessionRejectReason.RequiredTagMissing, FixTag.MsgSeqNum);
            SendReject(message, problem.Reason, problem.RefTagId, hasSeqNum && seqNum >= 0 ? seqNum : NoRefSeqNum);
            return;
        }

        // A message with the wrong CompIDs or a stale SendingTime is not to be trusted: reject, then log out.
        if (!CompIdsMatch(message))
        {
            SendReject(message, SessionRejectReason.CompIdProblem, NoRefTagId, seqNum);
            CountIfExpected(seqNum);
            BeginLogout(default);
            return;
        }
        if (!SendingTimeIsAccurate(message, _now, required: false))
        {
            SendReject(message, SessionRejectReason.SendingTimeAccuracyProblem, NoRefTagId, seqNum);
            CountIfExpected(seqNum);
            BeginLogout(default);
            return;
        }

        // These act whatever their MsgSeqNum.
        if (msgType.SequenceEqual("2"u8))
        {
            OnResendRequest(bytes, message, seqNum);
            return;
        }
        if (isLogout)
        {
            OnLogout(seqNum);
            return;
        }
        if (sequenceReset)
        {
            OnSequenceReset(message, seqNum);
            return;
        }
        if (msgType.SequenceEqual("A"u8) && message.TryGetBool(FixTag.ResetSeqNumFlag, out bool reset) && reset)
        {
            OnResetLogon(bytes, message, seqNum);
            return;
        }

        int expected = NextTargetMsgSeqNum;
        bool possDup = message.TryGetBool(FixTag.PossDupFlag, out bool dup) && dup;
        if (seqNum > expected)
        {
            QueueAhead(bytes, seqNum, handled: false);
            return;
        }
        if (seqNum < expected)
        {
            if (!possDup)
            {
                SendLogout(TooLowText(stackalloc byte[64], expected, seqNum));
                Disconnect("MsgSeqNum too low");
                return;
            }
            // A duplicate of what we already have: checked, never delivered twice.
            CheckPossDup(message, seqNum);
            return;
        }

        var result = Validate(message);
        if (result.Outcome == FixValidationOutcome.Reject)
        {
            SendReject(message, result.Reason, result.RefTagId, seqNum);
            CountIfExpected(seqNum);
            return;
        }
        if (possDup && !CheckPossDup(message, seqNum)) return;

        if (msgType.Length == 1)
        {
            switch ((char)msgType[0])
            {
                case '0': // Heartbeat
                case '3': // Reject: nothing to do but count it
                case 'A': // Logon while logged on, without a reset: nothing to redo
                    IncrementTarget();
                    return;
                case '1':
                    IncrementTarget();
                    AnswerTestRequest(message);
                    return;
                case '4':
                    OnGapFill(message, seqNum);
                    return;
            }
        }
        OnApplicationMessage(message, seqNum, result);
    }

    private void OnApplicationMessage(in FixMessage message, int seqNum, FixValidationResult result)
    {
        if (result.Outcome == FixValidationOutcome.UnsupportedMessageType || !IsApplicationMessageType(message.MsgType))
        {
            IncrementTarget();
            SendBusinessReject(message, seqNum, BusinessRejectReason.UnsupportedMessageType, BusinessRejectReasons.Text(BusinessRejectReason.UnsupportedMessageType));
            return;
        }
        if (_rateLimiter != null && !_rateLimiter.TryAcquire(_now))
        {
            IncrementTarget();
            if (_now - _rateLimitLoggedAt >= NanosPerSecond)
            {
                // At most one line a second, however fast the peer floods.
                _rateLimitLoggedAt = _now;
                _log.Event($"message rate limit exceeded (MaxMessagesPerSecond={Settings.MaxMessagesPerSecond}): {(Settings.RateLimitAction == RateLimitAction.Reject ? "rejected" : "logging out")}");
            }
            if (Settings.RateLimitAction == RateLimitAction.Reject) SendBusinessReject(message, seqNum, BusinessRejectReason.Other, RateLimitText);
            else BeginLogout(RateLimitText);
            return;
        }
        IncrementTarget();
        _application.OnApplicationMessage(this, message);
    }

    private void OnResendRequest(ReadOnlySpan<byte> bytes, in FixMessage message, int seqNum)
    {
        var problem = Validate(message);
        if (!problem.IsValid)
        {
            SendReject(message, problem.Reason, problem.RefTagId, seqNum);
            CountIfExpected(seqNum);
            return;
        }
        message.TryGetInt(FixTag.BeginSeqNo, out int begin);
        message.TryGetInt(FixTag.EndSeqNo, out int end);
        _log.Event($"ResendRequest received for {begin}..{end}");
        // Our own ResendRequest for a gap goes out first: once the resend starts streaming, nothing may overtake it.
        int expected = NextTargetMsgSeqNum;
        if (seqNum == expected) IncrementTarget();
        else if (seqNum > expected) QueueAhead(bytes, seqNum, handled: true);
        StartResend(begin, end);
    }

    private void OnLogout(int seqNum)
    {
        CountIfExpected(seqNum);
        bool answered = _state == State.LogoutSent;
        _log.Event(answered ? "Logout answered by the peer" : "Logout received");
        if (!answered) SendLogout(default);
        if (Settings.ResetOnLogout)
        {
            _store.Reset();
            _log.Event("sequence numbers reset to 1 (ResetOnLogout)");
        }
        Disconnect(answered ? "Logout answered" : "Logout from the peer");
    }

    // SequenceReset-Reset: moves the expected number whatever this message's own number (0 included); never
    // backwards, and never counted itself.
    private void OnSequenceReset(in FixMessage message, int seqNum)
    {
        var problem = Validate(message);
        if (!problem.IsValid)
        {
            SendReject(message, problem.Reason, problem.RefTagId, seqNum);
            return;
        }
        message.TryGetInt(FixTag.NewSeqNo, out int newSeqNo);
        int expected = NextTargetMsgSeqNum;
        if (newSeqNo < expected)
        {
            // As the session-level test cases (11c) fix it: 45, 372 and 373=5, no RefTagID.
            _log.Event($"SequenceReset-Reset to {newSeqNo} refused: lower than the expected MsgSeqNum {expected}");
            SendReject(message, SessionRejectReason.ValueIsIncorrect, NoRefTagId, seqNum);
            return;
        }
        if (newSeqNo == expected)
        {
            _log.Event($"SequenceReset-Reset to {newSeqNo}, the MsgSeqNum already expected: nothing to change");
            return;
        }
        _log.Event($"SequenceReset-Reset received: next expected MsgSeqNum {expected} -> {newSeqNo}");
        SetNextTarget(newSeqNo);
    }

    // SequenceReset-GapFill, in sequence: the numbers up to NewSeqNo were admin messages we need not see.
    private void OnGapFill(in FixMessage message, int seqNum)
    {
        message.TryGetInt(FixTag.NewSeqNo, out int newSeqNo);
        if (newSeqNo <= seqNum)
        {
            SendReject(message, SessionRejectReason.ValueIsIncorrect, FixTag.NewSeqNo, seqNum);
            IncrementTarget();
            return;
        }
        SetNextTarget(newSeqNo);
    }

    // A message ahead of the expected number: kept until the gap fills, and one ResendRequest per gap.
    private void QueueAhead(ReadOnlySpan<byte> bytes, int seqNum, bool handled)
    {
        _queue.TryAdd(seqNum, bytes, handled);
        if (_gapEnd != 0) return;
        _gapEnd = seqNum - 1;
        _log.Event($"MsgSeqNum {seqNum} received, {NextTargetMsgSeqNum} expected: ResendRequest sent for {NextTargetMsgSeqNum}..0");
        SendResendRequest(NextTargetMsgSeqNum);
    }

    // PossDupFlag=Y needs OrigSendingTime (122) no later than SendingTime (52); SequenceReset is exempt, as
    // gap fills are generated afresh. False when the message was rejected.
    private bool CheckPossDup(in FixMessage message, int seqNum)
    {
        if (message.MsgType.SequenceEqual("4"u8)) return true;
        if (!message.TryGetUtcTimestamp(FixTag.OrigSendingTime, out long origSendingTime))
        {
            var reason = message.Contains(FixTag.OrigSendingTime) ? SessionRejectReason.IncorrectDataFormat : SessionRejectReason.RequiredTagMissing;
            SendReject(message, reason, FixTag.OrigSendingTime, seqNum);
            CountIfExpected(seqNum);
            return false;
        }
        if (message.TryGetUtcTimestamp(FixTag.SendingTime, out long sendingTime) && origSendingTime > sendingTime)
        {
            SendReject(message, SessionRejectReason.SendingTimeAccuracyProblem, NoRefTagId, seqNum);
            CountIfExpected(seqNum);
            BeginLogout(default);
            return false;
        }
        return true;
    }

    private bool CompIdsMatch(in FixMessage message)
    {
        // A missing or empty CompID is the validator's to reject (a missing required tag, a tag without a value):
        // the session goes on, where a CompID problem would log it out.
        if (!message.TryGetValue(FixTag.SenderCompID, out var sender) || !message.TryGetValue(FixTag.TargetCompID, out var target)
            || sender.IsEmpty || target.IsEmpty) return true;
        return sender.SequenceEqual(_targetCompId) && target.SequenceEqual(_senderCompId);
    }

    private bool SendingTimeIsAccurate(in FixMessage message, long now, bool required)
    {
        if (!Settings.CheckLatency) return true;
        // An unreadable SendingTime is the validator's to reject as a bad format.
        if (!message.TryGetUtcTimestamp(FixTag.SendingTime, out long sendingTime)) return !required;
        return Math.Abs(now - sendingTime) <= _maxLatencyNanos;
    }

    private bool IsApplicationMessageType(ReadOnlySpan<byte> msgType)
    {
        foreach (var type in _applicationMessageTypes)
            if (msgType.SequenceEqual(type)) return true;
        return false;
    }

    // The dictionary check; with ValidateUserDefinedFields=N a copy without the user-defined fields is checked.
    private FixValidationResult Validate(in FixMessage message)
    {
        if (Settings.ValidateUserDefinedFields) return FixValidator.Validate(message);
        var fields = message.Fields;
        bool any = false;
        foreach (var field in fields) any |= Fix44.IsUserDefinedTag(field.Tag);
        if (!any) return FixValidator.Validate(message);

        var bytes = message.Bytes;
        int length = 0;
        for (int i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            int end = field.ValueOffset + field.ValueLength + 1;
            int start = i == 0 ? 0 : fields[i - 1].ValueOffset + fields[i - 1].ValueLength + 1;
            if (Fix44.IsUserDefinedTag(field.Tag)) continue;
            bytes[start..end].CopyTo(_validationBytes.AsSpan(length));
            length += end - start;
        }
        return FixMessage.TryParse(_validationBytes.AsSpan(0, length), _validationFields, out var stripped, out _)
            ? FixValidator.Validate(stripped)
            : FixValidator.Validate(message);
    }

    private void CountIfExpected(int seqNum)
    {
        if (seqNum == NextTargetMsgSeqNum) IncrementTarget();
    }

    private void IncrementTarget() => SetNextTarget(NextTargetMsgSeqNum + 1);

    private void SetNextTarget(int next)
    {
        _store.SetNextTargetMsgSeqNum(next);
        if (_gapEnd != 0 && next > _gapEnd) _gapEnd = 0;
    }
}
