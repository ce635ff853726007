// Strangers holding connections to the gateway, as a hostile script would: each connection comes from an address of
// 127/8 (Linux routes all of it to lo, so binding 127.0.0.2 first makes a distinct source address), sends a few bytes
// of a message it never finishes, and holds on; with reopen, a connection the gateway closes is opened again at once.
// Every connection runs on its own, so a thousand of them arrive at once.
using System.Net;
using System.Net.Sockets;

namespace Exchange.Testing;

public sealed class FixStrangers : IDisposable
{
    private readonly int _port;
    private readonly byte[] _greeting;
    private readonly bool _reopen;
    private readonly TimeSpan? _trickle;
    private readonly TimeSpan _reopenAfter;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _connections;
    private long _opened, _closedByGateway, _open;

    /// <summary><paramref name="count"/> connections, the i-th from <paramref name="addressOf"/>(i), each sending
    /// <paramref name="greeting"/> once connected, then, with <paramref name="trickle"/>, one more byte every so often
    /// (a slow sender that never finishes).</summary>
    public FixStrangers(int port, int count, Func<int, string> addressOf, string greeting = "8=FIX.4.4\u00019=7", bool reopen = true, TimeSpan? trickle = null,
        TimeSpan reopenAfter = default)
    {
        _reopenAfter = reopenAfter;
        _port = port;
        _greeting = System.Text.Encoding.ASCII.GetBytes(greeting);
        _reopen = reopen;
        _trickle = trickle;
        _connections = [.. Enumerable.Range(0, count).Select(i => Task.Run(() => Hold(IPAddress.Parse(addressOf(i)))))];
    }

    public long Opened => Interlocked.Read(ref _opened);
    public long ClosedByGateway => Interlocked.Read(ref _closedByGateway);
    /// <summary>How many are open right now, as far as this side knows.</summary>
    public long OpenNow => Interlocked.Read(ref _open);

    /// <summary>The i-th address from 127.0.0.2 on: 127.0.0.2 … 127.0.0.254, 127.0.1.2 …</summary>
    public static string Address(int i) => $"127.0.{i / 253}.{2 + i % 253}";

    private async Task Hold(IPAddress address)
    {
        var buffer = new byte[256];
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(address, 0));
                using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stop))
                {
                    connectTimeout.CancelAfter(TimeSpan.FromSeconds(2));
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _port), connectTimeout.Token);
                }
                await socket.SendAsync(_greeting, stop);
                Interlocked.Increment(ref _opened);
                Interlocked.Increment(ref _open);
                try
                {
                    // Held until the gateway closes it (or sends something, which it never should).
                    var closed = ReceiveUntilClosed(socket, buffer, stop);
                    while (_trickle is { } every && !closed.IsCompleted)
                    {
                        await Task.WhenAny(closed, Task.Delay(every, stop));
                        if (!closed.IsCompleted) await socket.SendAsync("1"u8.ToArray(), stop);
                    }
                    await closed;
                }
                catch (SocketException)
                {
                }
                Interlocked.Decrement(ref _open);
                if (!stop.IsCancellationRequested) Interlocked.Increment(ref _closedByGateway);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                // The connect timed out (the listen queue was full): try again.
                continue;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
            }
            if (!_reopen) return;
            if (_reopenAfter > TimeSpan.Zero)
            {
                try { await Task.Delay(_reopenAfter, stop); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private static async Task ReceiveUntilClosed(Socket socket, byte[] buffer, CancellationToken stop)
    {
        while (await socket.ReceiveAsync(buffer, stop) > 0) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            Task.WaitAll(_connections, TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
    }
}
