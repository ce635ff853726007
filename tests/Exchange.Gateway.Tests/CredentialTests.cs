// Every gateway session logs on with Username and Password checked against the PasswordHash in its settings; a session
// without one does not start unless it says AllowNoPassword=Y; hashes are made by `exchange-gateway hash-password`,
// which reads the password from stdin only.
using Exchange.Fix.Session;
using Exchange.Testing;

namespace Exchange.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class CredentialTests(GatewayFixture gateway)
{
    [Fact]
    public void A_drop_copy_logon_without_the_password_is_closed_without_a_byte()
    {
        using var client = new FixTestClient(gateway.Port, "DROP");
        client.Send("A", "98=0|108=30|141=Y|");
        client.ExpectClosedWithoutAByte();
    }

    [Fact]
    public void A_logon_with_a_wrong_password_is_closed_without_a_byte_and_logged_without_it()
    {
        // The acceptor logs at most 20 admission lines in a wall-clock second (a flood of strangers must not flood the
        // log), and the tests before this one on the shared gateway may have used up this second's: start in a new one.
        Thread.Sleep(1000 - DateTime.UtcNow.Millisecond + 20);
        using var client = new FixTestClient(gateway.Port, "BROKER1", from: "127.0.0.9");
        client.Send("A", "98=0|108=30|141=Y|553=broker1|554=not-the-password|");
        client.ExpectClosedWithoutAByte();
        Eventually.True(() => LogLines.AsText(gateway.GatewayStderr).Split('\n').Any(line => line.Contains("Logon from 127.0.0.9:", StringComparison.Ordinal)
            && line.Contains("refused: wrong Username or Password", StringComparison.Ordinal)), "the refusal is logged with its reason");
        Assert.DoesNotContain("not-the-password", gateway.GatewayStderr);
    }

    [Fact]
    public void A_logon_with_the_sessions_credentials_is_accepted()
    {
        using var client = new FixTestClient(gateway.Port, "DROP");
        Assert.Equal("A", client.Logon().MsgType);
    }

    [Fact]
    public void A_session_without_a_PasswordHash_stops_the_gateway_at_start_naming_it()
    {
        using var dir = new TempDirectory();
        string settings = dir.Combine("sessions.cfg");
        File.WriteAllText(settings, Processes.BrokerSessions(dir.Combine("store")) + "\n\n[SESSION]\nTargetCompID=OPEN\nSessionType=drop-copy\nDropCopyAccounts=2001\n");
        var result = Processes.RunGateway("--settings", settings);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("session FIX.4.4:EXCH->OPEN has no PasswordHash", result.Stderr);
    }

    [Fact]
    public void Hash_password_reads_the_password_from_stdin_and_prints_a_hash_that_verifies_it()
    {
        using var child = ChildProcess.StartDll("exchange-gateway.dll", ["hash-password", "--iterations", "10000"]);
        child.StandardInput.WriteLine("a demo password");
        child.StandardInput.Close();
        var result = ChildProcess.Run(child);
        Assert.Equal(0, result.ExitCode);
        Assert.True(PasswordHash.TryParse(result.Stdout.Trim(), out var hash, out string problem), problem);
        Assert.Equal(10_000, hash!.Iterations);
        Assert.True(hash.Verify("a demo password"u8));
        Assert.DoesNotContain("a demo password", result.Stdout + result.Stderr);
    }

    [Fact]
    public void Hash_password_refuses_a_password_on_the_command_line()
    {
        var result = Processes.RunGateway("hash-password", "hunter2");
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void The_example_settings_give_every_session_credentials_that_the_documented_demo_passwords_match()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Exchange.sln"))) root = Path.GetDirectoryName(root)!;
        var sessions = SessionSettings.Load(Path.Combine(root, "gateway", "Exchange.Gateway", "sessions.example.cfg"), Gateway.SettingsKeys);
        string readme = File.ReadAllText(Path.Combine(root, "gateway", "README.md"));
        Assert.Equal(3, sessions.Count);
        foreach (var session in sessions)
        {
            string password = $"{session.Username}-demo-password";
            Assert.Contains($"`{session.Id.TargetCompID}` | `{session.Username}` | `{password}`", readme);
            Assert.True(session.PasswordHash!.Verify(System.Text.Encoding.UTF8.GetBytes(password)), $"{session.Id}: the demo password does not match");
        }
    }
}
