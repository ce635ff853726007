// FIX-SESSION.md "Logon": what a first message must be, the silent disconnects, the Logon reply and resets.
namespace Exchange.Fix.Session.Tests;

public class LogonTests
{
    [Fact]
    public void Valid_logon_is_answered_with_a_logon_echoing_heartbeat_interval_and_encrypt_method_zero()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        client.Send("A", "98=0|108=17|");
        var reply = client.Receive();

        Assert.Equal([8, 9, 35, 34, 49, 52, 56, 98, 108, 10], reply.Tags);
        Assert.Equal("FIX.4.4", reply[8]);
        Assert.Equal("A", reply[35]);
        Assert.Equal("1", reply[34]);
        Assert.Equal("EXCH", reply[49]);
        Assert.Equal("BROKER", reply[56]);
        Assert.Equal("0", reply[98]);
        Assert.Equal("17", reply[108]);
        Assert.Matches(@"^\d{8}-\d{2}:\d{2}:\d{2}\.\d{3}$", reply[52]);
        Assert.True(fixture.Session.IsLoggedOn);
        Assert.Equal(1, fixture.App.Logons);
        Assert.Equal(2, fixture.Session.NextTargetMsgSeqNum);
        Assert.Equal(2, fixture.Session.NextSenderMsgSeqNum);
    }

    [Fact]
    public void Reset_flag_is_echoed_and_both_sides_restart_at_one()
    {
        using var fixture = new AcceptorFixture();
        using (var first = fixture.LogOn())
        {
            first.Send("0");
            first.Send("0");
            first.ExpectNothing();
        }
        fixture.Pump(3);
        Assert.Equal(4, fixture.Session.NextTargetMsgSeqNum);

        using var client = fixture.Connect();
        client.Send("A", "98=0|108=30|141=Y|");
        var reply = client.Receive();

        Assert.Equal("Y", reply[141]);
        Assert.Equal("1", reply[34]);
        Assert.Equal([8, 9, 35, 34, 49, 52, 56, 98, 108, 141, 10], reply.Tags);
        Assert.Equal(2, fixture.Session.NextTargetMsgSeqNum);
        Assert.Equal(2, fixture.Session.NextSenderMsgSeqNum);
    }

    [Fact]
    public void Reset_on_logon_setting_restarts_at_one_without_echoing_a_flag_the_client_did_not_send()
    {
        using var fixture = new AcceptorFixture("ResetOnLogon=Y");
        using (var first = fixture.LogOn())
        {
            first.Send("0");
            first.ExpectNothing();
        }
        fixture.Pump(3);

        using var client = fixture.Connect();
        client.LogOn();
        Assert.Equal(2, fixture.Session.NextSenderMsgSeqNum);
        Assert.Equal(2, fixture.Session.NextTargetMsgSeqNum);
        client.Send("1", "112=ping|");
        var heartbeat = client.Receive();
        Assert.Equal("2", heartbeat[34]);
    }

    [Fact]
    public void Logon_reply_to_a_reset_has_no_reset_flag_when_the_client_sent_none()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        client.Send("A", "98=0|108=30|");
        Assert.False(client.Receive().Has(141));
    }

    [Theory]
    [InlineData("UNKNOWN", "EXCH")]
    [InlineData("BROKER", "NOTUS")]
    public void Logon_from_unknown_comp_id_is_closed_without_a_byte(string sender, string target)
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        client.SenderCompId = sender;
        client.TargetCompId = target;
        client.Send("A", "98=0|108=30|");
        client.ExpectClosedWithoutAByte();
        Assert.False(fixture.Session.IsConnected);
    }

    [Fact]
    public void Logon_with_wrong_begin_string_is_closed_without_a_byte()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        client.SendBody($"35=A|34=1|49=BROKER|52={fixture.Clock.Timestamp()}|56=EXCH|98=0|108=30|", "FIX.4.2");
        client.ExpectClosedWithoutAByte();
    }

    [Fact]
    public void Logon_with_bad_checksum_is_closed_without_a_byte()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        var bytes = Wire.Build($"35=A|34=1|49=BROKER|52={fixture.Clock.Timestamp()}|56=EXCH|98=0|108=30|");
        bytes[^2] = (byte)(bytes[^2] == '9' ? '0' : bytes[^2] + 1);
        client.SendRaw(bytes);
        client.ExpectClosedWithoutAByte();
    }

    [Fact]
    public void Logon_with_bad_body_length_is_closed_without_a_byte()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        string body = $"35=A|34=1|49=BROKER|52={fixture.Clock.Timestamp()}|56=EXCH|98=0|108=30|";
        string text = Wire.Show(Wire.Build(body));
        // One less than the real length: "10=" no longer starts where BodyLength says.
        int declared = body.Length - 1;
        client.SendRaw(Wire.Raw(System.Text.RegularExpressions.Regex.Replace(text, @"\|9=\d+\|", $"|9={declared}|")));
        client.ExpectClosedWithoutAByte();
    }

    [Theory]
    [InlineData(121)]
    [InlineData(-121)]
    public void Logon_with_sending_time_off_by_more_than_120_seconds_is_closed_without_a_byte(int seconds)
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        client.SendBody($"35=A|34=1|49=BROKER|52={fixture.Clock.Timestamp(TimeSpan.FromSeconds(seconds))}|56=EXCH|98=0|108=30|");
        client.ExpectClosedWithoutAByte();
    }

    [Fact]
    public void Logon_with_sending_time_119_seconds_off_is_accepted()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        client.SendBody($"35=A|34=1|49=BROKER|52={fixture.Clock.Timestamp(TimeSpan.FromSeconds(-119))}|56=EXCH|98=0|108=30|");
        Assert.Equal("A", client.Receive().Type);
    }

    [Fact]
    public void First_message_that_is_not_a_logon_is_closed_without_a_byte()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        client.Send("0");
        client.ExpectClosedWithoutAByte();
    }

    [Fact]
    public void Garbage_instead_of_a_logon_is_closed_without_a_byte()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        client.SendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        client.ExpectClosedWithoutAByte();
    }

    [Fact]
    public void Logon_failing_dictionary_validation_is_closed_without_a_byte()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        client.Send("A", "98=0|");
        client.ExpectClosedWithoutAByte();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(301)]
    public void Logon_with_heartbeat_interval_out_of_bounds_is_closed_without_a_byte(int heartBtInt)
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        client.Send("A", $"98=0|108={heartBtInt}|");
        client.ExpectClosedWithoutAByte();
    }

    [Fact]
    public void Heartbeat_interval_bounds_come_from_the_settings()
    {
        using var fixture = new AcceptorFixture("HeartBtIntMin=10\nHeartBtIntMax=20");
        using (var tooShort = fixture.Connect())
        {
            tooShort.Send("A", "98=0|108=5|");
            tooShort.ExpectClosedWithoutAByte();
        }
        using var client = fixture.Connect();
        client.LogOn(heartBtInt: 20);
        Assert.Equal(20, fixture.Session.HeartBtInt);
    }

    [Fact]
    public void Second_connection_for_a_logged_on_session_is_closed_without_a_byte_and_the_first_stays_up()
    {
        using var fixture = new AcceptorFixture();
        using var first = fixture.LogOn();
        using var second = fixture.Connect();
        second.NextSeqNum = 2;
        second.Send("A", "98=0|108=30|");
        second.ExpectClosedWithoutAByte();

        Assert.True(fixture.Session.IsLoggedOn);
        first.Send("1", "112=still-there|");
        var heartbeat = first.Receive();
        Assert.Equal("0", heartbeat.Type);
        Assert.Equal("still-there", heartbeat[112]);
    }

    [Fact]
    public void Logon_with_wrong_password_is_closed_without_a_byte_and_the_right_one_is_accepted()
    {
        using var fixture = new AcceptorFixture(AcceptorFixture.Credentials("alice", "s3cret"));
        using (var wrong = fixture.Connect())
        {
            wrong.Send("A", "98=0|108=30|553=alice|554=guess|");
            wrong.ExpectClosedWithoutAByte();
        }
        using (var missing = fixture.Connect())
        {
            missing.Send("A", "98=0|108=30|");
            missing.ExpectClosedWithoutAByte();
        }
        using var right = fixture.Connect();
        right.LogOn(extra: "553=alice|554=s3cret|");
    }

    [Fact]
    public void Logon_with_sequence_number_too_high_is_accepted_then_followed_by_a_resend_request()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        client.NextSeqNum = 5;
        client.Send("A", "98=0|108=30|");
        Assert.Equal("A", client.Receive().Type);
        var resend = client.Receive();

        Assert.Equal("2", resend.Type);
        Assert.Equal("1", resend[7]);
        Assert.Equal("0", resend[16]);
        Assert.True(fixture.Session.IsLoggedOn);
        Assert.Equal(1, fixture.Session.NextTargetMsgSeqNum);
    }

    [Fact]
    public void Logon_with_sequence_number_too_low_gets_a_logout_naming_both_numbers()
    {
        using var fixture = new AcceptorFixture();
        using (var first = fixture.LogOn())
        {
            first.Send("0");
            first.Send("0");
            first.ExpectNothing();
        }
        fixture.Pump(3);

        using var client = fixture.Connect();
        client.Send("A", "98=0|108=30|");
        var logout = client.Receive();
        Assert.Equal("5", logout.Type);
        Assert.Equal("MsgSeqNum too low, expecting 4 but received 1", logout[58]);
        client.ExpectClosed();
    }

    [Fact]
    public void Connection_that_sends_no_logon_is_closed_after_the_logon_timeout()
    {
        using var fixture = new AcceptorFixture(options: new FixAcceptorOptions { LogonTimeout = TimeSpan.FromSeconds(2) });
        using var client = fixture.Connect();
        client.ExpectNothing();
        fixture.Clock.Advance(TimeSpan.FromSeconds(3));
        client.ExpectClosedWithoutAByte();
    }

    [Fact]
    public void Logon_split_over_several_packets_is_accepted()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.Connect();
        var bytes = Wire.Build($"35=A|34=1|49=BROKER|52={fixture.Clock.Timestamp()}|56=EXCH|98=0|108=30|");
        foreach (var chunk in bytes.Chunk(7))
        {
            client.SendRaw(chunk);
            fixture.Pump();
        }
        Assert.Equal("A", client.Receive().Type);
    }
}
