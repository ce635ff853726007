// position: how far a replica has come (its journal's last record and its checkpoint's durable sequence), what an
// operator reads on each replica to see which is behind. compare prints the same for both directories.
using System.CommandLine;
using System.Text.Json;

namespace Exchange.Replay.Tool;

internal static class Position
{
    public static Command Command()
    {
        var directory = Commands.Directory();
        var json = Commands.Json();
        var command = new Command("position", """
            A replica's replication position: its journal's last sequence and that record's timestamp, and the
            durable sequence its journal.checkpoint records (which may lag the last record, never lead it). Reads
            only the newest segment holding records: cheap enough to poll; `verify` checks the rest.
            """) { directory, json };
        command.SetAction(r => Run(Commands.JournalDirectory(r.GetValue(directory)!), r.GetValue(json)));
        return command;
    }

    private static int Run(string directory, bool asJson)
    {
        using var output = new Output();
        var position = ReplicaPosition.Of(directory);
        if (asJson)
        {
            output.Json.WriteStartObject();
            WriteJson(output.Json, directory, position);
            output.Json.WriteEndObject();
        }
        else output.Text.WriteLine($"{directory}: {Describe(position)}");
        output.Dispose();
        return Commands.Stopped(directory, position.StoppedAt, "position");
    }

    public static string Describe(ReplicaPosition position) =>
        (position.LastTimestamp is { } time ? $"last sequence {position.LastSequence} at {Timestamps.Iso(time)}" : $"no records (last sequence {position.LastSequence})")
        + (position.DurableSequence is { } durable ? $", durable {durable}" : ", no checkpoint");

    /// <summary>The position's fields, into the object being written; absent values are null, so every field is always there.</summary>
    public static void WriteJson(Utf8JsonWriter json, string directory, ReplicaPosition position)
    {
        json.WriteString("directory", directory);
        json.WriteNumber("lastSequence", position.LastSequence);
        if (position.LastTimestamp is { } time)
        {
            json.WriteString("lastTimestamp", Timestamps.Iso(time));
            json.WriteNumber("lastTimestampNs", time);
        }
        else
        {
            json.WriteNull("lastTimestamp");
            json.WriteNull("lastTimestampNs");
        }
        if (position.DurableSequence is { } durable) json.WriteNumber("durableSequence", durable);
        else json.WriteNull("durableSequence");
        if (position.StoppedAt != null) json.WriteString("stoppedAt", position.StoppedAt);
    }
}
