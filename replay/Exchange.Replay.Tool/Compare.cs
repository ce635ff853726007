// compare: whether two replicas' data directories hold the same state. Each is rebuilt as rebuild does, under its
// own engine.json, to the lower of the two last sequences (a standby may be behind and still right), and the state
// hashes are compared; when they differ, the journals are diffed to name the first record where they part.
using System.CommandLine;
using System.Text.Json;
using Exchange.Engine;
using Exchange.Engine.Recovery;

namespace Exchange.Replay.Tool;

internal static class Compare
{
    public static Command Command()
    {
        var a = Commands.Directory("DIR_A");
        var b = Commands.Directory("DIR_B");
        var noSnapshots = Rebuild.NoSnapshots();
        var json = Commands.Json();
        var command = new Command("compare", """
            Compares the state two replicas (say primary and standby) hold: prints each one's position (last
            sequence and its timestamp, durable sequence), rebuilds both to the lower last sequence from their
            snapshots and journals under their own engine.json, and prints the two state hashes. Exit 0 if they
            are equal, 1 if they differ, naming the first differing record when the journals differ there.
            """) { a, b, noSnapshots, json };
        command.SetAction(r =>
        {
            string dirA = Commands.JournalDirectory(r.GetValue(a)!), dirB = Commands.JournalDirectory(r.GetValue(b)!);
            // Both configs before any replay, so a bad engine.json is refused at once rather than after a long one.
            var configA = ReplayConfig.Load(dirA, null).Engine;
            var configB = ReplayConfig.Load(dirB, null).Engine;
            return Run(dirA, configA, dirB, configB, !r.GetValue(noSnapshots), r.GetValue(json));
        });
        return command;
    }

    private sealed record Replica(string Directory, ReplicaPosition Position, long StateHash, RebuildReport Report);

    private static int Run(string dirA, EngineConfig configA, string dirB, EngineConfig configB, bool useSnapshots, bool asJson)
    {
        using var output = new Output();
        var positionA = ReplicaPosition.Of(dirA);
        var positionB = ReplicaPosition.Of(dirB);
        long common = Math.Min(positionA.LastSequence, positionB.LastSequence);
        var a = Rebuilt(dirA, configA, positionA, common, useSnapshots, "compare (A)");
        var b = Rebuilt(dirB, configB, positionB, common, useSnapshots, "compare (B)");
        bool equal = a.StateHash == b.StateHash;
        // Only a difference is worth a second pass over both journals; the diff reads records without applying them.
        DiffReport? diff = null;
        if (!equal)
            using (var progress = new Progress("compare (diff)"))
                diff = JournalDiff.Compare(dirA, dirB, progress.Report);
        bool journalsDiffer = diff?.Outcome == DiffOutcome.Differ;

        if (asJson)
        {
            var json = output.Json;
            json.WriteStartObject();
            json.WriteBoolean("equal", equal);
            json.WriteNumber("commonSequence", common);
            WriteSide(json, "a", a);
            WriteSide(json, "b", b);
            if (journalsDiffer)
            {
                json.WriteNumber("firstDifferentSequence", diff!.Sequence);
                json.WriteString("difference", diff.What);
            }
            json.WriteEndObject();
        }
        else
        {
            var text = output.Text;
            text.WriteLine($"A {a.Directory}: {Position.Describe(a.Position)}");
            text.WriteLine($"B {b.Directory}: {Position.Describe(b.Position)}");
            text.WriteLine($"at sequence {common}: stateHash A {a.StateHash:x16} ({Start(a.Report)}), B {b.StateHash:x16} ({Start(b.Report)})");
            foreach (var side in (ReadOnlySpan<Replica>)[a, b])
                foreach (string skipped in side.Report.SkippedSnapshots) text.WriteLine($"  skipped snapshot {skipped}");
            if (equal) text.WriteLine($"equal: the same state at sequence {common}");
            else if (journalsDiffer) text.WriteLine($"differ: the journals {diff!.Describe()}");
            else text.WriteLine($"differ: the journals are identical through sequence {common}, so the state parts in a snapshot or " +
                "engine.json (--no-snapshots replays the journals alone)");
        }
        output.Dispose();
        Commands.Stopped(a.Directory, a.Position.StoppedAt ?? a.Report.Replayed.StoppedAt, "compare (reading A)");
        Commands.Stopped(b.Directory, b.Position.StoppedAt ?? b.Report.Replayed.StoppedAt, "compare (reading B)");
        return equal ? 0 : 1;
    }

    private static Replica Rebuilt(string directory, EngineConfig config, ReplicaPosition position, long toSequence, bool useSnapshots, string verb)
    {
        var (engine, report) = Rebuild.Replay(directory, config, toSequence, useSnapshots, verb);
        return new Replica(directory, position, engine.StateHash(), report);
    }

    private static string Start(RebuildReport report) =>
        report.Snapshot == null ? "full replay" : $"from snapshot at sequence {report.Snapshot.Sequence}";

    private static void WriteSide(Utf8JsonWriter json, string name, Replica side)
    {
        json.WriteStartObject(name);
        Position.WriteJson(json, side.Directory, side.Position);
        json.WriteString("stateHash", side.StateHash.ToString("x16"));
        json.WriteString("start", side.Report.Snapshot == null ? "journal" : "snapshot");
        if (side.Report.Snapshot != null) json.WriteNumber("snapshotSequence", side.Report.Snapshot.Sequence);
        json.WriteStartArray("skippedSnapshots");
        foreach (string skipped in side.Report.SkippedSnapshots) json.WriteStringValue(skipped);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
