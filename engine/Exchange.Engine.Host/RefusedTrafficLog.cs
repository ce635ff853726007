// Once a second at most, one line for operators on what the transport and the links refused since the last line:
// frames dropped for reasons only a stranger or an attack produces, connections evicted before logging on, logon
// answers withheld. Silence while nothing is refused; a closing line when it stops. Off the order path: it reads
// counters the agent thread keeps, from the same thread.
using System.Text;
using Exchange.Transport;

namespace Exchange.Engine.Host;

internal sealed class RefusedTrafficLog(TransportCounters counters, TransportLinks links, Exchange.Hosting.Log log)
{
    private static readonly DropReason[] Reasons =
    [
        DropReason.TermLengthTooLarge, DropReason.WrongSource, DropReason.ImageLimit, DropReason.ImageRateLimited,
        DropReason.SendSetupRateLimited, DropReason.NoSubscription, DropReason.UnknownSession, DropReason.MalformedDatagram,
        DropReason.TooShort, DropReason.UnsupportedVersion, DropReason.UnknownType, DropReason.UnexpectedType, DropReason.BadLength,
        DropReason.Misaligned, DropReason.CrossesTerm, DropReason.InvalidTermLength, DropReason.InvalidMtu,
    ];

    private readonly long[] _last = new long[Reasons.Length + 4];
    private long _lastReportNanos;
    private bool _refusing;

    /// <summary>Called from the loop with its clock; returns 1 if it logged.</summary>
    public int Poll(long now)
    {
        if (now - _lastReportNanos < NanoClock.Second) return 0;
        _lastReportNanos = now;
        var line = new StringBuilder();
        for (int i = 0; i < Reasons.Length; i++) Append(line, i, Snake(Reasons[i]), counters.Dropped(Reasons[i]));
        Append(line, Reasons.Length, "connections_evicted_before_logon", counters.ImagesEvicted);
        Append(line, Reasons.Length + 1, "response_channels_refused", links.ResponseChannelsRefused);
        Append(line, Reasons.Length + 2, "logon_rejects_withheld", links.RejectsNotSent);
        Append(line, Reasons.Length + 3, "lane_messages_refused", links.LaneMessagesRefused);
        if (line.Length > 0)
        {
            log.Warn($"refused in the last second: {line}");
            _refusing = true;
            return 1;
        }
        if (!_refusing) return 0;
        _refusing = false;
        log.Info("refused traffic stopped");
        return 1;
    }

    private void Append(StringBuilder line, int slot, string name, long value)
    {
        long delta = value - _last[slot];
        _last[slot] = value;
        if (delta != 0) line.Append(line.Length == 0 ? "" : " ").Append(name).Append('=').Append(delta);
    }

    private static string Snake(DropReason reason)
    {
        var text = new StringBuilder("dropped");
        foreach (char c in reason.ToString())
        {
            if (char.IsUpper(c)) text.Append('_');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}
