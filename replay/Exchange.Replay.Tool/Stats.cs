// stats: what a journal holds (records per message type) and how fast it came in (records per time bucket).
using System.CommandLine;
using System.Globalization;
using Exchange.Journal;

namespace Exchange.Replay.Tool;

internal static class Stats
{
    public static Command Command()
    {
        var directory = Commands.Directory();
        var bucket = new Option<double>("--bucket")
        {
            Description = "width of a rate bucket (fractions allowed)",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 1,
            CustomParser = r =>
            {
                string text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 1e-9 && seconds <= 1e9) return seconds;
                r.AddError($"--bucket must be a positive number of seconds, not '{text}'");
                return 1;
            },
        };
        var json = Commands.Json();
        var command = new Command("stats", """
            Records per message type (and malformed ones), and the input rate over time: records per bucket of
            sequencer time.
            """) { directory, bucket, json };
        command.SetAction(r => Run(Commands.JournalDirectory(r.GetValue(directory)!), r.GetValue(bucket), r.GetValue(json)));
        return command;
    }

    private static int Run(string directory, double bucketSeconds, bool asJson)
    {
        using var output = new Output();
        long bucketNs = Math.Max(1, (long)Math.Round(bucketSeconds * 1e9));

        var types = new SortedDictionary<int, long>();
        var buckets = new SortedDictionary<long, long>();
        string? stoppedAt;
        long records = 0, malformed = 0, first = 0, last = 0, firstTime = 0, lastTime = 0;
        using (var progress = new Progress("stats"))
        using (var reader = JournalReader.Open(directory))
        {
            while (reader.TryRead(out var record) == ReadStatus.Record)
            {
                if (records++ == 0) { first = record.Sequence; firstTime = record.Timestamp; }
                last = record.Sequence;
                lastTime = record.Timestamp;
                types[record.Type] = types.GetValueOrDefault(record.Type) + 1;
                if (CommandDescription.Of(record.Payload).Malformed) malformed++;
                long bucket = Math.DivRem(record.Timestamp, bucketNs, out long rem) - (rem < 0 ? 1 : 0);
                buckets[bucket] = buckets.GetValueOrDefault(bucket) + 1;
                progress.Report(record.Sequence, records);
            }
            stoppedAt = reader.TailProblem;
        }
        long peak = buckets.Count == 0 ? 0 : buckets.Values.Max();

        if (asJson)
        {
            var json = output.Json;
            json.WriteStartObject();
            json.WriteNumber("records", records);
            json.WriteNumber("firstSequence", first);
            json.WriteNumber("lastSequence", last);
            json.WriteString("firstTimestamp", Timestamps.Iso(firstTime));
            json.WriteString("lastTimestamp", Timestamps.Iso(lastTime));
            json.WriteNumber("malformed", malformed);
            json.WriteStartObject("types");
            foreach (var (type, count) in types) json.WriteNumber(MessageTypes.NameOf(type), count);
            json.WriteEndObject();
            json.WriteNumber("bucketSeconds", bucketSeconds);
            json.WriteNumber("peakRecordsPerBucket", peak);
            json.WriteStartArray("buckets");
            foreach (var (bucket, count) in buckets)
            {
                json.WriteStartObject();
                json.WriteString("start", Timestamps.Iso(bucket * bucketNs));
                json.WriteNumber("startNs", bucket * bucketNs);
                json.WriteNumber("records", count);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        else
        {
            var text = output.Text;
            text.WriteLine($"{records:N0} records, sequences {first}..{last}, {Timestamps.Iso(firstTime)} .. {Timestamps.Iso(lastTime)}");
            text.WriteLine("by type:");
            foreach (var (type, count) in types)
                text.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {MessageTypes.NameOf(type),-14} {count,12:N0} {100.0 * count / records,6:F1}%"));
            text.WriteLine($"  malformed      {malformed,12:N0}");
            text.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rate: records per {bucketSeconds:G} s bucket (empty buckets omitted; peak {peak:N0}, {peak / bucketSeconds:N0}/s)"));
            foreach (var (bucket, count) in buckets)
                text.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Timestamps.Iso(bucket * bucketNs)} {count,12:N0} {count / bucketSeconds,14:N0}/s"));
        }
        output.Dispose();
        return Commands.Stopped(directory, stoppedAt, "stats");
    }
}
