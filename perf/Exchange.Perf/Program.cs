// exchange-perf: the benchmark harness. Each mode is a command with its own options (`exchange-perf MODE --help`);
// it prints a human summary, or one JSON object with --json. Usage errors are one line and exit code 2.
using System.CommandLine;
using Exchange.Hosting;
using Exchange.Perf.CommandLine;

var root = new RootCommand("exchange-perf: the benchmark harness of the exchange");
foreach (var mode in Modes.All()) root.Add(mode);
root.SetAction(_ =>
{
    Console.Error.WriteLine("exchange-perf: give a mode: book, gen-orders, journal, replay, snapshot, stream, e2e, fanout, export or compare (try --help)");
    return Cli.UsageError;
});
try
{
    return Cli.Run(root, args);
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or Exchange.Journal.JournalException)
{
    // The work itself failed (a file, a child process, a journal): one line, and not a usage error.
    Console.Error.WriteLine($"exchange-perf: {e.Message}");
    return 1;
}
