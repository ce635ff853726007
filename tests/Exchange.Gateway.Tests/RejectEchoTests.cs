// What the gateway refuses it answers with the broker's own fields, exactly as sent: a broker matches a reject to its
// order by them, so a reject never carries a value the gateway parsed, defaulted or substituted, and omits a field the
// broker did not send.
namespace Exchange.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class RejectEchoTests(GatewayFixture gateway)
{
    private static readonly int[] EchoedTags = [11, 1, 55, 54, 38, 40, 44, 59];

    private FixTestClient LoggedOn(string broker) => FixTestClient.LoggedOn(gateway.Port, broker);

    private static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private static Dictionary<int, string> Fields(string body) => body.Split('|', StringSplitOptions.RemoveEmptyEntries)
        .Select(f => f.Split('=', 2)).ToDictionary(f => int.Parse(f[0]), f => f[1]);

    private static void AssertEchoed(string sentBody, FixMessageView reply)
    {
        var sent = Fields(sentBody);
        foreach (int tag in EchoedTags)
            Assert.True(sent.GetValueOrDefault(tag) == reply.Get(tag), $"tag {tag}: sent {sent.GetValueOrDefault(tag) ?? "nothing"}, echoed {reply.Get(tag) ?? "nothing"}: {reply}");
    }

    [Theory]
    [InlineData("55=DOGE-USD|54=1|38=0.50|40=2|44=0.1250|59=1|")]
    [InlineData("55=BTC-USD|54=2|38=1.500|40=3|44=50200.00|59=1|")]
    [InlineData("1=2002|55=ETH-USD|54=2|38=2|40=2|44=3000|59=0|")]
    [InlineData("55=BTC-USD|54=1|38=0.123456789|40=2|44=50200|59=1|")]
    [InlineData("55=BTC-USD|54=1|38=0.01|40=2|44=50200|59=6|")]
    public void A_refused_order_echoes_its_symbol_side_type_quantity_price_and_account_as_sent(string fields)
    {
        using var broker = LoggedOn("BROKER1");
        string clOrdId = Id("E");
        string body = $"11={clOrdId}|{fields}60={FixTestClient.Timestamp()}|";
        broker.Send("D", body);
        var reject = broker.WaitFor("8", m => m[11] == clOrdId);
        Assert.Equal(("8", "8"), (reject[150], reject[39]));
        AssertEchoed(body, reject);
    }

    [Fact]
    public void A_refused_order_omits_the_fields_the_broker_did_not_send()
    {
        using var broker = LoggedOn("BROKER1");
        string clOrdId = Id("O");
        broker.Send("D", $"11={clOrdId}|55=DOGE-USD|54=1|60={FixTestClient.Timestamp()}|40=1|");
        var reject = broker.WaitFor("8", m => m[11] == clOrdId);
        Assert.Equal("8", reject[150]);
        Assert.All(new[] { 1, 38, 44, 59 }, tag => Assert.True(reject.Get(tag) == null, $"tag {tag} was not sent but came back: {reject}"));
    }

    [Fact]
    public void An_order_refused_for_a_duplicate_clordid_echoes_the_second_request_not_the_first_order()
    {
        using var broker = LoggedOn("BROKER1");
        string clOrdId = Id("U");
        broker.Send("D", $"11={clOrdId}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=50210|59=1|");
        broker.WaitFor("8", m => m[11] == clOrdId && m[150] == "0");
        string second = $"11={clOrdId}|55=ETH-USD|54=2|60={FixTestClient.Timestamp()}|38=1.0|40=2|44=3100|59=0|";
        broker.Send("D", second);
        var reject = broker.WaitFor("8", m => m[11] == clOrdId && m[150] == "8");
        AssertEchoed(second, reject);
        broker.Send("F", $"11={Id("C")}|41={clOrdId}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|");
    }

    [Theory]
    [InlineData("1=2001|")]
    [InlineData("")]
    public void A_cancel_reject_echoes_the_requests_clordids_and_account_as_sent(string account)
    {
        using var broker = LoggedOn("BROKER1");
        string clOrdId = Id("C");
        broker.Send("F", $"11={clOrdId}|41=NEVER-SENT-1|{account}55=DOGE-USD|54=2|60={FixTestClient.Timestamp()}|");
        var reject = broker.WaitFor("9", m => m[11] == clOrdId);
        Assert.Equal("NEVER-SENT-1", reject[41]);
        Assert.Equal(account.Length == 0 ? null : "2001", reject.Get(1));
    }

    [Fact]
    public void A_status_request_for_an_unknown_order_echoes_its_symbol_and_side()
    {
        using var broker = LoggedOn("BROKER1");
        string clOrdId = Id("H");
        broker.Send("H", $"11={clOrdId}|55=DOGE-USD|54=2|");
        var status = broker.WaitFor("8", m => m[11] == clOrdId);
        Assert.Equal(("I", "8", "DOGE-USD", "2"), (status[150], status[39], status[55], status[54]));
    }
}
