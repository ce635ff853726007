// A Kafka cluster for a test: librdkafka's mock cluster (the Kafka protocol on loopback, in memory), run by the project's
// own script (ops/servers/kafka-mock.sh: installs and builds what it needs) in a process of its own, so that it outlives
// the exporters a test kills; it dies with the test. A broker can be taken off the network and brought back.
namespace Exchange.Testing;

public sealed class KafkaMockCluster : IDisposable
{
    private readonly TempDirectory _dir = new("kafka-mock-");
    private readonly ChildProcess _process;

    /// <summary>The exporter's topics are created up front with <paramref name="partitions"/> partitions each (the mock
    /// keeps about 5 MB per partition), its position topic with one.</summary>
    public KafkaMockCluster(int brokers = 3, int partitions = 16)
    {
        _process = ChildProcess.Start(ServerScripts.Path("kafka-mock.sh"), [_dir.Path, brokers.ToString(),
            .. new[] { "trades", "orders", "ledger", "book" }.Select(t => $"exchange.{t}:{partitions}"), "exchange.export.position:1"], name: "kafka-mock");
        BootstrapServers = _process.WaitForLine("bootstrap ", TimeSpan.FromSeconds(180))["bootstrap ".Length..].Trim();
    }

    /// <summary>"127.0.0.1:PORT,...": one address per broker, brokers numbered from 1 in this order.</summary>
    public string BootstrapServers { get; }

    public void BrokerDown(int id) => Command($"down {id}");

    public void BrokerUp(int id) => Command($"up {id}");

    private void Command(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
        string answer = _process.WaitForLine(command, TimeSpan.FromSeconds(30));
        if (!answer.EndsWith("Success", StringComparison.Ordinal)) throw new InvalidOperationException($"kafka-mock {command}: {answer}");
    }

    /// <summary>Runs kcat against the cluster and returns what it printed.</summary>
    public string Kcat(params string[] args)
    {
        var kcat = ChildProcess.Run(ChildProcess.Start("kcat", ["-b", BootstrapServers, .. args], name: "kcat"), TimeSpan.FromSeconds(120));
        if (kcat.ExitCode != 0) throw new InvalidOperationException($"kcat {string.Join(' ', args)}: {kcat}");
        return kcat.Stdout;
    }

    public void Dispose()
    {
        _process.Dispose();
        _dir.Dispose();
    }
}
