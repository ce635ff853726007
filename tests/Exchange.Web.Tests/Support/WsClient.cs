// A browser's side of the protocol in a test: a real System.Net.WebSockets.ClientWebSocket whose frames are read on a
// background task and kept in order, so a test waits for the frame it expects (never sleeps). A slow client starts
// not reading, on a socket with a small receive buffer, so the server's queue for it fills.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Exchange.Testing;

namespace Exchange.Web.Tests;

public sealed class WsClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<JsonElement> _frames = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _receiver;
    private int _cursor;

    private WsClient() { }

    /// <summary>Connects; <paramref name="slow"/>: a 4 KiB socket receive buffer and nothing read until <see cref="StartReading"/>.</summary>
    public static async Task<WsClient> Connect(Uri uri, bool slow = false, string? bearer = null)
    {
        var client = new WsClient();
        if (bearer != null) client._socket.Options.SetRequestHeader("Authorization", $"Bearer {bearer}");
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancel) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                if (slow) socket.ReceiveBufferSize = 4096;
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancel);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var timeout = new CancellationTokenSource(Timeouts.Prompt);
        await client._socket.ConnectAsync(uri, new HttpMessageInvoker(handler), timeout.Token);
        client._receiver = Task.Run(client.Receive);
        if (!slow) client.StartReading();
        return client;
    }

    public WebSocketState State => _socket.State;
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public string? CloseDescription => _socket.CloseStatusDescription;

    public void StartReading() => _reading.TrySetResult();

    public int Count { get { lock (_frames) return _frames.Count; } }
    public List<JsonElement> Frames { get { lock (_frames) return [.. _frames]; } }
    public IEnumerable<JsonElement> OfType(string type) => Frames.Where(f => f.GetProperty("type").GetString() == type);

    private async Task Receive()
    {
        await _reading.Task;
        var buffer = new byte[1 << 20];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                int length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                    length += result.Count;
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) break;
                using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
                lock (_frames) _frames.Add(document.RootElement.Clone());
                _arrived.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        _arrived.Release();
    }

    public Task Send(string json) => SendBytes(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text);

    public async Task SendBytes(byte[] bytes, WebSocketMessageType type)
    {
        using var timeout = new CancellationTokenSource(Timeouts.Prompt);
        await _socket.SendAsync(bytes, type, true, timeout.Token);
    }

    /// <summary>The next frame (after those already taken) that matches; frames passed over are skipped for good.</summary>
    public async Task<JsonElement> Next(Func<JsonElement, bool> match, string what, TimeSpan? timeout = null)
    {
        var limit = DateTime.UtcNow + (timeout ?? Timeouts.Prompt);
        while (true)
        {
            lock (_frames)
            {
                while (_cursor < _frames.Count)
                {
                    var frame = _frames[_cursor++];
                    if (match(frame)) return frame;
                }
            }
            var left = limit - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"no frame {what} within {(timeout ?? Timeouts.Prompt).TotalSeconds:0} s; last frames: {Tail()}");
            if (_socket.State is not WebSocketState.Open && _receiver!.IsCompleted && _cursor >= Count)
                throw new InvalidOperationException($"connection ended ({_socket.CloseStatus} {_socket.CloseStatusDescription}) before a frame {what}; last frames: {Tail()}");
            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>A frame that matches among all received so far or still to come, whatever was taken before.</summary>
    public async Task<JsonElement> Seen(Func<JsonElement, bool> match, string what, TimeSpan? timeout = null)
    {
        var limit = DateTime.UtcNow + (timeout ?? Timeouts.Prompt);
        while (true)
        {
            foreach (var frame in Frames) if (match(frame)) return frame;
            if (DateTime.UtcNow > limit) throw new TimeoutException($"no frame {what} within {(timeout ?? Timeouts.Prompt).TotalSeconds:0} s; last frames: {Tail()}");
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(100));
        }
    }

    public Task<JsonElement> Next(string type, TimeSpan? timeout = null) => Next(f => Type(f) == type, $"of type '{type}'", timeout);

    /// <summary>The answer to the request with <paramref name="requestId"/> (any frame echoing it).</summary>
    public Task<JsonElement> Answer(string requestId, TimeSpan? timeout = null) =>
        Next(f => f.TryGetProperty("requestId", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == requestId, $"answering '{requestId}'", timeout);

    /// <summary>Sends a request and returns its answer.</summary>
    public async Task<JsonElement> Request(string requestId, string json)
    {
        await Send(json);
        return await Answer(requestId);
    }

    public static string Type(JsonElement f) => f.GetProperty("type").GetString()!;

    private string Tail()
    {
        lock (_frames) return string.Join(" | ", _frames.Skip(Math.Max(0, _frames.Count - 5)).Select(f => f.GetRawText().Length > 300 ? f.GetRawText()[..300] : f.GetRawText()));
    }

    public async Task WaitClosed(TimeSpan? timeout = null)
    {
        StartReading();
        var done = await Task.WhenAny(_receiver!, Task.Delay(timeout ?? Timeouts.Prompt));
        if (done != _receiver) throw new TimeoutException("the server did not close the connection");
    }

    public async ValueTask DisposeAsync()
    {
        StartReading();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        await _stop.CancelAsync();
        _socket.Dispose();
        if (_receiver != null) await Task.WhenAny(_receiver, Task.Delay(2000));
    }
}
