// protoc (Grpc.Tools' own, copied next to the tests) decoding a message kcat reads, with the repository's .proto file:
// what a reader without the generated classes would do.
using Exchange.Testing;

namespace Exchange.Export.Tests;

public static class Protoc
{
    public static string Program => Path.Combine(AppContext.BaseDirectory, "protoc", "protoc");
    public static string ProtoDirectory => Path.Combine(AppContext.BaseDirectory, "proto");

    /// <summary>The last message of <paramref name="topic"/>'s <paramref name="partition"/> as protoc prints a <paramref name="type"/>.</summary>
    public static string Decode(KafkaMockCluster kafka, string topic, int partition, string type)
    {
        string script = $"kcat -b '{kafka.BootstrapServers}' -C -t '{topic}' -p {partition} -o -1 -c 1 -e -q -f '%s' "
            + $"| '{Program}' --decode={type} -I '{ProtoDirectory}' exchange_export.proto";
        var result = ChildProcess.Run(ChildProcess.Start("/bin/bash", ["-c", "set -o pipefail; " + script], name: "protoc"), TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0) throw new InvalidOperationException($"kcat | protoc --decode={type}: {result}");
        return result.Stdout + "\n";
    }
}
