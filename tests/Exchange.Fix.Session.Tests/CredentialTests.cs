// Credentials: every session logs on with Username (553) and a Password (554) checked against a salted PBKDF2 hash in
// its settings (or says AllowNoPassword=Y); failed logons are limited per source address and per session, in a way a
// stranger cannot use to lock a broker out of its own session.
namespace Exchange.Fix.Session.Tests;

public class CredentialTests
{
    private const string Alice = "553=alice|554=s3cret|";

    private static AcceptorFixture WithCredentials(FixAcceptorOptions? options = null) =>
        new(AcceptorFixture.Credentials("alice", "s3cret"), options);

    private static void FailLogon(AcceptorFixture fixture, string from)
    {
        using var client = fixture.Connect(from);
        client.Send("A", "98=0|108=30|553=alice|554=wrong|");
        client.ExpectClosedWithoutAByte();
    }

    [Fact]
    public void Logon_with_the_right_username_and_password_is_accepted()
    {
        using var fixture = WithCredentials();
        using var client = fixture.LogOn(extra: Alice);
        Assert.True(fixture.Session.IsLoggedOn);
    }

    [Theory]
    [InlineData("553=alice|554=S3cret|")]
    [InlineData("553=bob|554=s3cret|")]
    [InlineData("553=alice|")]
    [InlineData("")]
    public void Logon_with_a_wrong_or_missing_username_or_password_is_closed_without_a_byte(string credentials)
    {
        using var fixture = WithCredentials();
        using var client = fixture.Connect();
        client.Send("A", $"98=0|108=30|{credentials}");
        client.ExpectClosedWithoutAByte();
        Assert.False(fixture.Session.IsConnected);
    }

    [Fact]
    public void After_too_many_failed_logons_from_an_address_even_the_right_password_from_it_is_refused_until_the_window_ends()
    {
        using var fixture = WithCredentials(new FixAcceptorOptions { MaxFailedLogonsPerAddress = 3 });
        for (int i = 0; i < 3; i++) FailLogon(fixture, "127.0.0.2");
        using (var blocked = fixture.Connect("127.0.0.2"))
        {
            blocked.Send("A", $"98=0|108=30|{Alice}");
            blocked.ExpectClosedWithoutAByte();
        }
        Assert.Contains("3 failed logons from this address", fixture.ScreenLog);
        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        using var later = fixture.Connect("127.0.0.2");
        later.LogOn(extra: Alice);
    }

    [Fact]
    public void Failed_logons_from_one_address_do_not_block_another()
    {
        using var fixture = WithCredentials(new FixAcceptorOptions { MaxFailedLogonsPerAddress = 3 });
        for (int i = 0; i < 5; i++) FailLogon(fixture, "127.0.0.2");
        using var client = fixture.Connect("127.0.0.3");
        client.LogOn(extra: Alice);
    }

    [Fact]
    public void Past_the_sessions_limit_only_addresses_it_has_logged_on_from_get_their_password_checked()
    {
        using var fixture = WithCredentials(new FixAcceptorOptions { MaxFailedLogonsPerSession = 3 });
        using (var before = fixture.Connect("127.0.0.1"))
            before.LogOn(extra: Alice, reset: true);
        fixture.Pump(3);
        for (int i = 0; i < 3; i++) FailLogon(fixture, $"127.0.0.{10 + i}");

        using (var stranger = fixture.Connect("127.0.0.20"))
        {
            stranger.Send("A", $"98=0|108=30|141=Y|{Alice}");
            stranger.ExpectClosedWithoutAByte();
        }
        using var known = fixture.Connect("127.0.0.1");
        known.LogOn(extra: Alice, reset: true);
    }

    [Fact]
    public void A_logon_naming_no_session_counts_as_a_failure_of_its_address()
    {
        using var fixture = WithCredentials(new FixAcceptorOptions { MaxFailedLogonsPerAddress = 2 });
        for (int i = 0; i < 2; i++)
        {
            using var stranger = fixture.Connect("127.0.0.2");
            stranger.SenderCompId = "NOBODY";
            stranger.Send("A", "98=0|108=30|");
            stranger.ExpectClosedWithoutAByte();
        }
        using var blocked = fixture.Connect("127.0.0.2");
        blocked.Send("A", $"98=0|108=30|{Alice}");
        blocked.ExpectClosedWithoutAByte();
    }

    [Fact]
    public void A_logged_on_session_keeps_working_while_another_sessions_password_is_being_checked()
    {
        // Enough rounds that the check takes a good while on any machine: were it done on the acceptor's thread, the
        // logged-on session could answer nothing until it was over.
        string slowHash = PasswordHash.Create("pw"u8, 3_000_000).ToString();
        using var fixture = new AcceptorFixture($"AllowNoPassword=Y\n[SESSION]\nSenderCompID=EXCH\nTargetCompID=SLOW\nUsername=slow\nPasswordHash={slowHash}");
        using var client = fixture.LogOn();
        using var slow = fixture.Connect();
        slow.SenderCompId = "SLOW";
        slow.Send("A", "98=0|108=30|553=slow|554=pw|");
        fixture.Pump(3);

        client.Send("1", "112=still-there|");
        Assert.Equal("still-there", client.Receive("0")[112]);
        Assert.Null(slow.TryReceive(TimeSpan.Zero));
        Assert.Equal("A", slow.Receive().Type);
    }
}
