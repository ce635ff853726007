// exchange-export's command line: bad input is refused with one line on stderr and exit 2, before anything is written.
using Exchange.Testing;

namespace Exchange.Export.Tests;

public sealed class UsageTests : IDisposable
{
    private readonly TempDirectory _temp = new("export-usage-");

    public void Dispose() => _temp.Dispose();

    private static ProcessResult Export(params string[] args) => Export(args, "");

    private static ProcessResult Export(string[] args, string kafkaSettings) =>
        ChildProcess.Run(ChildProcess.StartDll("exchange-export.dll", args, new Dictionary<string, string>
        {
            ["EXCHANGE_EXPORT_POSTGRES"] = "", ["EXCHANGE_EXPORT_REDIS"] = "", ["EXCHANGE_EXPORT_KAFKA_SETTINGS"] = kafkaSettings,
        }));

    [Theory]
    [InlineData("no sink")]
    [InlineData("no such directory")]
    [InlineData("engine.json is missing")]
    [InlineData("not a PostgreSQL connection string")]
    [InlineData("not a Redis configuration string")]
    [InlineData("EXCHANGE_EXPORT_KAFKA_SETTINGS")]
    public void Bad_input_is_one_line_on_stderr_and_exit_2(string what)
    {
        string journal = _temp.Combine("journal");
        Workload.Write(journal, 10, seed: 1);
        string empty = Directory.CreateDirectory(_temp.Combine("empty")).FullName;
        var result = what switch
        {
            "no sink" => Export(journal, "--once"),
            "no such directory" => Export(_temp.Combine("missing"), "--once", "--postgres", "Host=127.0.0.1"),
            "engine.json is missing" => Export(empty, "--once", "--postgres", "Host=127.0.0.1"),
            "not a Redis configuration string" => Export(journal, "--once", "--redis", "127.0.0.1:1,nosuchoption=1"),
            "EXCHANGE_EXPORT_KAFKA_SETTINGS" => Export([journal, "--once", "--kafka", "127.0.0.1:1"], "linger.ms"),
            _ => Export(journal, "--once", "--postgres", "Host=127.0.0.1;NoSuchKeyword=1"),
        };
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("exchange-export: ", result.Stderr);
        Assert.Contains(what == "engine.json is missing" ? "engine.json" : what, result.Stderr);
    }
}
