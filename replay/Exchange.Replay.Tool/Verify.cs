// verify: every check JournalVerifier makes, as a summary and a list of faults.
namespace Exchange.Replay.Tool;

internal static class Verify
{
    public static int Run(Arguments args, Output output)
    {
        string directory = args.Expect("verify", "DIR")[0];
        if (!Directory.Exists(directory)) throw new UsageException($"{directory}: no such directory");
        VerifyReport report;
        using (var progress = new Progress("verify")) report = JournalVerifier.Verify(directory, progress.Report);
        if (args.Flag("json"))
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
            foreach (var f in report.Faults) text.WriteLine($"  fault: {f}");
        }
        return report.Clean ? 0 : 1;
    }
}
