// stats: what a journal holds (records per message type) and how fast it came in (records per time bucket).
using System.Globalization;
using Exchange.Journal;

namespace Exchange.Replay.Tool;

internal static class Stats
{
    public static int Run(Arguments args, Output output)
    {
        string directory = Commands.JournalDirectory(args.Expect("stats", "DIR")[0]);
        double bucketSeconds = 1;
        if (args.Get("bucket") is { } b && (!double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out bucketSeconds) || !(bucketSeconds >= 1e-9) || bucketSeconds > 1e9))
            throw new UsageException($"--bucket must be a positive number of seconds, not '{b}'");
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

        if (args.Flag("json"))
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
