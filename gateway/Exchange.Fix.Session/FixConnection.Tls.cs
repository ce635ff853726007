// A connection over TLS: an SslStream on the socket, driven from the acceptor's one thread without ever blocking it.
// The handshake, one read and one write are in flight at a time as async operations (the TLS library's work runs on
// their completions); each duty cycle looks whether they finished (and, where a wake-up continuation was registered,
// that it ran) and moves bytes between them and the connection's buffers. A read completes into a buffer of one TLS
// record; a write takes a copy of up to one record's worth. Any failure of an operation is this connection's failure
// (Failed), never the acceptor's: whatever the peer sends, the exception ends here.
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.Fix.Session;

internal sealed partial class FixConnection
{
    // The largest TLS record's plaintext.
    private const int TlsRecordLength = 16 * 1024;

    private SslStream? _tls;
    private Task? _handshake;
    private byte[] _tlsRead = [];
    private int _tlsReadStart;
    private int _tlsReadEnd;
    private ValueTask<int> _tlsReading;
    private bool _tlsReadInFlight;
    private byte[] _tlsWrite = [];
    private ValueTask _tlsWriting;
    private bool _tlsWriteInFlightFlag;
    private readonly CompletionWake _tlsReadWake = new(), _tlsWriteWake = new();

    /// <summary>Set by the handshake's certificate check when it refuses the connection: why (for the log).</summary>
    public volatile string? TlsRefusal;

    /// <summary>The client certificate the handshake received (mutual TLS), and whether it chains to the client CA.</summary>
    public X509Certificate2? ClientCertificate { get; set; }
    public bool ClientCertificateChainsToAuthority { get; set; }

    public bool IsTls => _tls != null;

