// One engine and one gateway, real child processes on loopback, shared by the tests of a class: three broker
// sessions (two order entry on accounts 1001 and 1002, one drop copy of both) from a QuickFIX-style settings file.
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Exchange.Gateway.Tests;

public sealed class GatewayFixture : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gateway-tests-").FullName;
    private readonly Child _engine, _gateway;

    public GatewayFixture()
    {
        _engine = new Child("exchange-engine.dll", ["--in-memory", "--listen", "aeron:udp?endpoint=127.0.0.1:0", "--idle", "backoff"]);
        string listening = _engine.WaitForLine("listening ");
        string enginePort = listening.Split(' ').First(p => p.StartsWith("port=", StringComparison.Ordinal))[5..];
        string settings = Path.Combine(_dir, "sessions.cfg");
        File.WriteAllText(settings, $"""
            # Brokers' sessions, as their operators write them for QuickFIX.
            [DEFAULT]
            ConnectionType=acceptor
            BeginString=FIX.4.4
            SenderCompID=EXCH
            SocketAcceptPort=0
            FileStorePath={Path.Combine(_dir, "store")}
            HeartBtInt=30

            [SESSION]
            TargetCompID=BROKER1
            ApiKey=mm-1001-key
            Account=1001

            [SESSION]
            TargetCompID=BROKER2
            ApiKey=mm-1002-key
            Account=1002
            CancelOnDisconnect=Y

            [SESSION]
            TargetCompID=DROP
            SessionType=drop-copy
            DropCopyAccounts=1001,1002
            """);
        _gateway = new Child("exchange-gateway.dll", ["--settings", settings, "--engine", $"aeron:udp?endpoint=127.0.0.1:{enginePort}", "--idle", "backoff"]);
        Port = int.Parse(_gateway.WaitForLine("listening ").Split(' ').First(p => p.StartsWith("port=", StringComparison.Ordinal))[5..]);
    }

    public int Port { get; }

    public void Dispose()
    {
        _gateway.Dispose();
        _engine.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private sealed class Child : IDisposable
    {
        private readonly Process _process;
        private readonly BlockingCollection<string> _lines = new();
        private readonly ConcurrentQueue<string> _stderr = new();

        public Child(string dll, string[] args)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
            foreach (string a in args) info.ArgumentList.Add(a);
            _process = Process.Start(info)!;
            _process.OutputDataReceived += (_, e) => { if (e.Data != null) _lines.Add(e.Data); };
            _process.ErrorDataReceived += (_, e) => { if (e.Data != null) _stderr.Enqueue(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string WaitForLine(string prefix)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                if (_lines.TryTake(out string? line, 100) && line.StartsWith(prefix, StringComparison.Ordinal)) return line;
                if (_process.HasExited && _lines.Count == 0) throw new InvalidOperationException($"exited ({_process.ExitCode}): {string.Join('\n', _stderr)}");
            }
            throw new TimeoutException($"no '{prefix}' line: {string.Join('\n', _stderr)}");
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
            _process.Dispose();
        }
    }
}
