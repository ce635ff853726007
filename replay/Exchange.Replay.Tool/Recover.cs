// recover: what the engine does to its journal on start-up, for an operator to run by hand: a torn tail is
// discarded and reported; damage with valid records after it is refused (exit 1) unless --repair truncates
// there, throwing away everything after it; a journal holding less than its checkpoint says was durable is
// refused unless --force-empty (or --repair) accepts the loss. The only command that writes to a journal.
using Exchange.Journal;

namespace Exchange.Replay.Tool;

internal static class Recover
{
    public static int Run(Arguments args, Output output)
    {
        string directory = Commands.JournalDirectory(args.Expect("recover", "DIR")[0]);
        RecoveryReport report;
        (long From, long To)? lost;
        using (var writer = JournalWriter.Open(new JournalOptions { Directory = directory, Repair = args.Flag("repair"), AcceptLostRecords = args.Flag("force-empty") }, out report))
            lost = writer.LostRecords;
        if (args.Flag("json"))
        {
            var json = output.Json;
            json.WriteStartObject();
            json.WriteString("directory", directory);
            json.WriteString("action", report.Action.ToString());
            json.WriteNumber("lastSequence", report.LastSequence);
            if (report.File != null) json.WriteString("file", report.File);
            if (report.Action != RecoveryAction.None)
            {
                json.WriteNumber("offset", report.Offset);
                json.WriteNumber("discardedBytes", report.DiscardedBytes);
                json.WriteString("reason", report.Reason);
            }
            if (lost is { } l)
            {
                json.WriteNumber("lostFrom", l.From);
                json.WriteNumber("lostTo", l.To);
            }
            json.WriteEndObject();
        }
        else
        {
            output.Text.WriteLine(report.ToString());
            if (lost is { } l) output.Text.WriteLine($"sequences {l.From}..{l.To} were durable once and are lost; the checkpoint now follows the journal");
        }
        return 0;
    }
}
