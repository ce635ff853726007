// JWT bearer tokens: HS256 and RS256 tokens whose subject is a web account are accepted, everything else is refused
// with a reason; public channels need none, private ones and order entry do; REST's private endpoints take the
// Authorization header.
namespace Exchange.Web.Tests;

public sealed class AuthTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private WebProcesses P => fixture.Processes;

    [Theory]
    [InlineData("hs256")]
    [InlineData("rs256")]
    public async Task A_valid_token_authenticates_its_subjects_account_and_opens_the_private_channels(string algorithm)
    {
        string token = algorithm == "hs256" ? Tokens.Hs256("alice") : Tokens.Rs256("alice");
        await using var ws = await WsClient.Connect(P.WebSocketUri);
        var answer = await ws.Request("a", $$"""{"type":"auth","requestId":"a","token":"{{token}}"}""");
        Assert.Equal("authenticated", WsClient.Type(answer));
        Assert.Equal("alice", answer.GetProperty("subject").GetString());
        Assert.Equal(3001, answer.GetProperty("account").GetInt64());
        foreach (string channel in new[] { "orders", "fills", "balances" })
            Assert.Equal("subscribed", WsClient.Type(await ws.Request(channel, $$"""{"type":"subscribe","requestId":"{{channel}}","channel":"{{channel}}"}""")));
    }

    public static TheoryData<string, string> RefusedTokens => new()
    {
        { Tokens.Hs256("alice", secret: "another-secret-of-more-than-thirty-two-bytes"), "signature" },
        { Tokens.Hs256("alice", lifetime: TimeSpan.FromMinutes(-10)), "expired" },
        { Tokens.Hs256("mallory"), "subject" },
        { Tokens.Unsigned("alice"), "" },
        { "not.a.token", "" },
        { "garbage", "" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_bad_token_is_refused_with_a_reason_and_private_channels_stay_closed(string token, string reasonMentions)
    {
        await using var ws = await WsClient.Connect(P.WebSocketUri);
        var answer = await ws.Request("a", $$"""{"type":"auth","requestId":"a","token":"{{token}}"}""");
        Assert.Equal("error", WsClient.Type(answer));
        Assert.Equal("auth_failed", answer.GetProperty("code").GetString());
        Assert.Contains(reasonMentions, answer.GetProperty("reason").GetString());
        Assert.DoesNotContain(token, answer.GetRawText());
        var refused = await ws.Request("o", """{"type":"subscribe","requestId":"o","channel":"orders"}""");
        Assert.Equal("not_authenticated", refused.GetProperty("code").GetString());
        Assert.Equal("subscribed", WsClient.Type(await ws.Request("p", """{"type":"subscribe","requestId":"p","channel":"ticker","symbol":"BTC-USD"}""")));
    }

    [Fact]
    public async Task Failing_to_authenticate_again_and_again_closes_the_connection()
    {
        await using var ws = await WsClient.Connect(P.WebSocketUri);
        for (int i = 0; i < 5; i++) await ws.Send($$"""{"type":"auth","requestId":"a{{i}}","token":"{{Tokens.Hs256("mallory")}}"}""");
        await ws.WaitClosed();
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, ws.CloseStatus);
        Assert.Equal(5, ws.OfType("error").Count());
    }

    [Fact]
    public async Task REST_private_endpoints_need_a_bearer_token_for_a_web_account()
    {
        foreach (string path in new[] { "/api/v1/orders", "/api/v1/balances", "/api/v1/fills" })
        {
            Assert.Equal(401, (await Rest.Get(P.Port, path)).Status);
            Assert.Equal(401, (await Rest.Get(P.Port, path, Tokens.Hs256("alice", lifetime: TimeSpan.FromMinutes(-10)))).Status);
            Assert.Equal(403, (await Rest.Get(P.Port, path, Tokens.Hs256("mallory"))).Status);
            var ok = await Rest.Get(P.Port, path, Tokens.Rs256("bob"));
            Assert.Equal(200, ok.Status);
            Assert.StartsWith("{\"type\":\"", ok.Body);
        }
    }

    [Fact]
    public async Task An_upgrade_carrying_a_bearer_header_is_authenticated_by_it_or_refused()
    {
        await Assert.ThrowsAnyAsync<System.Net.WebSockets.WebSocketException>(() => WsClient.Connect(P.WebSocketUri, bearer: Tokens.Hs256("mallory")));
        await using var ws = await WsClient.Connect(P.WebSocketUri, bearer: Tokens.Hs256("bob"));
        Assert.Equal("subscribed", WsClient.Type(await ws.Request("o", """{"type":"subscribe","requestId":"o","channel":"orders"}""")));
    }

    [Fact]
    public async Task Dev_tokens_are_off_unless_asked_for()
    {
        var off = await Rest.Post(P.Port, "/api/v1/dev/token", """{"subject":"alice"}""");
        Assert.True(off.Status is 404 or 405, $"dev token endpoint answered {off.Status}");

        using var demo = new WebProcesses(devTokens: true, withKeys: false);
        var issued = await Rest.Post(demo.Port, "/api/v1/dev/token", """{"subject":"alice"}""");
        Assert.Equal(200, issued.Status);
        string token = System.Text.Json.JsonDocument.Parse(issued.Body).RootElement.GetProperty("token").GetString()!;
        Assert.Equal(404, (await Rest.Post(demo.Port, "/api/v1/dev/token", """{"subject":"mallory"}""")).Status);
        await using var ws = await WsClient.Connect(demo.WebSocketUri);
        Assert.Equal("authenticated", WsClient.Type(await ws.Request("a", $$"""{"type":"auth","requestId":"a","token":"{{token}}"}""")));
        Assert.DoesNotContain(token, demo.Web.Stderr + demo.Web.Stdout);
    }
}
