// dump: the journal's records in words, filtered by sequence, time, type, account or symbol; with --sbe also each
// record's SBE message decoded by the exchange schema, and where it lies in its segment file.
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Exchange.Hosting;
using Exchange.Journal;

namespace Exchange.Replay.Tool;

internal static class Dump
{
    public static Command Command()
    {
        var directory = Commands.Directory();
        var fromSeq = Cli.Integer("--from-seq", "first sequence (sought through the sparse index)", 1L, 1L, long.MaxValue);
        var toSeq = Cli.Integer("--to-seq", "last sequence", 1L, long.MaxValue);
        var fromTime = Time("--from-time", "records stamped at or after T (ns since the epoch, or ISO-8601, UTC by default)");
        var toTime = Time("--to-time", "records stamped at or before T");
        var type = Parsed<int>("--type",
            $"only this message type ({string.Join(", ", MessageTypes.Commands.Select(c => c.Name))}, or a template id)", "NAME|ID",
            MessageTypes.TryParse, text => $"--type: unknown message type '{text}'");
        var account = Cli.Integer("--account", "only commands of this account", long.MinValue, long.MaxValue);
        account.HelpName = "A";
        var symbol = Cli.Integer("--symbol", "only commands naming this symbol id", int.MinValue, int.MaxValue);
        symbol.HelpName = "S";
        var sbe = new Option<bool>("--sbe")
        {
            Description = "also each record's SBE message, field by field with enum names, as `exchange-sbe decode --schema codecs/exchange.xml` " +
                "shows it, and the segment file and offset it starts at",
        };
        var json = Commands.Json("one JSON object per line");
        var command = new Command("dump", """
            One line per record: sequence, timestamp (ISO-8601 UTC and raw ns), message type and the decoded
            command's fields; with --sbe the record's SBE message under it; with --json one JSON object per line.
            """) { directory, fromSeq, toSeq, fromTime, toTime, type, account, symbol, sbe, json };
        command.SetAction(r => Run(Commands.JournalDirectory(r.GetValue(directory)!), new Filter(r.GetValue(fromSeq), r.GetValue(toSeq) ?? long.MaxValue,
            r.GetValue(fromTime) ?? long.MinValue, r.GetValue(toTime) ?? long.MaxValue, r.GetValue(type), r.GetValue(account), r.GetValue(symbol)),
            r.GetValue(sbe), r.GetValue(json)));
        return command;
    }

    private sealed record Filter(long FromSeq, long ToSeq, long FromTime, long ToTime, int? Type, long? Account, int? Symbol);

    private static Option<long?> Time(string name, string description) =>
        Parsed<long>(name, description, "T", Timestamps.TryParse,
            text => $"{name} must be nanoseconds since the epoch or an ISO-8601 time, not '{text}'");

    private delegate bool TryParse<T>(string text, out T value);

    /// <summary>An option that may be left out (null), read from its last token by <paramref name="tryParse"/>; a
    /// value it refuses is an error worded by <paramref name="error"/>.</summary>
    private static Option<T?> Parsed<T>(string name, string description, string helpName, TryParse<T> tryParse, Func<string, string> error)
        where T : struct => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = r =>
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
            if (tryParse(text, out T value)) return value;
            r.AddError(error(text));
            return null;
        },
    };

    private static int Run(string directory, Filter filter, bool sbe, bool json)
    {
        using var output = new Output();
        var (fromSeq, toSeq, fromTime, toTime, type, account, symbol) = filter;
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
            string? error = null;
            var message = sbe ? SbeView.Decode(record.Payload, out error) : null;
            string segment = reader.CurrentSegment!;
            long offset = record.Offset + JournalFormat.RecordHeaderLength;
            if (json)
            {
                var writer = output.Json;
                writer.WriteStartObject();
                WriteJson(writer, record, command);
                if (sbe) SbeView.WriteJson(writer, message, error, segment, offset);
                writer.WriteEndObject();
                output.EndJsonLine();
            }
            else
            {
                output.Text.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{record.Sequence}  {Timestamps.Iso(record.Timestamp)} ({record.Timestamp})  {command.Text}"));
                if (sbe) SbeView.WriteText(output.Text, message, error, segment, offset);
            }
        }
        output.Dispose();
        return reader.NextSequence <= toSeq ? Commands.Stopped(directory, reader.TailProblem, "dump") : 0;
    }

    private static void WriteJson(System.Text.Json.Utf8JsonWriter json, in JournalRecord record, CommandDescription command)
    {
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
    }
}
