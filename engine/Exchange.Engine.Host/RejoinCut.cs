// A cut of this member's journal that its leader asked for (see TermHistory): recorded durably in `rejoin.cut` while
// the engine runs, and carried out at the next start before the journal is opened, so a crash at any point either
// leaves the request to be carried out or has carried it out. Carrying it out cuts the journal (JournalCut), removes
// the snapshots past the cut and the leaderships that began after it.
using System.Globalization;
using Exchange.Engine.Recovery;
using Exchange.Journal;

namespace Exchange.Engine.Host;

internal static class RejoinCut
{
    public const string FileName = "rejoin.cut";

    public static void Request(string journalDirectory, long sequence) =>
        PrivateFiles.ReplaceDurably(Path.Combine(journalDirectory, FileName), System.Text.Encoding.ASCII.GetBytes(sequence.ToString(CultureInfo.InvariantCulture) + "\n"));

    /// <summary>Carries out a requested cut, if any; says what it did (null: nothing was requested).</summary>
    /// <exception cref="InvalidDataException">The request file is not a sequence.</exception>
    public static string? ApplyPending(string journalDirectory)
    {
        string path = Path.Combine(journalDirectory, FileName);
        if (!File.Exists(path)) return null;
        string text = File.ReadAllText(path).Trim();
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long sequence))
            throw new InvalidDataException($"{path}: not a sequence ('{text}')");
        long removed = JournalCut.After(journalDirectory, sequence);
        int snapshots = 0;
        foreach (string snapshot in new SnapshotStore(StateRebuild.SnapshotDirectory(journalDirectory)).Newest())
        {
            string name = Path.GetFileNameWithoutExtension(snapshot);
            if (long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out long at) && at > sequence)
            {
                File.Delete(snapshot);
                snapshots++;
            }
        }
        TermHistory.Open(journalDirectory, long.MaxValue).CutAfter(sequence);
        File.Delete(path);
        return $"journal cut after sequence {sequence} as the leader asked: {removed} record(s) the cluster never had removed" +
            (snapshots > 0 ? $", and {snapshots} snapshot(s) past the cut" : "");
    }
}
