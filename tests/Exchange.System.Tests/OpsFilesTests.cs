// The operators' files: the systemd units pass systemd-analyze and start programs the build makes with options they
// accept, and the two checks (units, secrets in logs) fail when they should.
using System.Text.RegularExpressions;
using Exchange.Testing;

namespace Exchange.System.Tests;

public sealed partial class OpsFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ProcessResult Script(string name, params string[] args) =>
        ChildProcess.Run(ChildProcess.Start(OpsFiles.Path($"checks/{name}"), args, name: name), TimeSpan.FromMinutes(5));

    [Fact]
    public void The_units_pass_systemd_analyze_and_a_broken_one_does_not()
    {
        var good = Script("verify-units.sh", OpsFiles.Path("systemd"));
        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Contains("5 units", good.Stdout);

        string broken = _dir.Combine("broken");
        Directory.CreateDirectory(broken);
        File.WriteAllText(Path.Combine(broken, "exchange-engine@.service"),
            File.ReadAllText(OpsFiles.Path("systemd/exchange-engine@.service")).Replace("ProtectSystem=strict", "ProtectSystem=very", StringComparison.Ordinal));
        var bad = Script("verify-units.sh", broken);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("protect system", bad.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Every_unit_starts_an_executable_the_build_publishes()
    {
        string root = Path.GetFullPath(Path.Combine(OpsFiles.Path("."), ".."));
        var published = BuildProject().Matches(File.ReadAllText(Path.Combine(root, "build.sh")))
            .Select(m => AssemblyName().Match(File.ReadAllText(Path.Combine(root, m.Groups[1].Value))).Groups[1].Value).ToHashSet();
        Assert.Contains("exchange-engine", published);
        foreach (string unit in Directory.GetFiles(OpsFiles.Path("systemd"), "*.service"))
            foreach (Match start in ExecStart().Matches(File.ReadAllText(unit)))
                Assert.True(published.Contains(start.Groups[1].Value), $"{Path.GetFileName(unit)} starts {start.Groups[1].Value}, which build.sh does not publish");
    }

    [Fact]
    public void The_engine_accepts_its_units_command_line()
    {
        string etc = _dir.Combine("etc"), state = _dir.Combine("state");
        Directory.CreateDirectory(etc);
        // The printed config gives no key away (the operator fills them in); the unit's file here takes the defaults.
        var config = ChildProcess.Run(ChildProcess.StartDll("exchange-engine.dll", ["--print-config"]));
        Assert.Equal(0, config.ExitCode);
        Assert.Contains("\"accounts\"", config.Stdout);
        Assert.DoesNotContain("mm-1001-key", config.Stdout);
        Assert.DoesNotContain("ops-admin-key", config.Stdout);
        File.WriteAllText(Path.Combine(etc, "shard-1.json"), "{}");

        string unit = File.ReadAllText(OpsFiles.Path("systemd/exchange-engine@.service"));
        string line = ExecStart().Match(unit).Value;
        var args = line[(line.IndexOf(' ') + 1)..].Replace("%i", "1", StringComparison.Ordinal)
            .Replace("/etc/exchange", etc, StringComparison.Ordinal).Replace("/var/lib/exchange", state, StringComparison.Ordinal)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var run = ChildProcess.Run(ChildProcess.StartDll("exchange-engine.dll", [.. args, "--print-config"]));
        Assert.True(run.ExitCode == 0, $"{string.Join(' ', args)}: {run}");
    }

    [Fact]
    public void The_secrets_check_finds_a_configured_secret_in_any_process_output_and_passes_clean_output()
    {
        string logs = _dir.Combine("logs");
        Directory.CreateDirectory(logs);
        string secrets = _dir.Combine("secrets.txt");
        File.WriteAllText(secrets, "# a comment\n\ns3cret-key\nother-password\n");
        File.WriteAllText(Path.Combine(logs, "exchange-engine-1.log"), "{\"msg\":\"session 1 logged on\"}\n");
        var clean = Script("no-secrets-in-logs.sh", logs, secrets);
        Assert.True(clean.ExitCode == 0, clean.ToString());

        File.WriteAllText(Path.Combine(logs, "exchange-gateway-2.log"), "ok\n{\"msg\":\"logon with s3cret-key refused\"}\n");
        var leaked = Script("no-secrets-in-logs.sh", logs, secrets);
        Assert.Equal(1, leaked.ExitCode);
        Assert.Contains("exchange-gateway-2.log:2:", leaked.Stderr);
    }

    [GeneratedRegex(@"^\s+""([^""]+\.csproj)""", RegexOptions.Multiline)]
    private static partial Regex BuildProject();

    [GeneratedRegex(@"<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyName();

    [GeneratedRegex(@"^ExecStart=/opt/exchange/bin/([a-z-]+)[^\n]*", RegexOptions.Multiline)]
    private static partial Regex ExecStart();
}
