// The standby's side of replication: it says hello to its primary (its name and the last sequence it holds durably),
// takes the primary's journal records in order (ReplicatedRecord), appends each to its own journal with the same
// sequence and timestamp (so the segments come out byte-identical) and applies it through its own engine, and
// acknowledges what its journal has made durable. It says hello at start, whenever a primary's stream joins (a
// restarted primary sends nothing until it hears one), and after a gap (records lost to a restart of either side), from
// which the primary resends; a record it already holds is skipped. A state check whose hash differs
// from its own state at that sequence stops it: a standby that diverged must not be trusted with a failover.
// Records are taken only from the primary's host. Runs on the engine thread.
using System.Net;
using System.Text;
using Exchange.Contract;
using Exchange.Sbe;
using Exchange.Transport;

namespace Exchange.Engine.Host;

internal sealed class StandbyReplication
{
    private const int HeaderLength = MessageHeaderDecoder.EncodedLength;

    private readonly EngineService _service;
    private readonly ReplicationConfig _config;
    private readonly Transport.Transport _transport;
    private readonly Subscription _records;
    private Publication _toPrimary;
    private IPAddress? _primaryHost;
    private readonly Exchange.Hosting.Log _log;
    private readonly Action<string> _diverged;
    private readonly byte[] _buffer = new byte[256];
    private RecordHandler _handler;
    /// <summary>The stream the records come from (refused once another member leads).</summary>
    private Image? _image;
    private long _ackedDurable = -1, _ackedApplied = -1;
    /// <summary>A hello is owed: at start, when a primary's stream joins, after a gap. Offered until the transport takes it.</summary>
    private bool _helloOwed = true;
    private long _now, _lastHello = long.MinValue / 2;
    /// <summary>Whether anything came from the primary since the last hello: a primary answers each hello (with records,
    /// and a state check when the standby is level), so silence means the hello was lost (e.g. sent into the stream of a
    /// primary that had died) and it is said again.</summary>
    private bool _heardSinceHello;
    private static readonly long HelloRetryNanos = 1000 * NanoClock.Millisecond;
    /// <summary>After a gap, records already in flight from before the primary resends are gaps too: one hello answers them all.</summary>
    private static readonly long GapHelloIntervalNanos = 100 * NanoClock.Millisecond;

    public StandbyReplication(Transport.Transport transport, EngineService service, ReplicationConfig config, string listenChannel,
        Exchange.Hosting.Log log, Action<string> diverged)
    {
        _service = service;
        _config = config;
        _log = log;
        _diverged = diverged;
        _transport = transport;
        _records = transport.AddSubscription(listenChannel, StreamIds.Replication);
        _toPrimary = transport.AddPublication(config.Primary!, StreamIds.ReplicaAcks);
        _primaryHost = HostOf(config.Primary!);
        _handler = new RecordHandler(this);
    }

    private static IPAddress? HostOf(string channel) =>
        ChannelUri.TryParse(channel, out var uri, out _) && IPAddress.TryParse(uri.Endpoint.Host, out var host) ? host : null;

    /// <summary>Whether it has joined its primary's live stream (a state check at its own sequence passed) with no gap
    /// since: it holds everything the primary has acknowledged, and may take over if it is a sync standby.</summary>
    public bool Joined { get; private set; }

    /// <summary>Another member leads now: acknowledgements and hellos go to it, and its records are taken.</summary>
    public void Follow(string primaryChannel)
    {
        _toPrimary.Close();
        _toPrimary = _transport.AddPublication(primaryChannel, StreamIds.ReplicaAcks);
        _primaryHost = HostOf(primaryChannel);
        _ackedDurable = _ackedApplied = -1;
        _helloOwed = true;
        Joined = false;
        // The deposed primary's stream is refused from now on: whatever it still sends (woken from a pause, say) was
        // sequenced under a term that has ended.
        if (_image != null) _image.Tag = -1;
        _image = null;
        _log.Info($"replication: following the primary at {primaryChannel}");
    }

    /// <summary>Records skipped as already held, and state checks passed.</summary>
    public long Duplicates { get; private set; }
    public long ChecksPassed { get; private set; }
    public bool Diverged { get; private set; }

    public int DoWork(long now)
    {
        if (Diverged) return 0;
        _now = now;
        int work = _records.Poll(ref _handler, 256);
        if (!_heardSinceHello && now - _lastHello > HelloRetryNanos) _helloOwed = true;
        if (_helloOwed && SendHello())
        {
            _helloOwed = false;
            _heardSinceHello = false;
            _lastHello = now;
            work++;
        }
        long durable = _service.DurableSequence, applied = _service.LastSequence;
        if (durable != _ackedDurable || applied != _ackedApplied)
        {
            var ack = ReplicaAckEncoder.WrapAndApplyHeader(_buffer, 0);
            ack.DurableSequence = durable;
            ack.AppliedSequence = applied;
            if (_toPrimary.Offer(_buffer.AsSpan(0, HeaderLength + ack.EncodedLength)) > 0)
            {
                _ackedDurable = durable;
                _ackedApplied = applied;
                work++;
            }
        }
        return work;
    }

