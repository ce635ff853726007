// The WebSocket client kind: one web user's connection to exchange-web, speaking its JSON protocol (gateway/Exchange.Web/
// PROTOCOL.md) as a browser would: an HS256 token for its web account, the "orders" channel, order entry with client
// order ids the tracker chose. A receive task stamps each frame when it arrives and queues it; Poll hands them to the
// tracker on the generator's thread. Sends go through a queue to one send task (a WebSocket takes one send at a time).
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Exchange.Client;
using Exchange.Contract;

namespace Exchange.Perf.E2e;

public sealed class WsLoadClient : ILoadClient
{
    private const int MaxQueuedSends = 1 << 16;
    private readonly ClientWebSocket _socket = new();
    private readonly Dictionary<int, FixSymbol> _symbols;
    private readonly ConcurrentQueue<(byte[] Frame, long Arrived)> _received = new();
    private readonly BlockingCollection<byte[]> _sends = new(MaxQueuedSends);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiver, _sender;
    private volatile bool _disconnected;

    public WsLoadClient(int port, string token, Dictionary<int, FixSymbol> symbols, OrderTracker tracker)
    {
        Tracker = tracker;
        _symbols = symbols;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            _socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), timeout.Token).GetAwaiter().GetResult();
        _receiver = Task.Run(Receive);
        _sender = Task.Run(Send);
        Enqueue($$"""{"type":"auth","requestId":"auth","token":"{{token}}"}""");
        Enqueue("""{"type":"subscribe","requestId":"orders","channel":"orders"}""");
        // The load starts once the orders channel is open: its first frame is the (empty) open orders.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (_received.TryDequeue(out var item))
            {
                string type = TypeOf(item.Frame);
                if (type == "orders") break;
                if (type == "error") throw new IOException($"exchange-web refused the load session: {Encoding.UTF8.GetString(item.Frame)}");
            }
            else if (_disconnected || DateTime.UtcNow > deadline) throw new IOException("exchange-web did not open the load session's orders channel");
            else Thread.Sleep(1);
        }
    }

    public OrderTracker Tracker { get; }
    public bool Disconnected => _disconnected;
    /// <summary>Error frames from exchange-web (a protocol mistake or a limit); any is a failure of the run.</summary>
    public long Errors { get; private set; }

    /// <summary>An HS256 JWT for <paramref name="subject"/>, as an identity provider would issue it.</summary>
    public static string Token(string subject, byte[] secret)
    {
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        long exp = DateTimeOffset.UtcNow.AddHours(12).ToUnixTimeSeconds();
        string signed = $"{B64("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray())}.{B64(Encoding.UTF8.GetBytes($$"""{"sub":"{{subject}}","exp":{{exp}}}"""))}";
        return $"{signed}.{B64(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signed)))}";
    }

    public long NewOrder(in SymbolMarket market, long clientOrderId, Side side, TimeInForce timeInForce, long price, long quantity)
    {
        var s = _symbols[market.Id];
        return Enqueue($$"""{"type":"new","symbol":"{{s.Name}}","side":"{{(side == Side.Buy ? "buy" : "sell")}}","orderType":"limit","timeInForce":"{{(timeInForce == TimeInForce.ImmediateOrCancel ? "ioc" : timeInForce == TimeInForce.FillOrKill ? "fok" : "gtc")}}","price":"{{Decimal(price, s.PriceDecimals)}}","quantity":"{{Decimal(quantity, s.QuantityDecimals)}}","clientOrderId":{{clientOrderId}}}""");
    }

    public long Cancel(in SymbolMarket market, long clientOrderId) =>
        Enqueue($$"""{"type":"cancel","symbol":"{{_symbols[market.Id].Name}}","clientOrderId":{{clientOrderId}}}""");

    public long Replace(in SymbolMarket market, long origClientOrderId, long clientOrderId, long price, long quantity)
    {
        var s = _symbols[market.Id];
        return Enqueue($$"""{"type":"replace","symbol":"{{s.Name}}","origClientOrderId":{{origClientOrderId}},"clientOrderId":{{clientOrderId}},"price":"{{Decimal(price, s.PriceDecimals)}}","quantity":"{{Decimal(quantity, s.QuantityDecimals)}}"}""");
    }

    private static string Decimal(long value, int decimals)
    {
        if (decimals == 0) return value.ToString(CultureInfo.InvariantCulture);
        long scale = (long)Math.Pow(10, decimals);
        return $"{value / scale}.{(value % scale).ToString(CultureInfo.InvariantCulture).PadLeft(decimals, '0')}";
    }

    private long Enqueue(string json)
    {
        if (_disconnected) return SendResult.Closed;
        return _sends.TryAdd(Encoding.UTF8.GetBytes(json)) ? 1 : SendResult.BackPressured;
    }

    private async Task Send()
    {
        try
        {
            foreach (var frame in _sends.GetConsumingEnumerable(_stop.Token))
                await _socket.SendAsync(frame, WebSocketMessageType.Text, true, _stop.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        _disconnected = true;
    }

    private async Task Receive()
    {
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
                _received.Enqueue((buffer.AsSpan(0, length).ToArray(), Stopwatch.GetTimestamp()));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        if (!_stop.IsCancellationRequested) _disconnected = true;
    }

    private static string TypeOf(byte[] frame)
    {
        using var d = JsonDocument.Parse(frame);
        return d.RootElement.GetProperty("type").GetString() ?? "";
    }

    public int Poll()
    {
        int work = 0;
        while (work < 256 && _received.TryDequeue(out var item))
        {
            work++;
            using var d = JsonDocument.Parse(item.Frame);
            var f = d.RootElement;
            long now = item.Arrived;
            switch (f.GetProperty("type").GetString())
            {
                // Acknowledgements answer the load's own commands; order events add what happened later (fills and the
                // end of an IOC remainder), so a cancel or replace is counted once, from its ack.
                case "ack":
                    switch (f.GetProperty("op").GetString())
                    {
                        case "new": Tracker.OnAccepted(f.GetProperty("clientOrderId").GetInt64(), now); break;
                        case "cancel": Tracker.OnCancelled(f.GetProperty("clientOrderId").GetInt64(), CancelReason.ByClient, now); break;
                        case "replace":
                            if (f.TryGetProperty("origClientOrderId", out var orig)) Tracker.OnReplaced(orig.GetInt64(), f.GetProperty("clientOrderId").GetInt64(), now);
                            else Tracker.OnCancelled(f.GetProperty("clientOrderId").GetInt64(), CancelReason.ReplacedBelowFilled, now);
                            break;
                    }
                    break;
                case "reject":
                    if (f.TryGetProperty("clientOrderId", out var rejected)) Tracker.OnRejected(rejected.GetInt64(), now);
                    break;
                case "order":
                {
                    string evt = f.GetProperty("event").GetString()!;
                    var order = f.GetProperty("order");
                    long id = order.GetProperty("clientOrderId").GetInt64();
                    if (evt == "fill")
                    {
                        var s = _symbols.Values.First(x => x.Name == order.GetProperty("symbol").GetString());
                        Tracker.OnFill(id, Units(order.GetProperty("leaves").GetString()!, s.QuantityDecimals));
                    }
                    else if (evt == "cancelled" && f.GetProperty("reason").GetString() is { } reason && reason is not ("ByClient" or "ReplacedBelowFilled"))
                        Tracker.OnCancelled(id, Enum.Parse<CancelReason>(reason), now);
                    break;
                }
                case "error":
                    Errors++;
                    break;
            }
        }
        return work;
    }

    private static long Units(string text, int decimals)
    {
        int dot = text.IndexOf('.');
        string digits = dot < 0 ? text + new string('0', decimals) : text[..dot] + text[(dot + 1)..].PadRight(decimals, '0');
        return long.Parse(digits, CultureInfo.InvariantCulture);
    }

    public void Close()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (_socket.State == WebSocketState.Open)
                _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _sends.CompleteAdding();
        Task.WaitAll([_receiver, _sender], TimeSpan.FromSeconds(2));
        _socket.Dispose();
    }
}
