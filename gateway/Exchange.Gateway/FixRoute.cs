// Third-party routing of the gateway's answers. A request that came through a hub names the firm it speaks for in
// its header (OnBehalfOfCompID 115, SubID 116, LocationID 144) and may name where it goes (DeliverTo 128, 129, 145);
// everything that answers it, now or later (execution reports, cancel rejects, mass cancel reports, business
// rejects), goes back through the hub with the two swapped (FixTag.ReplyRoute), as the session layer does for its own
// replies.
using Exchange.Fix;

namespace Exchange.Gateway;

internal sealed class FixRoute
{
    private readonly (int Tag, byte[] Value)[] _fields;

    private FixRoute((int, byte[])[] fields) => _fields = fields;

    /// <summary>The route back to whoever sent <paramref name="m"/>; null when it names no third party (the usual case,
    /// which allocates nothing).</summary>
    public static FixRoute? ReplyTo(in FixMessage m)
    {
        List<(int, byte[])>? fields = null;
        foreach (var (received, reply) in FixTag.ReplyRoute)
            if (m.TryGetValue(received, out var value) && !value.IsEmpty) (fields ??= []).Add((reply, value.ToArray()));
        return fields == null ? null : new FixRoute([.. fields]);
    }

    /// <summary>Writes the route first in a body, so it follows the header fields the session writes.</summary>
    public void Write(ref FixBodyWriter w)
    {
        foreach (var (tag, value) in _fields) w.Append(tag, value);
    }
}
