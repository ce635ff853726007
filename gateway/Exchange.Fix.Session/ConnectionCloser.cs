// Closes connections a session has let go of: what is still buffered is flushed, then FIN, then the socket is
// closed once the peer closes too or the linger time is up. The session is free for a new Logon at once.
namespace Exchange.Fix.Session;

internal sealed class ConnectionCloser(long lingerNanos)
{
    private readonly List<FixConnection> _closing = new(16);

    public int Count => _closing.Count;

    /// <summary>Closes after flushing what is buffered.</summary>
    public void Close(FixConnection connection, long now)
    {
        connection.CloseDeadline = now + lingerNanos;
        _closing.Add(connection);
        DoWork(connection, now);
    }

    /// <summary>Closes at once: nothing of ours is to reach the peer.</summary>
    public static void Abort(FixConnection connection) => connection.Dispose();

    public int DoWork(long now)
    {
        int work = 0;
        for (int i = _closing.Count - 1; i >= 0; i--)
        {
            if (!DoWork(_closing[i], now)) continue;
            _closing.RemoveAt(i);
            work++;
        }
        return work;
    }

    public void Dispose()
    {
        foreach (var connection in _closing) connection.Dispose();
        _closing.Clear();
    }

    // True once the connection is closed.
    private static bool DoWork(FixConnection connection, long now)
    {
        connection.Flush(now);
        if (!connection.HasPendingSend) connection.ShutdownSend();
        connection.Discard();
        bool done = connection.Failed || (connection.PeerClosed && !connection.HasPendingSend);
        if (!done && now < connection.CloseDeadline) return false;
        connection.Dispose();
        return true;
    }
}
