// Random bytes over random regions of a closed journal: reading and opening either give back a prefix of the
// original records or fail with a journal error; never wrong data, never another kind of exception.
using Exchange.Journal.CrashWriter;

namespace Exchange.Journal.Tests;

public sealed class FuzzTests : IDisposable
{
    private const long Last = 1500;
    private const long SegmentSize = 8192;
    private readonly TempJournal _journal = new();

    public void Dispose() => _journal.Dispose();

    /// <summary>Reads from <paramref name="from"/>: whatever comes back must be the original records in order.
    /// Returns how many were read; a journal error may end the read, anything else fails the test.</summary>
    private int ReadChecked(long from, string context)
    {
        int count = 0;
        try
        {
            using var reader = JournalReader.Open(_journal.Directory, from);
            while (reader.TryRead(out var record) == ReadStatus.Record)
            {
                Assert.True(record.Sequence == from + count, $"{context}: read sequence {record.Sequence}, expected {from + count}");
                Assert.True(record.Payload.SequenceEqual(CrashPayload.For(record.Sequence)), $"{context}: wrong payload at {record.Sequence}");
                Assert.Equal(CrashPayload.Timestamp(record.Sequence), record.Timestamp);
                Assert.Equal(CrashPayload.Type(record.Sequence), record.Type);
                Assert.Equal(CrashPayload.Version(record.Sequence), record.Version);
                count++;
            }
        }
        catch (JournalException)
        {
        }
        return count;
    }

    [Fact]
    public void Random_overwrites_yield_a_prefix_of_the_records_or_a_journal_error()
    {
        _journal.WriteRecords(1, Last, SegmentSize);
        var original = Directory.GetFiles(_journal.Directory).ToDictionary(p => p, File.ReadAllBytes);
        var random = new Random(2024);
        int refusedOpens = 0, cleanOpens = 0, repairs = 0;

        for (int iteration = 0; iteration < 100; iteration++)
        {
            foreach (var path in Directory.GetFiles(_journal.Directory)) File.Delete(path);
            foreach (var (path, bytes) in original) File.WriteAllBytes(path, bytes);

            var files = original.Keys.Where(p => p.EndsWith(JournalFormat.SegmentExtension) || random.Next(4) == 0).ToArray();
            // Favour the last segments: that is where recovery decides what to keep.
            var damage = new List<string>();
            for (int region = random.Next(1, 4); region > 0; region--)
            {
                string path = random.Next(3) == 0 ? files[^1] : files[random.Next(files.Length)];
                long length = new FileInfo(path).Length;
                if (length == 0) continue;
                long offset = random.NextInt64(length);
                var bytes = new byte[random.Next(3) == 0 ? 1 : random.Next(1, 65)];
                random.NextBytes(bytes);
                Journal.WriteBytes(path, offset, bytes);
                damage.Add($"{Path.GetFileName(path)}@{offset}+{bytes.Length}");
            }
            string context = $"iteration {iteration} ({string.Join(", ", damage)})";

            ReadChecked(1, context);
            ReadChecked(random.NextInt64(1, Last + 1), context);

            bool repair = random.Next(4) == 0;
            try
            {
                using var writer = JournalWriter.Open(_journal.Options(SegmentSize, repair: repair), out var report);
                if (report.Action == RecoveryAction.RepairedCorruption) repairs++;
                cleanOpens++;
                Assert.True(writer.LastSequence <= Last, context);
                int read = ReadChecked(1, context + " after open");
                Assert.True(read <= writer.LastSequence, context);
            }
            catch (JournalException)
            {
                refusedOpens++;
            }
            ReadChecked(1, context + " after recovery");
        }

        Assert.True(refusedOpens > 0 && cleanOpens > 0, $"refused {refusedOpens}, opened {cleanOpens} ({repairs} repaired)");
    }
}
