// The checkpoint beside the segments: a journal found holding less than was durable is refused (lost acknowledged
// records are not silently forgotten), the operator may accept the loss explicitly, and the checkpoint never
// claims more than the segments hold. And the journal's files are private to the engine's user.
namespace Exchange.Journal.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly TempJournal _journal = new();

    public void Dispose() => _journal.Dispose();

    private string CheckpointPath => Path.Combine(_journal.Directory, "journal.checkpoint");

    [Fact]
    public void A_journal_whose_only_segment_was_emptied_is_refused_naming_the_missing_records()
    {
        _journal.WriteRecords(1, 200);
        var segment = Assert.Single(_journal.Segments);
        File.WriteAllBytes(segment.Path, []);

        var e = Assert.Throws<JournalException>(() => _journal.OpenWriter());
        Assert.Contains("ends at sequence 0 but sequence 200 was durable", e.Message);
        Assert.Contains("records 1..200 are missing", e.Message);
        Assert.Contains("--force-empty", e.Message);
    }

    [Fact]
    public void A_journal_whose_last_segment_lost_records_is_refused()
    {
        _journal.WriteRecords(1, 2_000, segmentSize: 64 << 10);
        Assert.True(_journal.Segments.Count > 2);
        File.Delete(_journal.Segments[^1].Path);

        var e = Assert.Throws<JournalException>(() => _journal.OpenWriter());
        Assert.Contains("but sequence 2000 was durable", e.Message);
    }

    [Fact]
    public void Accepting_the_loss_opens_the_journal_where_it_ends_and_reports_what_was_lost()
    {
        _journal.WriteRecords(1, 200);
        File.WriteAllBytes(Assert.Single(_journal.Segments).Path, []);

        using (var writer = JournalWriter.Open(_journal.Options() with { AcceptLostRecords = true }, out _))
        {
            Assert.Equal(0, writer.LastSequence);
            Assert.Equal((1L, 200L), writer.LostRecords);
            Journal.AppendCrashRecords(writer, 1, 10);
        }
        // Accepted once: the checkpoint now follows the journal, and a plain open works.
        using var again = _journal.OpenWriter();
        Assert.Equal(10, again.LastSequence);
        Assert.Null(again.LostRecords);
    }

    [Fact]
    public void A_journal_written_before_checkpoints_existed_opens_and_gets_one()
    {
        _journal.WriteRecords(1, 50);
        File.Delete(CheckpointPath);
        using (var writer = _journal.OpenWriter()) Assert.Equal(50, writer.LastSequence);
        Assert.True(File.Exists(CheckpointPath));
        File.WriteAllBytes(Assert.Single(_journal.Segments).Path, []);
        Assert.Throws<JournalException>(() => _journal.OpenWriter());
    }

    [Fact]
    public void Under_none_records_counted_durable_at_append_leave_the_checkpoint_to_the_next_commit()
    {
        using (var writer = _journal.OpenWriter(durability: Durability.None))
        {
            long before = ReadCheckpoint();
            for (long sequence = 1; sequence <= 100; sequence++)
            {
                writer.Append(sequence, sequence, 1, 0, new byte[40]);
                writer.CountAppendedDurable();
                Assert.Equal(sequence, writer.DurableSequence);
            }
            Assert.Equal(before, ReadCheckpoint());
            writer.Flush();
            Assert.Equal(100, ReadCheckpoint());
        }
        using var other = new TempJournal();
        using var batch = other.OpenWriter(durability: Durability.Batch);
        batch.Append(1, 1, 1, 0, new byte[40]);
        Assert.Throws<InvalidOperationException>(() => batch.CountAppendedDurable());
        Assert.Equal(0, batch.DurableSequence);
    }

    [Fact]
    public void The_checkpoint_never_names_a_sequence_that_is_not_durable()
    {
        using var writer = _journal.OpenWriter(durability: Durability.Batch);
        for (long sequence = 1; sequence <= 500; sequence++)
        {
            writer.Append(sequence, sequence, 1, 0, new byte[40]);
            if (sequence % 7 == 0) writer.Commit();
            Assert.True(ReadCheckpoint() <= writer.DurableSequence, $"checkpoint {ReadCheckpoint()} ahead of durable {writer.DurableSequence}");
        }
        writer.Flush();
        Assert.True(ReadCheckpoint() <= 500);
    }

    [Fact]
    public void A_damaged_checkpoint_is_refused_not_ignored()
    {
        _journal.WriteRecords(1, 20);
        var bytes = File.ReadAllBytes(CheckpointPath);
        bytes[9] ^= 0xFF;
        File.WriteAllBytes(CheckpointPath, bytes);
        var e = Assert.Throws<JournalException>(() => _journal.OpenWriter());
        Assert.Contains("journal.checkpoint: damaged", e.Message);
    }

    [Fact]
    public void Journal_files_are_readable_by_their_owner_only()
    {
        string directory = Path.Combine(_journal.Directory, "fresh");
        using (var writer = JournalWriter.Open(_journal.Options() with { Directory = directory }, out _))
            Journal.AppendCrashRecords(writer, 1, 100);
        var store = new SnapshotStore(Path.Combine(directory, "snapshots"));
        store.Write(100, 42, body => body.Write(new byte[64]));

        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(directory));
        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(store.Directory));
        var files = Directory.GetFiles(directory, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith(".journal", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".index", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".snapshot", StringComparison.Ordinal));
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == PrivateFiles.FileMode, $"{f} is {File.GetUnixFileMode(f)}"));
    }

    [Fact]
    public void An_existing_journal_directory_open_to_others_is_tightened()
    {
        File.SetUnixFileMode(_journal.Directory, (UnixFileMode)0b111_101_101);
        using (_journal.OpenWriter()) { }
        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(_journal.Directory));
    }

    [Fact]
    public void A_snapshot_that_cannot_be_written_leaves_no_file_behind_and_says_why()
    {
        var store = new SnapshotStore(Path.Combine(_journal.Directory, "snapshots"));
        var e = Assert.Throws<IOException>(() => store.Write(7, 1, body =>
        {
            body.Write(new byte[100]);
            throw new IOException("No space left on device");
        }));
        Assert.Contains("snapshot at sequence 7 not written", e.Message);
        Assert.Contains("No space left on device", e.Message);
        Assert.Empty(Directory.GetFiles(store.Directory));
    }

    private long ReadCheckpoint() => File.ReadAllBytes(CheckpointPath) is { Length: > 0 } bytes ? BitConverter.ToInt64(bytes, 8) : 0;
}
