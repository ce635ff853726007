// The message store survives a restart: sequence numbers, and sent application messages for resends; a torn tail
// is truncated, anything else unreadable is a clear error naming the file.
namespace Exchange.Fix.Session.Tests;

public class MessageStoreTests
{
    private static string ExecutionReport(string execId) => $"37=O1|17={execId}|150=0|39=0|55=ABC|54=1|151=10|14=0|6=0|";

    [Fact]
    public void Restarted_acceptor_answers_a_resend_request_with_the_stored_messages()
    {
        using var fixture = new AcceptorFixture();
        ReceivedMessage first, second;
        using (var client = fixture.LogOn())
        {
            Assert.True(fixture.Session.SendApplication("8"u8, Wire.Raw(ExecutionReport("E1"))));
            Assert.True(fixture.Session.SendApplication("8"u8, Wire.Raw(ExecutionReport("E2"))));
            first = client.Receive();
            second = client.Receive();
        }
        fixture.Restart();
        fixture.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(4, fixture.Session.NextSenderMsgSeqNum);
        Assert.Equal(2, fixture.Session.NextTargetMsgSeqNum);

        using var again = fixture.Connect();
        again.NextSeqNum = 2;
        again.Send("A", "98=0|108=30|");
        Assert.Equal("4", again.Receive()[34]);
        again.Send("2", "7=2|16=3|");
        var resent1 = again.Receive();
        var resent2 = again.Receive();

        Assert.Equal("2", resent1[34]);
        Assert.Equal("Y", resent1[43]);
        Assert.Equal(first[52], resent1[122]);
        Assert.Equal("E1", resent1[17]);
        Assert.Equal("3", resent2[34]);
        Assert.Equal(second[52], resent2[122]);
        Assert.Equal("E2", resent2[17]);
    }

    [Fact]
    public void Sequence_numbers_are_written_in_the_quickfix_layout()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        client.Send("0");
        client.ExpectNothing();
        string text = File.ReadAllText(Path.Combine(fixture.StorePath, "FIX.4.4-EXCH-BROKER.seqnums"));
        Assert.Equal("0000000002 : 0000000003", text);
    }

    [Fact]
    public void Application_messages_are_stored_as_sent_and_admin_messages_are_not()
    {
        using var fixture = new AcceptorFixture();
        using var client = fixture.LogOn();
        Assert.True(fixture.Session.SendApplication("8"u8, Wire.Raw(ExecutionReport("E1"))));
        var sent = client.Receive();
        var body = File.ReadAllBytes(Path.Combine(fixture.StorePath, "FIX.4.4-EXCH-BROKER.body"));
        Assert.Equal(sent.Text, Wire.Show(body));
    }

    [Fact]
    public void Torn_tail_of_the_message_file_is_truncated_at_restart()
    {
        using var fixture = new AcceptorFixture();
        using (var client = fixture.LogOn())
        {
            Assert.True(fixture.Session.SendApplication("8"u8, Wire.Raw(ExecutionReport("E1"))));
            client.Receive();
        }
        fixture.Acceptor.Dispose();
        string bodyPath = Path.Combine(fixture.StorePath, "FIX.4.4-EXCH-BROKER.body");
        long intact = new FileInfo(bodyPath).Length;
        using (var file = File.OpenWrite(bodyPath))
        {
            file.Seek(0, SeekOrigin.End);
            file.Write(Wire.Raw("8=FIX.4.4|9=120|35=8|34=3|49=EX"));
            file.Write(new byte[100]);
        }
        fixture.Restart();
        Assert.Equal(intact, new FileInfo(bodyPath).Length);
        Assert.Equal(3, fixture.Session.NextSenderMsgSeqNum);
    }

    [Fact]
    public void Unreadable_bytes_before_a_valid_message_are_a_clear_error_naming_the_file()
    {
        using var fixture = new AcceptorFixture();
        using (var client = fixture.LogOn())
        {
            Assert.True(fixture.Session.SendApplication("8"u8, Wire.Raw(ExecutionReport("E1"))));
            client.Receive();
        }
        fixture.Acceptor.Dispose();
        string bodyPath = Path.Combine(fixture.StorePath, "FIX.4.4-EXCH-BROKER.body");
        var bytes = File.ReadAllBytes(bodyPath);
        File.WriteAllBytes(bodyPath, [.. "garbage"u8, .. bytes]);

        var error = Assert.Throws<FixSessionException>(fixture.Restart);
        Assert.Contains(bodyPath, error.Message);
        Assert.Contains("offset 0", error.Message);
    }

    [Fact]
    public void Corrupt_sequence_number_file_is_a_clear_error_naming_the_file()
    {
        using var fixture = new AcceptorFixture();
        fixture.Acceptor.Dispose();
        string path = Path.Combine(fixture.StorePath, "FIX.4.4-EXCH-BROKER.seqnums");
        File.WriteAllText(path, "0000000002 : 00000x0003");

        var error = Assert.Throws<FixSessionException>(fixture.Restart);
        Assert.Contains(path, error.Message);
        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public void Reset_flag_empties_the_store()
    {
        using var fixture = new AcceptorFixture();
        using (var client = fixture.LogOn())
        {
            Assert.True(fixture.Session.SendApplication("8"u8, Wire.Raw(ExecutionReport("E1"))));
            client.Receive();
        }
        fixture.Pump(3);
        using var again = fixture.Connect();
        again.LogOn(reset: true);
        Assert.Equal(0, new FileInfo(Path.Combine(fixture.StorePath, "FIX.4.4-EXCH-BROKER.body")).Length);
    }

    [Fact]
    public void Without_persisted_messages_a_resend_is_one_gap_fill()
    {
        using var fixture = new AcceptorFixture("PersistMessages=N");
        using var client = fixture.LogOn();
        Assert.True(fixture.Session.SendApplication("8"u8, Wire.Raw(ExecutionReport("E1"))));
        client.Receive();
        client.Send("2", "7=1|16=0|");
        var gapFill = client.Receive();
        Assert.Equal("4", gapFill.Type);
        Assert.Equal("3", gapFill[36]);
        client.ExpectNothing();
    }

    [Fact]
    public void Old_messages_beyond_the_in_memory_index_are_found_in_the_file()
    {
        using var fixture = new AcceptorFixture(options: new FixAcceptorOptions { StoreIndexCapacity = 16 });
        using var client = fixture.LogOn();
        for (int i = 0; i < 100; i++)
        {
            Assert.True(fixture.Session.SendApplication("8"u8, Wire.Raw(ExecutionReport($"E{i}"))));
            client.Receive();
        }
        client.Send("2", "7=5|16=6|");
        Assert.Equal("E3", client.Receive()[17]);
        Assert.Equal("E4", client.Receive()[17]);
    }
}
