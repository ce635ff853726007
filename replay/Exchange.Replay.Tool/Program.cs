// exchange-replay: the operators' tool over journals: dump, verify, rebuild, book, diff, compare, position, stats, recover, reconcile.
// Exit codes: 0 fine; 1 the journal has faults (verify), journals differ (diff), replicas' states differ (compare) or a
// journal is damaged; 2 bad input, with a one-line reason on stderr.
using System.CommandLine;
using Exchange.Hosting;
using Exchange.Journal;
using Exchange.Replay.Tool;

var root = new RootCommand("""
    The operators' tool over journals: inspect, check and rebuild engine state from them through the real engine.
    `exchange-replay COMMAND --help` lists a command's options; every command takes --json.
    Exit status: 0 fine; 1 faults found, journals or states differ, or a journal is damaged; 2 bad input.
    """)
{
    Dump.Command(), Verify.Command(), Rebuild.Command(), Book.Command(), Diff.Command(), Compare.Command(), Position.Command(), Stats.Command(),
    Recover.Command(), Reconcile.Command(),
};
root.SetAction(_ =>
{
    Console.Error.WriteLine("exchange-replay: give a command: dump, verify, rebuild, book, diff, compare, position, stats, recover or reconcile (try --help)");
    return Cli.UsageError;
});
// `exchange-replay help` has always meant --help.
var help = new Command("help") { Hidden = true };
help.SetAction(_ => root.Parse(["--help"]).Invoke());
root.Add(help);

try
{
    return Cli.Run(root, args);
}
catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or UnauthorizedAccessException)
{
    return Fail(2, e.Message);
}
catch (JournalCorruptException e)
{
    return Fail(1, $"{e.Message} (run `exchange-replay verify` for every fault)");
}
catch (Exception e) when (e is JournalException or IOException)
{
    return Fail(1, e.Message);
}

static int Fail(int code, string reason)
{
    Console.Error.WriteLine($"exchange-replay: {reason.ReplaceLineEndings(" ")}");
    return code;
}
