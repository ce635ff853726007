// A broker's FIX engine against the gateway and a running engine: orders placed, replaced and cancelled with the
// execution reports FIX 4.4 prescribes, two sessions trading with each other, drop copy, and the rejects that name
// the field at fault. Each test uses its own price band so resting orders of one never meet another's.
namespace Exchange.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class OrderEntryTests(GatewayFixture gateway)
{
    private static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private FixTestClient LoggedOn(string broker)
    {
        var client = FixTestClient.LoggedOn(gateway.Port, broker);
        Assert.Equal("30", client.LogonAnswer![108]);
        return client;
    }

    private static string NewOrder(string clOrdId, char side, string qty, string price, string extra = "") =>
        $"11={clOrdId}|55=BTC-USD|54={side}|60={FixTestClient.Timestamp()}|38={qty}|40=2|44={price}|59=1|{extra}";

    [Fact]
    public void An_order_placed_replaced_and_cancelled_gets_new_replaced_and_canceled_reports()
    {
        using var broker = LoggedOn("BROKER1");
        string first = Id("N"), second = Id("R"), cancel = Id("C");
        broker.Send("D", NewOrder(first, '1', "0.25", "50100"));
        var accepted = broker.WaitFor("8", m => m[11] == first);
        Assert.Equal(("0", "0"), (accepted[150], accepted[39]));
        Assert.Equal(("0.25", "0", "0"), (accepted[151], accepted[14], accepted[6]));
        Assert.Equal(("2001", "BTC-USD", "1", "50100"), (accepted[1], accepted[55], accepted[54], accepted[44]));

        broker.Send("G", $"11={second}|41={first}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.5|40=2|44=50101|");
        var replaced = broker.WaitFor("8", m => m[11] == second);
        Assert.Equal(("5", "0", first), (replaced[150], replaced[39], replaced[41]));
        Assert.Equal(("0.5", "50101", "0.5"), (replaced[38], replaced[44], replaced[151]));
        Assert.Equal(accepted[37], replaced[37]);

        broker.Send("F", $"11={cancel}|41={second}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|");
        var canceled = broker.WaitFor("8", m => m[11] == cancel);
        Assert.Equal(("4", "4", second), (canceled[150], canceled[39], canceled[41]));
        Assert.Equal(("0", "0"), (canceled[151], canceled[14]));
    }

    [Fact]
    public void Two_sessions_trade_and_the_drop_copy_sees_both_sides()
    {
        using var drop = LoggedOn("DROP");
        using var seller = LoggedOn("BROKER1");
        using var buyer = LoggedOn("BROKER2");
        string sell = Id("S"), buy = Id("B");
        seller.Send("D", NewOrder(sell, '2', "0.1", "69100"));
        seller.WaitFor("8", m => m[11] == sell && m[150] == "0");
        buyer.Send("D", NewOrder(buy, '1', "0.1", "69100"));
        buyer.WaitFor("8", m => m[11] == buy && m[150] == "0");

        var taker = buyer.WaitFor("8", m => m[11] == buy && m[150] == "F");
        Assert.Equal(("2", "0.1", "69100"), (taker[39], taker[32], taker[31]));
        Assert.Equal(("0.1", "0", "69100"), (taker[14], taker[151], taker[6]));
        var maker = seller.WaitFor("8", m => m[11] == sell && m[150] == "F");
        Assert.Equal(("2", "0.1", "69100"), (maker[39], maker[32], maker[31]));

        var copies = new[] { drop.WaitFor("8", m => m[11] == sell && m[150] == "F"), drop.WaitFor("8", m => m[11] == buy && m[150] == "F") };
        Assert.Equal(["2001", "2002"], copies.Select(c => c[1]));
    }

