// The acceptor's input path under random and mutated bytes: before logon nothing is ever sent back and the
// connection is closed; after logon nothing crashes and the session stays consistent (and usable, or free again).
namespace Exchange.Fix.Session.Tests;

public class FuzzTests
{
    private const string Order = "21=1|55=ABC|54=1|60=20260302-10:00:00.000|38=100|40=2|44=10.5|";

    [Fact]
    public void Random_bytes_before_logon_are_closed_without_a_byte_and_never_crash()
    {
        using var fixture = new AcceptorFixture(options: new FixAcceptorOptions { LogonTimeout = TimeSpan.FromSeconds(1) });
        var random = new Random(20260302);
        string logon = Wire.Show(Wire.Build($"35=A|34=1|49=BROKER|52={fixture.Clock.Timestamp()}|56=EXCH|98=0|108=30|"));
        for (int round = 0; round < 150; round++)
        {
            using var client = fixture.Connect();
            byte[] bytes = (round % 3) switch
            {
                0 => RandomBytes(random, random.Next(1, 3000)),
                1 => [.. "8=FIX.4.4\u00019="u8, .. RandomBytes(random, random.Next(1, 200))],
                // A Logon with one byte changed: never valid (checksum), so never answered.
                _ => Mutate(Wire.Raw(logon), random, keepChecksum: false),
            };
            client.SendRaw(bytes);
            fixture.Pump(3);
            fixture.Clock.Advance(TimeSpan.FromSeconds(2));
            client.ExpectClosedWithoutAByte();
            Assert.False(fixture.Session.IsConnected);
        }
        using var good = fixture.LogOn();
        Assert.True(fixture.Session.IsLoggedOn);
    }

    [Fact]
    public void Mutated_messages_after_logon_never_crash_and_leave_the_session_consistent()
    {
        var random = new Random(7);
        for (int round = 0; round < 25; round++)
        {
            using var fixture = new AcceptorFixture();
            using (var client = fixture.LogOn())
            {
                for (int i = 0; i < 60 && !client.Closed; i++)
                {
                    int seq = client.NextSeqNum++;
                    string header = $"34={seq}|49=BROKER|52={fixture.Clock.Timestamp()}|56=EXCH|";
                    string body = random.Next(7) switch
                    {
                        0 => "35=0|" + header,
                        1 => "35=1|" + header + "112=T|",
                        2 => "35=F|" + header + $"41=C{seq - 1}|11=C{seq}|55=ABC|54=1|60=20260302-10:00:00.000|",
                        3 => "35=4|" + header + $"123=Y|36={seq + 1}|",
                        4 => "35=5|" + header,
                        _ => "35=D|" + header + $"11=C{seq}|" + Order,
                    };
                    var bytes = Wire.Build(body);
                    if (random.Next(3) == 0) bytes = Mutate(bytes, random, keepChecksum: random.Next(2) == 0);
                    try
                    {
                        client.SendRaw(bytes);
                    }
                    catch (InvalidOperationException)
                    {
                        break; // the acceptor closed the connection
                    }
                    while (client.TryReceive(TimeSpan.Zero) != null) { }
                }
                while (client.TryReceive(TimeSpan.FromMilliseconds(20)) != null) { }
                AssertConsistent(fixture.Session);

                if (fixture.Session.IsLoggedOn && !client.Closed)
                {
                    // Whatever happened, a TestRequest with the number the session expects is answered.
                    client.Send("1", "112=final|", seqNum: fixture.Session.NextTargetMsgSeqNum);
                    ReceivedMessage? heartbeat;
                    do heartbeat = client.TryReceive(TimeSpan.FromSeconds(2));
                    while (heartbeat != null && !(heartbeat.Type == "0" && heartbeat[112] == "final"));
                    Assert.True(heartbeat != null || !fixture.Session.IsLoggedOn, "a logged-on session answers a TestRequest in sequence");
                }
            }
            fixture.Pump(5);
            AssertConsistent(fixture.Session);
            Assert.False(fixture.Session.IsConnected);

            // The session is free again.
            using var again = fixture.LogOn(reset: true);
            Assert.True(fixture.Session.IsLoggedOn);
        }
    }

    private static void AssertConsistent(FixSession session)
    {
        Assert.True(session.NextSenderMsgSeqNum >= 1);
        Assert.True(session.NextTargetMsgSeqNum >= 1);
        Assert.True(!session.IsLoggedOn || session.IsConnected);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(byte[] message, Random random, bool keepChecksum)
    {
        var bytes = message.ToList();
        // Changes stay inside the message: bytes after its end would leave a valid message in front of them.
        int limit = keepChecksum ? bytes.Count - 7 : bytes.Count - 1;
        int at = random.Next(0, limit);
        switch (random.Next(5))
        {
            case 0:
                bytes[at] ^= (byte)random.Next(1, 256);
                break;
            case 1:
                bytes.RemoveRange(at, Math.Min(random.Next(1, 10), limit - at));
                break;
            case 2:
                bytes.Insert(at, 0x01);
                break;
            case 3:
                bytes.InsertRange(at, bytes.GetRange(at, Math.Min(random.Next(1, 20), limit - at)));
                break;
            default:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
        }
        if (!keepChecksum || bytes.Count < 7) return [.. bytes];
        // Recompute BodyLength and CheckSum so the mutation reaches the parser and validator, not just framing.
        string text = Wire.Show([.. bytes]);
        int bodyStart = text.IndexOf("|35=", StringComparison.Ordinal);
        int checksumAt = text.LastIndexOf("10=", StringComparison.Ordinal);
        if (bodyStart < 0 || checksumAt <= bodyStart) return [.. bytes];
        return Wire.Build(text[(bodyStart + 1)..checksumAt]);
    }
}