    /// <summary>Starts the server side of the TLS handshake; <see cref="HandshakeDone"/> tells when it is over.</summary>
    public void StartTls(SslServerAuthenticationOptions options)
    {
        // NetworkStream wants a blocking socket; only async operations are ever issued on it, so nothing blocks.
        _socket.Blocking = true;
        _tls = new SslStream(new NetworkStream(_socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            _handshake = _tls.AuthenticateAsServerAsync(options, CancellationToken.None);
            if (Wake is { } wake) _handshake.ContinueWith(static (_, state) => ((Exchange.Runtime.WakeSignal)state!).Set(), wake, TaskScheduler.Default);
        }
        catch (Exception e)
        {
            _handshake = Task.FromException(e);
        }
    }

    /// <summary>False while the handshake runs; then true, with <paramref name="failure"/> saying why it failed (null:
    /// it succeeded).</summary>
    public bool HandshakeDone(out string? failure)
    {
        failure = null;
        if (_handshake == null) return true;
        if (!_handshake.IsCompleted) return false;
        if (!_handshake.IsCompletedSuccessfully) failure = TlsRefusal ?? Describe(_handshake.Exception?.InnerException);
        else
        {
            _tlsRead = new byte[TlsRecordLength];
            _tlsWrite = new byte[TlsRecordLength];
        }
        return true;
    }

    /// <summary>The negotiated protocol, for the log.</summary>
    public string TlsProtocol => _tls is { IsAuthenticated: true } tls ? $"{tls.SslProtocol} {tls.NegotiatedCipherSuite}" : "none";

    // Every message of an exception's chain once: "Authentication failed" alone says little, the TLS library's says why.
    private static string Describe(Exception? e)
    {
        var parts = new List<string>();
        for (; e != null; e = e.InnerException)
            if (!parts.Contains(e.Message)) parts.Add(e.Message);
        return parts.Count == 0 ? "TLS handshake failed" : "TLS handshake failed: " + string.Join(": ", parts);
    }

    private int ReceiveTls(Span<byte> destination)
    {
        int total = 0;
        while (!destination.IsEmpty)
        {
            if (_tlsReadStart < _tlsReadEnd)
            {
                int n = Math.Min(destination.Length, _tlsReadEnd - _tlsReadStart);
                _tlsRead.AsSpan(_tlsReadStart, n).CopyTo(destination);
                destination = destination[n..];
                _tlsReadStart += n;
                total += n;
                continue;
            }
            if (_tlsReadInFlight)
            {
                if (!_tlsReadWake.ResultReady(_tlsReading.IsCompleted)) break;
                _tlsReadInFlight = false;
                int read;
                try { read = _tlsReading.GetAwaiter().GetResult(); }
                catch (Exception)
                {
                    Failed = true;
                    break;
                }
                if (read == 0)
                {
                    PeerClosed = true;
                    break;
                }
                _tlsReadStart = 0;
                _tlsReadEnd = read;
                continue;
            }
            if (PeerClosed || Failed || _tlsRead.Length == 0) break;
            try { _tlsReading = _tls!.ReadAsync(_tlsRead); }
            catch (Exception)
            {
                Failed = true;
                break;
            }
            _tlsReadInFlight = true;
            _tlsReadWake.Watch(_tlsReading.GetAwaiter(), _tlsReading.IsCompleted, Wake);
        }
        return total;
    }

    private bool TlsWriteInFlight => _tls != null && !CompleteTlsWrite();

    // True when no write is in flight any more.
    private bool CompleteTlsWrite()
    {
        if (!_tlsWriteInFlightFlag) return true;
        if (!_tlsWriteWake.ResultReady(_tlsWriting.IsCompleted)) return false;
        _tlsWriteInFlightFlag = false;
        try { _tlsWriting.GetAwaiter().GetResult(); }
        catch (Exception)
        {
            Failed = true;
        }
        return true;
    }

    // How many of bytes the TLS stream took (0 while a write is in flight).
    private int SendTls(ReadOnlySpan<byte> bytes)
    {
        if (!CompleteTlsWrite() || bytes.IsEmpty || Failed || _tlsWrite.Length == 0) return 0;
        int n = Math.Min(bytes.Length, _tlsWrite.Length);
        bytes[..n].CopyTo(_tlsWrite);
        try { _tlsWriting = _tls!.WriteAsync(_tlsWrite.AsMemory(0, n)); }
        catch (Exception)
        {
            Failed = true;
            return n;
        }
        _tlsWriteInFlightFlag = true;
        _tlsWriteWake.Watch(_tlsWriting.GetAwaiter(), _tlsWriting.IsCompleted, Wake);
        CompleteTlsWrite();
        return n;
    }

    /// <summary>Wakes a parked acceptor when an operation still running at its start finishes, and says when its result may
    /// be taken: once that wake-up ran. SslStream's operations complete through pooled sources, and taking the result
    /// returns the source to the pool, where the next operation can take it while the completing thread is still about
    /// to read its continuation; that thread then ran the new operation's continuation with the old one's state and the
    /// gateway died ("An unexpected state object was encountered", on a thread-pool thread). A plain await keeps this
    /// order; an operation finished at once, or without a wake signal, is only polled.</summary>
    private sealed class CompletionWake
    {
        private volatile bool _ran;
        private bool _registered;
        private Action? _onCompleted;

        public void Watch<TAwaiter>(TAwaiter awaiter, bool completed, Exchange.Runtime.WakeSignal? wake)
            where TAwaiter : System.Runtime.CompilerServices.ICriticalNotifyCompletion
        {
            _registered = false;
            if (wake == null || completed) return;
            _ran = false;
            _registered = true;
            awaiter.UnsafeOnCompleted(_onCompleted ??= () => { _ran = true; wake.Set(); });
        }

        public bool ResultReady(bool completed) => completed && (!_registered || _ran);
    }

    // close_notify, then FIN; called once nothing is left to send.
    private void ShutdownTls()
    {
        if (_tls is not { IsAuthenticated: true } tls)
        {
            ShutdownSocket();
            return;
        }
        Task shutdown;
        try { shutdown = tls.ShutdownAsync(); }
        catch (Exception)
        {
            ShutdownSocket();
            return;
        }
        shutdown.ContinueWith(static (_, state) => ((FixConnection)state!).ShutdownSocket(), this, TaskScheduler.Default);
    }

    private void ShutdownSocket()
    {
        try { _socket.Shutdown(SocketShutdown.Send); }
        catch (Exception)
        {
            // Already reset or closed: nothing left to tell the peer.
        }
    }

    private void DisposeTls()
    {
        // Aborts a handshake, read or write in flight; their failures are not waited for.
        _tls?.Dispose();
        ClientCertificate?.Dispose();
    }
}
