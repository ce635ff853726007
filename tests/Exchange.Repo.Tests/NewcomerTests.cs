// What a newcomer does first, on a fresh clone with nothing beside it: build and publish, run a test suite that
// reads the repository's own test data, and follow the README's try-it steps in the order written.
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Exchange.Testing;

namespace Exchange.Repo.Tests;

public sealed class NewcomerTests(FreshClone clone) : IClassFixture<FreshClone>
{
    private static readonly string[] Executables =
        ["exchange-engine", "exchange-mm", "exchange-gateway", "exchange-admin", "exchange-perf", "exchange-sbe", "exchange-replay", "exchange-stream", "exchange-stat", "exchange-export", "exchange-web"];

    [Fact]
    public void A_fresh_clone_with_nothing_beside_it_publishes_every_executable()
    {
        Assert.True(clone.Publish.ExitCode == 0, clone.Publish.ToString());
        foreach (string name in Executables)
        {
            var version = ChildProcess.Run(ChildProcess.Start(clone.InClone("bin", name), ["--version"]));
            Assert.True(version.ExitCode == 0, $"{name}: {version}");
            Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout.Trim());
        }
    }

    [Fact]
    public void The_codec_tests_pass_in_a_fresh_clone_from_the_data_it_carries()
    {
        var test = ChildProcess.Run(ChildProcess.Start("dotnet", ["test", "tests/Exchange.Codecs.Tests", "-c", "Release", "--nologo"], workingDirectory: clone.Root),
            TimeSpan.FromMinutes(15));
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Matches(@"Passed!\s+- Failed:\s+0", test.Stdout);
    }

    [Fact]
    public void The_readme_try_it_steps_work_together_in_the_order_written()
    {
        Assert.True(clone.Publish.ExitCode == 0, clone.Publish.ToString());
        var steps = TryItSteps(File.ReadAllText(clone.InClone("README.md")));
        Assert.True(steps.Count >= 5, $"the README's try-it block has {steps.Count} steps");
        var running = new List<ChildProcess>();
        try
        {
            foreach (string step in steps)
            {
                var process = ChildProcess.Start("bash", ["-c", step], workingDirectory: clone.Root);
                string program = step.Split(' ').First(w => !w.Contains('='));
                switch (program)
                {
                    case "./build.sh":
                        running.Add(process);
                        process.WaitForLine("listening ");
                        break;
                    case "bin/exchange-mm":
                        running.Add(process);
                        Eventually.True(() => process.Stdout.Contains("logon", StringComparison.Ordinal),
                            $"{step} logs on: {process.Stdout}\n{process.Stderr}", Timeouts.Process);
                        break;
                    case "bin/exchange-gateway" when !step.Contains(" demo-certificates ", StringComparison.Ordinal):
                        running.Add(process);
                        process.WaitForLine("listening ");
                        break;
                    default:
                        var result = ChildProcess.Run(process, TimeSpan.FromMinutes(2));
                        Assert.True(result.ExitCode == 0, $"{step}\n{result}");
                        break;
                }
            }
            // Together: trades print between the two market makers, and a broker trades through the gateway as the
            // README's credentials allow, against the market makers' quotes.
            Eventually.True(() => running.Any(p => p.Stdout.Contains("fill", StringComparison.OrdinalIgnoreCase)), "a market maker printed a fill", Timeouts.Process);
            BrokerBuysThroughTheGateway(port: 9878, trusted: clone.InClone("data", "fix-tls", "ca.crt"));
        }
        finally
        {
            foreach (var process in running) process.Dispose();
        }
    }

    [Fact]
    public void Run_standby_starts_a_primary_and_a_sync_standby_that_follows_its_trades()
    {
        Assert.True(clone.Publish.ExitCode == 0, clone.Publish.ToString());
        using var pair = ChildProcess.Start("bash", ["-c", "./build.sh run --standby"], workingDirectory: clone.Root);
        Eventually.True(() => pair.Stdout.Contains("[standby-1] listening ", StringComparison.Ordinal)
            && pair.Stdout.Contains("[primary]   listening ", StringComparison.Ordinal), $"both engines listen: {pair.Stdout}\n{pair.Stderr}", Timeouts.Process);
        Eventually.True(() => pair.Stdout.Contains("sync standby standby-1 caught up", StringComparison.Ordinal)
            || pair.Stdout.Contains("replica=standby-1 mode=sync state=live", StringComparison.Ordinal), $"the standby catches up: {pair.Stdout}", Timeouts.Process);

        using (var maker = ChildProcess.Start("bin/exchange-mm", ["--api-key", "mm-1001-key", "--symbol", "1", "--seconds", "2", "--take-every", "2"],
                   workingDirectory: clone.Root))
            Assert.True(maker.WaitForExit(Timeouts.Process), maker.Stderr);

        // Both print a status line at the primary's last sequence, with the same state hash.
        string primary = pair.WaitForLine("[primary]   status ", Timeouts.Process);
        Eventually.True(() => pair.StdoutLines.Any(l => l.StartsWith("[standby-1] status ", StringComparison.Ordinal)
            && StatusLines.Field(l, "sequence") == StatusLines.Field(LastStatus(pair, "[primary]   "), "sequence")
            && StatusLines.Field(l, "stateHash") == StatusLines.Field(LastStatus(pair, "[primary]   "), "stateHash")), $"the standby reaches the primary's state: {pair.Stdout}", Timeouts.Process);
        Assert.NotNull(primary);
    }

    [Fact]
    public void Run_cluster_starts_etcd_and_two_members_and_the_survivor_takes_over_when_the_leader_is_killed()
    {
        Assert.True(clone.Publish.ExitCode == 0, clone.Publish.ToString());
        using var cluster = ChildProcess.Start("bash", ["-c", "./build.sh run --cluster"], workingDirectory: clone.Root);
        Assert.Contains("role=primary member=a", cluster.WaitForLine("[a] listening ", Timeouts.Process));
        Assert.Contains("role=standby", cluster.WaitForLine("[b] listening ", Timeouts.Process));
        Eventually.True(() => cluster.Stdout.Contains("sync standby b caught up", StringComparison.Ordinal), $"b joins a: {cluster.Stdout}", Timeouts.Process);

        // As the script's own hint says: kill the leader, and the other member takes over.
        var kill = ChildProcess.Run(ChildProcess.Start("pkill", ["-KILL", "-f", "--", "--journal data/cluster-a"]));
        Assert.Equal(0, kill.ExitCode);
        Eventually.True(() => cluster.Stdout.Contains("[b] exchange-engine: promoted to primary", StringComparison.Ordinal),
            $"b takes over: {cluster.Stdout}", Timeouts.Process);
    }

    [Fact]
    public void Run_export_starts_the_three_sinks_and_the_exporter_and_what_arrives_reconciles_with_the_journal()
    {
        Assert.True(clone.Publish.ExitCode == 0, clone.Publish.ToString());
        using var demo = ChildProcess.Start("bash", ["-c", "./build.sh run --export"], workingDirectory: clone.Root);
        string check = demo.WaitForLine("[export] and check it against the journal:", TimeSpan.FromMinutes(5));
        // Each sink gets trades from the market makers (status lines come every 10 s).
        foreach (string sink in new[] { "postgres", "redis", "kafka" })
            Eventually.True(() => demo.StdoutLines.Any(l => l.StartsWith($"[export] status sink={sink} ", StringComparison.Ordinal) && long.Parse(StatusLines.Field(l, "trades")) > 0),
                $"{sink} receives trades: {demo.Stdout}\n{demo.Stderr}", Timeouts.Process);
        // The line it prints to check them runs as written, and finds every sink clean.
        var reconcile = ChildProcess.Run(ChildProcess.Start("bash", ["-c", check[(check.IndexOf(':') + 1)..].Trim()], workingDirectory: clone.Root), Timeouts.Process);
        Assert.True(reconcile.ExitCode == 0, reconcile.ToString());
        Assert.Equal(3, reconcile.Stdout.Split('\n').Count(l => l.StartsWith("reconcile: clean: ", StringComparison.Ordinal)));
    }

    private static string LastStatus(ChildProcess process, string prefix) =>
        process.StdoutLines.Last(l => l.StartsWith(prefix + "status ", StringComparison.Ordinal));

    /// <summary>The lines of the README between its try-it markers that start with '$ ', without their comments.</summary>
    private static List<string> TryItSteps(string readme)
    {
        var block = Regex.Match(readme, "<!-- try-it -->(.*?)<!-- /try-it -->", RegexOptions.Singleline);
        Assert.True(block.Success, "the README has no try-it block");
        return block.Groups[1].Value.Split('\n')
            .Where(l => l.StartsWith("$ ", StringComparison.Ordinal))
            .Select(l => Regex.Replace(l[2..], @"\s+#.*$", "").Trim())
            .ToList();
    }

    // Over TLS, as the example settings serve FIX, trusting the demo CA the try-it steps made.
    private static void BrokerBuysThroughTheGateway(int port, string trusted)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect("127.0.0.1", port);
        socket.ReceiveTimeout = (int)Timeouts.Prompt.TotalMilliseconds;
        using var ca = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(trusted);
        using var tls = new System.Net.Security.SslStream(new NetworkStream(socket, ownsSocket: false));
        var policy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
        {
            TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust,
            RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(ca);
        tls.AuthenticateAsClient(new System.Net.Security.SslClientAuthenticationOptions { TargetHost = "localhost", CertificateChainPolicy = policy });
        int seq = 1;
        void Send(string type, string body)
        {
            string text = $"35={type}|34={seq++}|49=BROKER1|52={DateTime.UtcNow:yyyyMMdd-HH:mm:ss.fff}|56=EXCH|{body}".Replace('|', '\u0001');
            string head = $"8=FIX.4.4\u00019={Encoding.ASCII.GetByteCount(text)}\u0001{text}";
            tls.Write(Encoding.ASCII.GetBytes($"{head}10={Encoding.ASCII.GetBytes(head).Sum(b => b) % 256:D3}\u0001"));
        }
        var received = new StringBuilder();
        string WaitFor(string needle)
        {
            var buffer = new byte[4096];
            var deadline = DateTime.UtcNow + Timeouts.Prompt;
            while (!received.ToString().Contains(needle, StringComparison.Ordinal))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {needle.Replace('\u0001', '|')} from the gateway; got {received.Replace('\u0001', '|')}");
                int n = tls.Read(buffer);
                if (n == 0) throw new IOException($"the gateway closed the connection; got {received.Replace('\u0001', '|')}");
                received.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            return received.ToString();
        }
        // The demo credentials gateway/README.md gives for BROKER1.
        Send("A", "98=0|108=30|141=Y|553=broker1|554=broker1-demo-password|");
        WaitFor("\u000135=A\u0001");
        // An IOC buy far above the market takes the market makers' best offer.
        Send("D", $"11=TRYIT1|55=BTC-USD|54=1|38=0.01|40=2|44=61000|59=3|60={DateTime.UtcNow:yyyyMMdd-HH:mm:ss.fff}|");
        string answers = WaitFor("\u000111=TRYIT1\u0001");
        Assert.DoesNotContain("\u0001150=8\u0001", answers); // not rejected
    }
}
