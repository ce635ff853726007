// Every bad message gets an error frame naming what is wrong, and the connection goes on: a ping after it is answered.
using System.Net.WebSockets;
using System.Text;

namespace Exchange.Web.Tests;

public sealed class ErrorTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private WebProcesses P => fixture.Processes;

    private static async Task StillAnswers(WsClient ws)
    {
        var pong = await ws.Request("still-there", """{"type":"ping","requestId":"still-there"}""");
        Assert.Equal("pong", WsClient.Type(pong));
    }

    [Theory]
    [InlineData("{not json", "invalid_json")]
    [InlineData("[1,2,3]", "invalid_json")]
    [InlineData("\"just a string\"", "invalid_json")]
    [InlineData("""{"type":"fly","requestId":"r"}""", "unknown_type")]
    [InlineData("""{"requestId":"r"}""", "missing_field")]
    [InlineData("""{"type":42}""", "invalid_field")]
    [InlineData("""{"type":"subscribe","channel":"book"}""", "missing_field")]
    [InlineData("""{"type":"subscribe","channel":"weather","symbol":"BTC-USD"}""", "unknown_channel")]
    [InlineData("""{"type":"subscribe","channel":"book","symbol":"DOGE-USD"}""", "unknown_symbol")]
    [InlineData("""{"type":"subscribe","channel":"book","symbol":"BTC-USD","depth":5000}""", "out_of_range")]
    [InlineData("""{"type":"subscribe","channel":"book","symbol":"BTC-USD","depth":-1}""", "out_of_range")]
    [InlineData("""{"type":"subscribe","channel":"book","symbol":"BTC-USD","depth":7}""", "out_of_range")]
    [InlineData("""{"type":"subscribe","channel":"book","symbol":"BTC-USD","depth":"ten"}""", "invalid_field")]
    [InlineData("""{"type":"subscribe","channel":"book","symbol":"BTC-USD","depth":1.5}""", "invalid_field")]
    [InlineData("""{"type":"subscribe","channel":"candles","symbol":"BTC-USD","interval":"2m"}""", "invalid_field")]
    [InlineData("""{"type":"unsubscribe","channel":"trades","symbol":"BTC-USD"}""", "not_subscribed")]
    [InlineData("""{"type":"subscribe","channel":"orders"}""", "not_authenticated")]
    [InlineData("""{"type":"new","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"60000","quantity":"0.01"}""", "not_authenticated")]
    [InlineData("""{"type":"cancel","clientOrderId":5}""", "not_authenticated")]
    [InlineData("""{"type":"ping","requestId":{"nested":true}}""", "invalid_field")]
    [InlineData("""{"type":"ping","requestId":"an-id-that-is-far-longer-than-sixty-four-characters-which-is-the-limit-for-ids"}""", "invalid_field")]
    [InlineData("""{"type":"auth"}""", "missing_field")]
    public async Task A_bad_message_gets_an_error_with_a_reason_and_the_connection_survives(string message, string code)
    {
        await using var ws = await WsClient.Connect(P.WebSocketUri);
        await ws.Send(message);
        var error = await ws.Next("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("reason").GetString()));
        await StillAnswers(ws);
    }

    [Fact]
    public async Task An_error_echoes_the_request_id_it_answers()
    {
        await using var ws = await WsClient.Connect(P.WebSocketUri);
        var error = await ws.Request("r-17", """{"type":"subscribe","requestId":"r-17","channel":"book","symbol":"NOPE"}""");
        Assert.Equal("error", WsClient.Type(error));
        Assert.Equal("unknown_symbol", error.GetProperty("code").GetString());
        await ws.Send("""{"type":"subscribe","requestId":42,"channel":"book","symbol":"NOPE"}""");
        var numeric = await ws.Next("error");
        Assert.Equal(42, numeric.GetProperty("requestId").GetInt32());
    }

    [Fact]
    public async Task An_oversized_frame_is_refused_and_the_connection_survives()
    {
        await using var ws = await WsClient.Connect(P.WebSocketUri);
        string big = "{\"type\":\"ping\",\"pad\":\"" + new string('x', 40_000) + "\"}";
        await ws.Send(big);
        var error = await ws.Next("error");
        Assert.Equal("frame_too_large", error.GetProperty("code").GetString());
        await StillAnswers(ws);
    }

    [Fact]
    public async Task A_binary_frame_is_refused_and_the_connection_survives()
    {
        await using var ws = await WsClient.Connect(P.WebSocketUri);
        await ws.SendBytes(Encoding.UTF8.GetBytes("""{"type":"ping"}"""), WebSocketMessageType.Binary);
        var error = await ws.Next("error");
        Assert.Equal("binary_not_supported", error.GetProperty("code").GetString());
        await StillAnswers(ws);
    }

    [Theory]
    [InlineData("""{"type":"new","requestId":"v","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"60000.5","quantity":"0.01"}""", "invalid_field")]
    [InlineData("""{"type":"new","requestId":"v","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"-5","quantity":"0.01"}""", "invalid_field")]
    [InlineData("""{"type":"new","requestId":"v","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"60000","quantity":"1e5"}""", "invalid_field")]
    [InlineData("""{"type":"new","requestId":"v","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"99999999999999999999","quantity":"0.01"}""", "out_of_range")]
    [InlineData("""{"type":"new","requestId":"v","symbol":"BTC-USD","side":"up","orderType":"limit","price":"60000","quantity":"0.01"}""", "invalid_field")]
    [InlineData("""{"type":"new","requestId":"v","symbol":"BTC-USD","side":"buy","orderType":"trailingStop","price":"60000","quantity":"0.01"}""", "invalid_field")]
    [InlineData("""{"type":"new","requestId":"v","symbol":"BTC-USD","side":"buy","orderType":"stop","price":"60000","quantity":"0.01"}""", "missing_field")]
    [InlineData("""{"type":"new","requestId":"v","symbol":"BTC-USD","side":"buy","orderType":"limit","quantity":"0.01"}""", "missing_field")]
    [InlineData("""{"type":"new","requestId":"v","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"60000","quantity":"0.01","timeInForce":"gtx"}""", "invalid_field")]
    [InlineData("""{"type":"new","requestId":"v","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"60000","quantity":"0.01","clientOrderId":9007199254740993}""", "out_of_range")]
    [InlineData("""{"type":"new","requestId":"v","symbol":"BTC-USD","side":"buy","orderType":"limit","price":"60000","quantity":"0.01","postOnly":"yes"}""", "invalid_field")]
    [InlineData("""{"type":"new","requestId":"v","symbol":"NOPE","side":"buy","orderType":"limit","price":"60000","quantity":"0.01"}""", "unknown_symbol")]
    [InlineData("""{"type":"cancel","requestId":"v","clientOrderId":123456}""", "unknown_order")]
    [InlineData("""{"type":"cancel","requestId":"v","clientOrderId":0}""", "out_of_range")]
    [InlineData("""{"type":"replace","requestId":"v","origClientOrderId":5,"price":"60000"}""", "missing_field")]
    [InlineData("""{"type":"massCancel","requestId":"v","side":"left"}""", "invalid_field")]
    public async Task Order_entry_is_checked_before_it_reaches_the_engine(string message, string code)
    {
        await using var ws = await WsClient.Connect(P.WebSocketUri);
        await ws.Request("a", $$"""{"type":"auth","requestId":"a","token":"{{Tokens.Hs256("alice")}}"}""");
        var error = await ws.Request("v", message);
        Assert.Equal("error", WsClient.Type(error));
        Assert.Equal(code, error.GetProperty("code").GetString());
        await StillAnswers(ws);
    }
}
