// dump: the journal's records in words, filtered by sequence, time, type, account or symbol.
using System.Globalization;
using Exchange.Journal;

namespace Exchange.Replay.Tool;

internal static class Dump
{
    public static int Run(Arguments args, Output output)
    {
        string directory = Commands.JournalDirectory(args.Expect("dump", "DIR")[0]);
        long fromSeq = args.GetLong("from-seq", min: 1) ?? 1;
        long toSeq = args.GetLong("to-seq", min: 1) ?? long.MaxValue;
        long fromTime = args.Get("from-time") is { } ft ? Timestamps.Parse(ft, "from-time") : long.MinValue;
        long toTime = args.Get("to-time") is { } tt ? Timestamps.Parse(tt, "to-time") : long.MaxValue;
        int? type = null;
        if (args.Get("type") is { } typeText)
            type = MessageTypes.TryParse(typeText, out int id) ? id : throw new UsageException($"--type: unknown message type '{typeText}'");
        long? account = args.GetLong("account");
        long? symbolArg = args.GetLong("symbol");
        int? symbol = symbolArg is { } s ? (s is >= int.MinValue and <= int.MaxValue ? (int)s : throw new UsageException("--symbol is out of range")) : null;
        bool json = args.Flag("json");

        // A dump to a terminal shows itself; one redirected to a file gets a progress line.
        using var progress = new Progress("dump", enabled: Console.IsOutputRedirected);
        using var reader = JournalReader.Open(directory, fromSeq);
        long seen = 0, printed = 0;
        while (reader.NextSequence <= toSeq && reader.TryRead(out var record) == ReadStatus.Record)
        {
            seen++;
            progress.Report(record.Sequence, seen);
            if (record.Timestamp < fromTime || record.Timestamp > toTime) continue;
            if (type != null && record.Type != type) continue;
            var command = CommandDescription.Of(record.Payload);
            if (account != null && command.Account != account) continue;
            if (symbol != null && command.Symbol != symbol) continue;
            printed++;
            if (json) WriteJson(output, record, command);
            else
                output.Text.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{record.Sequence}  {Timestamps.Iso(record.Timestamp)} ({record.Timestamp})  {command.Text}"));
        }
        output.Dispose();
        return reader.NextSequence <= toSeq ? Commands.Stopped(directory, reader.TailProblem, "dump") : 0;
    }

    private static void WriteJson(Output output, in JournalRecord record, CommandDescription command)
    {
        var json = output.Json;
        json.WriteStartObject();
        json.WriteNumber("sequence", record.Sequence);
        json.WriteString("timestamp", Timestamps.Iso(record.Timestamp));
        json.WriteNumber("timestampNs", record.Timestamp);
        json.WriteString("type", MessageTypes.NameOf(record.Type));
        json.WriteNumber("typeId", record.Type);
        json.WriteNumber("version", record.Version);
        if (command.Malformed) json.WriteString("malformed", command.Error.ToString());
        else
        {
            json.WriteString("command", command.Name);
            json.WriteStartObject("fields");
            foreach (var field in command.Fields)
            {
                if (field.Text == null) json.WriteNumber(field.Name, field.Number);
                else if (field.Text is "true" or "false") json.WriteBoolean(field.Name, field.Number != 0);
                else json.WriteString(field.Name, field.Text);
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
        output.EndJsonLine();
    }
}
