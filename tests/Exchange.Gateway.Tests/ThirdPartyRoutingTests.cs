// A broker behind a hub: what a request names as on behalf of (115, 116, 144) every answer to it names as delivered
// to (128, 129, 145), and the reverse, whether the answer comes at once (a refusal, a cancel reject, a business
// reject, a mass cancel report) or later from the engine (the order's acknowledgement and fills). Drop copies go to the
// firm itself and carry no route; a request that names no third party gets answers that name none.
namespace Exchange.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class ThirdPartyRoutingTests(GatewayFixture gateway)
{
    private const string Route = "115=HUBCLIENT|116=DESK7|144=LDN|";

    private FixTestClient LoggedOn(string broker) => FixTestClient.LoggedOn(gateway.Port, broker);

    private static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private static void AssertRoutedBack(FixMessageView reply)
    {
        Assert.True(reply.Get(128) == "HUBCLIENT" && reply.Get(129) == "DESK7" && reply.Get(145) == "LDN", $"not routed back: {reply}");
        Assert.True(reply.Get(115) == null && reply.Get(116) == null && reply.Get(144) == null, $"routed the wrong way: {reply}");
    }

    [Fact]
    public void An_order_on_behalf_of_a_client_has_every_report_delivered_to_that_client()
    {
        using var seller = LoggedOn("BROKER2");
        using var buyer = LoggedOn("BROKER1");
        string ask = Id("RA"), bid = Id("RB");
        // The resting side comes straight, with no third party: its reports name none.
        seller.Send("D", $"11={ask}|55=BTC-USD|54=2|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=69100|59=1|");
        var ack = seller.WaitFor("8", m => m[11] == ask && m[150] == "0");
        Assert.True(ack.Get(128) == null && ack.Get(115) == null, $"a straight order's report names a third party: {ack}");
        buyer.Send("D", $"{Route}11={bid}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=69100|59=1|");
        AssertRoutedBack(buyer.WaitFor("8", m => m[11] == bid && m[150] == "0"));
        AssertRoutedBack(buyer.WaitFor("8", m => m[11] == bid && m[150] == "F"));
    }

    [Fact]
    public void Refusals_and_rejects_of_a_routed_request_go_back_through_the_hub()
    {
        using var broker = LoggedOn("BROKER1");
        string refused = Id("RR");
        broker.Send("D", $"{Route}11={refused}|55=DOGE-USD|54=1|60={FixTestClient.Timestamp()}|38=1|40=2|44=1|59=1|");
        AssertRoutedBack(broker.WaitFor("8", m => m[11] == refused && m[150] == "8"));

        string cancel = Id("RC");
        broker.Send("F", $"{Route}11={cancel}|41=NEVER-SENT-2|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|");
        AssertRoutedBack(broker.WaitFor("9", m => m[11] == cancel));

        string mass = Id("RM");
        broker.Send("q", $"{Route}11={mass}|530=1|55=NOT-A-SYMBOL|60={FixTestClient.Timestamp()}|");
        AssertRoutedBack(broker.WaitFor("r", m => m[11] == mass));

        broker.Send("AE", $"{Route}571={Id("T")}|");
        AssertRoutedBack(broker.WaitFor("j", m => m[372] == "AE"));
    }

    [Fact]
    public void A_reply_to_a_request_delivered_to_a_firm_names_that_firm_as_the_one_answering()
    {
        using var broker = LoggedOn("BROKER1");
        string refused = Id("RD");
        broker.Send("D", $"128=VENUE2|129=BOOTH|11={refused}|55=DOGE-USD|54=1|60={FixTestClient.Timestamp()}|38=1|40=2|44=1|59=1|");
        var reply = broker.WaitFor("8", m => m[11] == refused && m[150] == "8");
        Assert.True(reply.Get(115) == "VENUE2" && reply.Get(116) == "BOOTH" && reply.Get(128) == null, $"{reply}");
    }
}