    private bool SendHello()
    {
        var hello = ReplicaHelloEncoder.WrapAndApplyHeader(_buffer, 0);
        hello.Shard = _service.Config.ShardId;
        hello.DurableSequence = _service.DurableSequence;
        hello.Synchronous = 0;
        var (term, start) = _service.Terms.Latest;
        hello.LastTerm = term;
        hello.LastTermStart = start;
        hello.WriteName(Encoding.ASCII.GetBytes(_config.Name!));
        return _toPrimary.Offer(_buffer.AsSpan(0, HeaderLength + hello.EncodedLength)) > 0;
    }

    private void OnRecord(ReadOnlySpan<byte> message)
    {
        if (ReplicatedRecordDecoder.TryWrapWithHeader(message, 0, out var record) != SbeError.None) return;
        long sequence = record.Sequence;
        long last = _service.LastSequence;
        if (sequence <= last) { Duplicates++; return; }
        if (sequence != last + 1)
        {
            Joined = false;
            if (_now - _lastHello > GapHelloIntervalNanos) _helloOwed = true;
            return;
        }
        ReadOnlySpan<byte> payload;
        try { payload = record.ReadPayload(); }
        catch (SbeException) { return; }
        _service.ApplyReplicated(sequence, record.Timestamp, record.RecordType, record.RecordVersion, payload);
    }

    /// <summary>The leader's history shows this standby's journal holds records past <c>sequence</c> that the cluster
    /// never had: the cut is recorded, to be carried out at the next start, and the standby stops (exit 5) to rejoin.</summary>
    private void OnCut(ReadOnlySpan<byte> message)
    {
        if (ReplicaCutDecoder.TryWrapWithHeader(message, 0, out var cut) != SbeError.None || Diverged) return;
        long sequence = cut.Sequence, last = _service.LastSequence;
        if (sequence < 0 || sequence >= last) return;
        Diverged = true;
        CutRequested = sequence;
        _diverged($"replication: the leader (term {cut.Term}) never had this standby's records after sequence {sequence} " +
            $"(it holds up to {last}, last term {_service.Terms.Latest.Term}): they are cut at the next start; stopping to rejoin");
    }

    /// <summary>The sequence the leader asked this standby's journal to be cut after (-1: none).</summary>
    public long CutRequested { get; private set; } = -1;

    private void OnStateCheck(ReadOnlySpan<byte> message)
    {
        if (StateCheckDecoder.TryWrapWithHeader(message, 0, out var check) != SbeError.None) return;
        if (check.Sequence != _service.LastSequence) return; // not at that sequence: nothing to compare
        long mine = _service.StateHash();
        if (mine == check.StateHash)
        {
            ChecksPassed++;
            Joined = true;
            return;
        }
        Diverged = true;
        _diverged($"DIVERGED at sequence {check.Sequence}: the primary's state hash is {check.StateHash:x16}, this standby's {mine:x16}; " +
            "stopping (compare the two journals with exchange-replay diff)");
    }

    private bool FromPrimary(Image image)
    {
        if (image.IsAdmitted) return true;
        if (_primaryHost != null && !(IPEndPoint.TryParse(image.SourceAddress, out var source) && source.Address.Equals(_primaryHost)))
        {
            _log.Warn($"replication: records from {image.SourceAddress}, not the primary's host: ignored");
            image.Tag = -1;
            return false;
        }
        image.Admit();
        return true;
    }

    private struct RecordHandler(StandbyReplication owner) : ISubscriptionHandler
    {
        public readonly void OnMessage(ReadOnlySpan<byte> message, Image image, long position)
        {
            if (owner.Diverged || message.Length < HeaderLength || image.Tag == -1 || !owner.FromPrimary(image)) return;
            owner._heardSinceHello = true;
            owner._image = image;
            switch (MessageHeaderDecoder.Wrap(message, 0).TemplateId)
            {
                case ReplicatedRecordDecoder.TemplateId: owner.OnRecord(message); return;
                case StateCheckDecoder.TemplateId: owner.OnStateCheck(message); return;
                case ReplicaCutDecoder.TemplateId: owner.OnCut(message); return;
            }
        }

        /// <summary>The primary's stream is admitted as soon as it joins: a restarted primary sends nothing until this
        /// standby's hello, and an image left unadmitted that long would be evicted as a stranger's.</summary>
        public readonly void OnImageAvailable(Image image)
        {
            if (owner.FromPrimary(image)) owner._helloOwed = true;
        }
        public readonly void OnImageUnavailable(Image image) { }
    }
}
