// exchange-replay: the operators' tool over journals: dump, verify, rebuild, book, diff, stats, recover.
// Exit codes: 0 fine; 1 the journal has faults (verify), journals differ (diff) or a journal is damaged;
// 2 bad input, with a one-line reason on stderr.
using Exchange.Journal;
using Exchange.Replay.Tool;

const string Usage = """
    usage: exchange-replay <command> [arguments] [--json]

    commands:
      dump DIR        one line per record: sequence, timestamp, type and the decoded command
      verify DIR      check every segment, record CRC, sequence, closing marker and index entry (read-only)
      rebuild DIR     replay through the engine (from the newest valid snapshot) and print the state hash
      book DIR SYMBOL --at-seq N
                      the symbol's depth after sequence N
      diff DIR_A DIR_B
                      the first sequence where two journals differ (primary against standby)
      stats DIR       records per message type and input rate over time
      recover DIR [--repair]
                      recover the journal as the engine does on start-up (the only command that writes)

    `exchange-replay <command> --help` for a command's options. Every command takes --json.
    Exit status: 0 fine; 1 faults found, journals differ, or a journal is damaged; 2 bad input.
    """;

if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}
if (args[0] is "--help" or "-h" or "help")
{
    Console.WriteLine(Usage);
    return 0;
}
var command = Commands.Find(args[0]);
if (command == null)
{
    Console.Error.WriteLine($"exchange-replay: unknown command '{args[0]}' (try --help)");
    return 2;
}
if (args.AsSpan(1).Contains("--help") || args.AsSpan(1).Contains("-h"))
{
    Console.WriteLine(command.Usage);
    return 0;
}
try
{
    var arguments = Arguments.Parse(args.AsSpan(1), command.Valued, [.. command.Flags, "json"]);
    using var output = new Output();
    return command.Run(arguments, output);
}
catch (UsageException e)
{
    return Fail(2, e.Message);
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
