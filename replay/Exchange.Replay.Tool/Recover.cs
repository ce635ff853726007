// recover: what the engine does to its journal on start-up, for an operator to run by hand: a torn tail is
// discarded and reported; damage with valid records after it is refused (exit 1) unless --repair truncates
// there, throwing away everything after it; a journal holding less than its checkpoint says was durable is
// refused unless --force-empty (or --repair) accepts the loss. The only command that writes to a journal.
using System.CommandLine;
using Exchange.Journal;

namespace Exchange.Replay.Tool;

internal static class Recover
{
    public static Command Command()
    {
        var directory = Commands.Directory();
        var repair = new Option<bool>("--repair") { Description = "truncate at damage instead of refusing" };
        var forceEmpty = new Option<bool>("--force-empty") { Description = "accept that records the checkpoint names are missing, and continue from the journal" };
        var json = Commands.Json();
        var command = new Command("recover", """
            Opens the journal as the engine does on start-up and reports what that did: a torn tail left by a crash
            is discarded (and reported with file, offset and bytes); damage with valid records after it stops with
            the file, offset and sequence (exit 1) unless --repair truncates the journal there, discarding every
            record after it; a journal holding fewer records than its checkpoint says were durable stops (exit 1)
            unless --force-empty (or --repair) accepts the loss. The only command that changes a journal.
            """) { directory, repair, forceEmpty, json };
        command.SetAction(r => Run(Commands.JournalDirectory(r.GetValue(directory)!), r.GetValue(repair), r.GetValue(forceEmpty), r.GetValue(json)));
        return command;
    }

    private static int Run(string directory, bool repair, bool forceEmpty, bool asJson)
    {
        using var output = new Output();
        RecoveryReport report;
        (long From, long To)? lost;
        using (var writer = JournalWriter.Open(new JournalOptions { Directory = directory, Repair = repair, AcceptLostRecords = forceEmpty }, out report))
            lost = writer.LostRecords;
        if (asJson)
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