    [Theory]
    [InlineData("55=NOPE-USD", "55")]
    [InlineData("40=9", "40")]
    [InlineData("40=3", "99")]
    [InlineData("40=4|99=0", "99")]
    [InlineData("111=0", "111")]
    [InlineData("111=0.123456789", "111")]
    [InlineData("111=0.01", "InvalidDisplayQuantity")] // not below OrderQty
    [InlineData("59=3|111=0.005", "InvalidTimeInForce")] // an IOC order cannot be an iceberg
    [InlineData("54=5", "54")]
    [InlineData("59=7", "59")]
    [InlineData("59=6", "126")]
    [InlineData("18=G", "18")]
    [InlineData("38=0.123456789", "38")]
    [InlineData("1=2002", "(1=")]
    public void An_order_with_a_value_we_do_not_take_is_rejected_naming_the_field(string field, string named)
    {
        using var broker = LoggedOn("BROKER1");
        string clOrdId = Id("X");
        int tag = int.Parse(field[..field.IndexOf('=')]);
        string body = string.Join('|', NewOrder(clOrdId, '1', "0.01", "50200").Split('|', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.StartsWith($"{tag}=", StringComparison.Ordinal) ? field : f)) + "|";
        if (!body.Contains(field, StringComparison.Ordinal)) body += field + "|";
        broker.Send("D", body);
        var reject = broker.WaitFor("8", m => m[11] == clOrdId);
        Assert.Equal(("8", "8"), (reject[150], reject[39]));
        Assert.Contains(named, reject[58]);
    }

    [Fact]
    public void A_stop_limit_order_is_triggered_by_a_trade_at_its_stop_price_reported_with_exec_type_L_and_fills()
    {
        using var seller = LoggedOn("BROKER1");
        using var buyer = LoggedOn("BROKER2");
        Trade(seller, buyer, "71000"); // the symbol's last price, below the stop
        string resting = Id("S"), stop = Id("T");
        seller.Send("D", NewOrder(resting, '2', "0.1", "71190"));
        seller.WaitFor("8", m => m[11] == resting && m[150] == "0");
        buyer.Send("D", $"11={stop}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.1|40=4|44=71200|99=71150|59=1|");
        var accepted = buyer.WaitFor("8", m => m[11] == stop && m[150] == "0");
        Assert.Equal(("0", "4", "71200", "71150"), (accepted[39], accepted[40], accepted[44], accepted[99]));

        Trade(seller, buyer, "71150");
        var triggered = buyer.WaitFor("8", m => m[11] == stop && m[150] == "L");
        Assert.Equal(("0", "0.1", "0"), (triggered[39], triggered[151], triggered[14]));
        var fill = buyer.WaitFor("8", m => m[11] == stop && m[150] == "F");
        Assert.Equal(("2", "71190", "0.1", "71150"), (fill[39], fill[31], fill[32], fill[99]));
    }

    [Fact]
    public void An_iceberg_with_MaxFloor_fills_slice_by_slice_and_its_reports_carry_MaxFloor()
    {
        using var seller = LoggedOn("BROKER1");
        using var buyer = LoggedOn("BROKER2");
        string iceberg = Id("I"), take = Id("t"), replace = Id("r"), rest = Id("t");
        seller.Send("D", NewOrder(iceberg, '2', "0.3", "69050", "111=0.1|"));
        var accepted = seller.WaitFor("8", m => m[11] == iceberg && m[150] == "0");
        Assert.Equal(("0", "0.3", "0.1", "0.3"), (accepted[39], accepted[38], accepted[111], accepted[151]));

        // A buy of 0.2 takes the displayed 0.1, then the replenished 0.1 (nothing else rests at 69,050).
        buyer.Send("D", $"11={take}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.2|40=2|44=69050|59=3|");
        var first = seller.WaitFor("8", m => m[11] == iceberg && m[150] == "F");
        Assert.Equal(("1", "0.1", "0.1", "0.2"), (first[39], first[32], first[14], first[151]));
        var second = seller.WaitFor("8", m => m[11] == iceberg && m[150] == "F");
        Assert.Equal(("1", "0.1", "0.2", "0.1", "0.1"), (second[39], second[32], second[14], second[151], second[111]));

        // A replace keeps the display quantity: another MaxFloor is refused naming it.
        seller.Send("G", $"11={replace}|41={iceberg}|55=BTC-USD|54=2|60={FixTestClient.Timestamp()}|38=0.3|40=2|44=69050|111=0.2|");
        var refused = seller.WaitFor("9", m => m[11] == replace);
        Assert.Contains("111", refused[58]);

        buyer.Send("D", $"11={rest}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.1|40=2|44=69050|59=3|");
        var filled = seller.WaitFor("8", m => m[11] == iceberg && m[150] == "F" && m[39] == "2");
        Assert.Equal(("0.3", "0", "0.1"), (filled[14], filled[151], filled[111]));
    }

