// verify: every check JournalVerifier makes, as a summary and a list of faults.
using System.CommandLine;
using Exchange.Hosting;

namespace Exchange.Replay.Tool;

internal static class Verify
{
    public static Command Command()
    {
        var directory = Commands.Directory();
        var json = Commands.Json();
        var command = new Command("verify", """
            Reads every segment without changing anything and checks: segment headers, every record's CRC, sequence
            continuity within and across segments, the closed marker on every segment but the last, that each index
            entry points at a record of its sequence, and that payloads decode as commands (malformed ones are
            counted). An unreadable tail is reported, not recovered. Exit 0 if clean, 1 with every fault listed.
            """) { directory, json };
        command.SetAction(r => Run(r.GetValue(directory)!, r.GetValue(json)));
        return command;
    }

    private static int Run(string directory, bool asJson)
    {
        if (!Directory.Exists(directory)) throw new UsageException($"{directory}: no such directory");
        using var output = new Output();
        VerifyReport report;
        using (var progress = new Progress("verify")) report = JournalVerifier.Verify(directory, progress.Report);
        if (asJson)
        {
            var json = output.Json;
            json.WriteStartObject();
            json.WriteString("directory", directory);
            json.WriteBoolean("clean", report.Clean);
            json.WriteNumber("segments", report.Segments);
            json.WriteNumber("records", report.Records);
            json.WriteNumber("bytes", report.Bytes);
            json.WriteNumber("firstSequence", report.FirstSequence);
            json.WriteNumber("lastSequence", report.LastSequence);
            json.WriteNumber("malformed", report.Malformed);
            json.WriteNumber("indexEntries", report.IndexEntries);
            json.WriteStartArray("faults");
            foreach (var f in report.Faults)
            {
                json.WriteStartObject();
                json.WriteString("file", f.File);
                json.WriteNumber("offset", f.Offset);
                json.WriteNumber("sequence", f.Sequence);
                json.WriteString("reason", f.Reason);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        else
        {
            var text = output.Text;
            text.WriteLine(report.Clean ? $"{directory}: clean" : $"{directory}: {report.Faults.Count} fault{(report.Faults.Count == 1 ? "" : "s")}");
            text.WriteLine($"  segments {report.Segments}, records {report.Records:N0}, bytes {report.Bytes:N0}, " +
                $"sequences {report.FirstSequence}..{report.LastSequence}, index entries {report.IndexEntries:N0}, malformed payloads {report.Malformed:N0}");
            if (report.FirstSequence > 1)
                text.WriteLine($"  starts after sequence 1 (earlier segments removed or archived): rebuilding needs a snapshot at or after sequence {report.FirstSequence - 1}");
            foreach (var f in report.Faults) text.WriteLine($"  fault: {f}");
        }
        return report.Clean ? 0 : 1;
    }
}
