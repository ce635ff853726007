// diff: where a standby's journal parts from the primary's.
using System.CommandLine;

namespace Exchange.Replay.Tool;

internal static class Diff
{
    public static Command Command()
    {
        var a = Commands.Directory("DIR_A");
        var b = Commands.Directory("DIR_B");
        var json = Commands.Json();
        var command = new Command("diff", """
            Compares two journals (say primary and standby) record by record: the first sequence where they differ
            in type, version, timestamp or payload, or that one is a prefix of the other. Exit 0 if identical,
            1 otherwise.
            """) { a, b, json };
        command.SetAction(r => Run([r.GetValue(a)!, r.GetValue(b)!], r.GetValue(json)));
        return command;
    }

    private static int Run(string[] dirs, bool asJson)
    {
        using var output = new Output();
        DiffReport report;
        using (var progress = new Progress("diff"))
            report = JournalDiff.Compare(Commands.JournalDirectory(dirs[0]), Commands.JournalDirectory(dirs[1]), progress.Report);
        if (asJson)
        {
            var json = output.Json;
            json.WriteStartObject();
            json.WriteString("outcome", report.Outcome switch
            {
                DiffOutcome.Identical => "identical",
                DiffOutcome.Differ => "differ",
                DiffOutcome.APrefixOfB => "a-prefix-of-b",
                _ => "b-prefix-of-a",
            });
            json.WriteBoolean("identical", report.Outcome == DiffOutcome.Identical);
            if (report.Outcome != DiffOutcome.Identical) json.WriteNumber("firstDifferentSequence", report.Sequence);
            if (report.What != null) json.WriteString("difference", report.What);
            json.WriteNumber("identicalRecords", report.Compared);
            if (report.StoppedA != null) json.WriteString("stoppedA", report.StoppedA);
            if (report.StoppedB != null) json.WriteString("stoppedB", report.StoppedB);
            if (report.Outcome != DiffOutcome.Differ)
            {
                json.WriteNumber("lastSequenceA", report.LastA);
                json.WriteNumber("lastSequenceB", report.LastB);
            }
            json.WriteEndObject();
        }
        else output.Text.WriteLine(report.Describe());
        output.Dispose();
        int a = Commands.Stopped(dirs[0], report.StoppedA, "diff (reading A)");
        int b = Commands.Stopped(dirs[1], report.StoppedB, "diff (reading B)");
        return report.Outcome == DiffOutcome.Identical && a == 0 && b == 0 ? 0 : 1;
    }
}