    private static string UtcIn(TimeSpan after) => DateTime.UtcNow.Add(after).ToString("yyyyMMdd-HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_gtd_order_expires_at_its_expire_time_reported_with_exec_type_and_status_C()
    {
        using var broker = LoggedOn("BROKER1");
        string gtd = Id("G");
        broker.Send("D", $"11={gtd}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.02|40=2|44=50100|59=6|126={UtcIn(TimeSpan.FromSeconds(1.5))}|");
        var accepted = broker.WaitFor("8", m => m[11] == gtd && m[150] == "0");
        Assert.Equal(("0", "6"), (accepted[39], accepted[59]));

        // The engine's own timer input expires it once its clock passes the expire time: nobody asks.
        var expired = broker.WaitFor("8", m => m[11] == gtd && m[150] == "C");
        Assert.Equal(("C", "0", "0.02"), (expired[39], expired[151], expired[38]));
        Assert.Equal("0", expired[14]);
    }

    [Fact]
    public void Day_and_gtd_orders_by_expire_date_rest_and_an_expire_time_already_past_is_rejected()
    {
        using var broker = LoggedOn("BROKER1");
        string day = Id("D"), byDate = Id("E"), past = Id("P");
        broker.Send("D", $"11={day}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=50100|59=0|");
        Assert.Equal("0", broker.WaitFor("8", m => m[11] == day && m[150] is "0" or "8")[150]);
        string tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        broker.Send("D", $"11={byDate}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=50100|59=6|432={tomorrow}|");
        Assert.Equal(("0", "6"), broker.WaitFor("8", m => m[11] == byDate && m[150] is "0" or "8") is var a ? (a[150], a[59]) : default);
        broker.Send("D", $"11={past}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=2|44=50100|59=6|126={UtcIn(TimeSpan.FromSeconds(-5))}|");
        var rejected = broker.WaitFor("8", m => m[11] == past);
        Assert.Equal(("8", "8"), (rejected[150], rejected[39]));
        Assert.Contains("InvalidExpireTime", rejected[58]);
        foreach (string id in new[] { day, byDate })
        {
            string cancel = Id("c");
            broker.Send("F", $"11={cancel}|41={id}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|");
            broker.WaitFor("8", m => m[11] == cancel && m[150] == "4");
        }
    }

    /// <summary>A trade of 0.01 at <paramref name="price"/>: the seller rests, the buyer takes.</summary>
    private static void Trade(FixTestClient seller, FixTestClient buyer, string price)
    {
        string sell = Id("s"), buy = Id("b");
        seller.Send("D", NewOrder(sell, '2', "0.01", price));
        seller.WaitFor("8", m => m[11] == sell && m[150] == "0");
        buyer.Send("D", NewOrder(buy, '1', "0.01", price));
        buyer.WaitFor("8", m => m[11] == buy && m[150] == "F");
    }

    [Fact]
    public void A_market_buy_is_accepted_with_the_budget_the_engine_gives_it()
    {
        using var broker = LoggedOn("BROKER1");
        string clOrdId = Id("M");
        broker.Send("D", $"11={clOrdId}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|38=0.01|40=1|59=3|");
        var first = broker.WaitFor("8", m => m[11] == clOrdId);
        Assert.Equal(("0", "0", "1"), (first[150], first[39], first[40]));
        // Whatever the book holds, an IOC market order ends at once: filled, or its remainder cancelled.
        broker.WaitFor("8", m => m[11] == clOrdId && (m[39] == "2" || m[150] == "4"));
    }

    [Fact]
    public void Cancelling_an_unknown_order_gets_an_order_cancel_reject()
    {
        using var broker = LoggedOn("BROKER1");
        string clOrdId = Id("C");
        broker.Send("F", $"11={clOrdId}|41=NEVER-SENT|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|");
        var reject = broker.WaitFor("9", m => m[11] == clOrdId);
        Assert.Equal(("1", "1", "NEVER-SENT"), (reject[434], reject[102], reject[41]));
    }

    [Fact]
    public void A_mass_cancel_cancels_every_resting_order_of_the_session_and_reports_the_count()
    {
        using var broker = LoggedOn("BROKER2");
        string a = Id("M"), b = Id("M"), mass = Id("Q");
        broker.Send("D", NewOrder(a, '1', "0.01", "50300"));
        broker.Send("D", NewOrder(b, '2', "0.01", "69300"));
        broker.WaitFor("8", m => m[11] == a && m[150] == "0");
        broker.WaitFor("8", m => m[11] == b && m[150] == "0");
        broker.Send("q", $"11={mass}|530=7|60={FixTestClient.Timestamp()}|");
        var report = broker.WaitFor("r", m => m[11] == mass);
        Assert.Equal(("7", "7"), (report[530], report[531]));
        Assert.True(int.Parse(report[533]) >= 2, report.ToString());
        broker.WaitFor("8", m => m[11] == a && m[150] == "4");
        broker.WaitFor("8", m => m[11] == b && m[150] == "4");
    }

    [Theory]
    [InlineData("530=1|55=NOPE-USD", "1", "Unknown Symbol (55=NOPE-USD)")]         // FIX 4.4: invalid or unknown security
    [InlineData("530=3", "0", "Unsupported MassCancelRequestType (530=3)")]          // FIX 4.4: mass cancel not supported
    public void A_mass_cancel_the_gateway_cannot_do_is_rejected_with_the_fix_reason_code(string fields, string code, string text)
    {
        using var broker = LoggedOn("BROKER1");
        string mass = Id("Q");
        broker.Send("q", $"11={mass}|{fields}|60={FixTestClient.Timestamp()}|");
        var report = broker.WaitFor("r", m => m[11] == mass);
        Assert.Equal(("0", code, text), (report[531], report[532], report[58]));
    }

    [Fact]
    public void An_order_status_request_reports_the_order_as_it_stands()
    {
        using var broker = LoggedOn("BROKER1");
        string clOrdId = Id("H");
        broker.Send("D", NewOrder(clOrdId, '1', "0.02", "50400"));
        broker.WaitFor("8", m => m[11] == clOrdId && m[150] == "0");
        broker.Send("H", $"11={clOrdId}|790=REQ-1|55=BTC-USD|54=1|");
        var status = broker.WaitFor("8", m => m[11] == clOrdId && m[150] == "I");
        Assert.Equal(("0", "0.02", "REQ-1"), (status[39], status[151], status[790]));
        broker.Send("F", $"11={Id("C")}|41={clOrdId}|55=BTC-USD|54=1|60={FixTestClient.Timestamp()}|");
    }

    [Fact]
    public void A_disconnected_session_has_its_resting_orders_cancelled()
    {
        using var drop = LoggedOn("DROP");
        string clOrdId = Id("D");
        using (var broker = LoggedOn("BROKER2"))
        {
            broker.Send("D", NewOrder(clOrdId, '2', "0.03", "69400"));
            broker.WaitFor("8", m => m[11] == clOrdId && m[150] == "0");
        } // the socket closes without a Logout
        var canceled = drop.WaitFor("8", m => m[11] == clOrdId && m[150] == "4");
        Assert.Equal("2002", canceled[1]);
    }

    [Fact]
    public void Reports_produced_while_a_broker_is_away_reach_it_by_resend_after_it_logs_on_again()
    {
        string clOrdId = Id("W");
        int nextOurs, expectedTheirs;
        using var drop = LoggedOn("DROP");
        using (var broker = LoggedOn("BROKER2"))
        {
            broker.Send("D", NewOrder(clOrdId, '2', "0.04", "69500"));
            broker.WaitFor("8", m => m[11] == clOrdId && m[150] == "0");
            nextOurs = broker.NextSeqNum;
            expectedTheirs = broker.LastSeqNumReceived + 1;
        } // dropped without a Logout: cancel-on-disconnect cancels the order while nobody is there to hear it
        // The drop copy gets the cancel when the gateway produces BROKER2's report, which waits in its store.
        drop.WaitFor("8", m => m[11] == clOrdId && m[150] == "4");

        using var again = new FixTestClient(gateway.Port, "BROKER2") { NextSeqNum = nextOurs };
        again.Send("A", $"98=0|108=30|{FixTestClient.CredentialFields("BROKER2")}"); // same sequence, no reset
        var logon = again.WaitFor("A");
        Assert.True(int.Parse(logon[34]) > expectedTheirs, $"the gateway's MsgSeqNum {logon[34]} is not ahead of {expectedTheirs}");
        again.Send("2", $"7={expectedTheirs}|16=0|");
        var canceled = again.WaitFor("8", m => m[11] == clOrdId && m[150] == "4");
        Assert.Equal(("Y", "4"), (canceled[43], canceled[39]));
    }
}
