// verify: clean journals pass; each kind of damage is reported with exit 1; nothing is written.
using System.Buffers.Binary;
using System.Security.Cryptography;
using Exchange.Journal;

namespace Exchange.Replay.Tests;

public sealed class VerifyTests : IDisposable
{
    private readonly TestJournal _journal = new(Workload.Generate(3000, seed: 3));

    public void Dispose() => _journal.Dispose();

    private static List<string> Faults(ToolResult result) =>
        result.Json.GetProperty("faults").EnumerateArray().Select(f => $"{f.GetProperty("file").GetString()}: {f.GetProperty("reason").GetString()}").ToList();

    private string DirectoryDigest() => string.Join(",", Directory.GetFiles(_journal.Directory, "*", SearchOption.AllDirectories).Order()
        .Select(f => $"{Path.GetFileName(f)}:{Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}"));

    [Fact]
    public void A_clean_journal_passes_with_its_summary()
    {
        var result = Tools.Replay("verify", _journal.Directory, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json;
        Assert.True(json.GetProperty("clean").GetBoolean());
        Assert.Equal(_journal.Segments.Count, json.GetProperty("segments").GetInt32());
        Assert.True(_journal.Segments.Count > 5, "the workload should span several segments");
        Assert.Equal(_journal.LastSequence, json.GetProperty("records").GetInt64());
        Assert.Equal(1, json.GetProperty("firstSequence").GetInt64());
        Assert.Equal(_journal.LastSequence, json.GetProperty("lastSequence").GetInt64());
        Assert.Equal(1, json.GetProperty("malformed").GetInt64());
        Assert.True(json.GetProperty("indexEntries").GetInt64() > _journal.Segments.Count);
        Assert.Empty(json.GetProperty("faults").EnumerateArray());
    }

    [Fact]
    public void A_flipped_bit_in_a_record_is_a_CRC_fault_in_that_segment()
    {
        string segment = _journal.Segments[2];
        FlipBit(segment, JournalFormat.SegmentHeaderLength + 500);

        var result = Tools.Replay("verify", _journal.Directory, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.False(result.Json.GetProperty("clean").GetBoolean());
        Assert.Contains(Faults(result), f => f.StartsWith(segment, StringComparison.Ordinal) && f.Contains("CRC mismatch"));
    }

    [Fact]
    public void A_missing_segment_is_reported_as_missing_sequences()
    {
        var segments = _journal.Segments;
        File.Delete(segments[3]);

        var result = Tools.Replay("verify", _journal.Directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("missing", result.Stdout);
        Assert.Contains(Path.GetFileName(segments[4]), result.Stdout);  // the gap shows where the next segment starts
    }

    [Fact]
    public void A_torn_tail_is_reported_and_left_as_it_is()
    {
        string last = _journal.Segments[^1];
        _journal.TearLastRecord();
        string before = DirectoryDigest();

        var result = Tools.Replay("verify", _journal.Directory, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(Faults(result), f => f.StartsWith(last, StringComparison.Ordinal) && f.Contains("torn tail"));
        Assert.Equal(_journal.LastSequence - 1, result.Json.GetProperty("lastSequence").GetInt64());
        Assert.Equal(before, DirectoryDigest());
    }

    [Fact]
    public void An_index_entry_pointing_between_records_is_a_fault()
    {
        string index = SegmentDirectory.IndexPath(_journal.Directory, SegmentDirectory.List(_journal.Directory)[1].FirstSequence);
        byte[] bytes = File.ReadAllBytes(index);
        Assert.True(bytes.Length >= 32, "the segment should have at least two index entries");
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16 + 8), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16 + 8)) + 8);
        File.WriteAllBytes(index, bytes);

        var result = Tools.Replay("verify", _journal.Directory, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(Faults(result), f => f.StartsWith(index, StringComparison.Ordinal) && f.Contains("points between records"));
    }

    [Fact]
    public void An_index_entry_naming_the_wrong_sequence_is_a_fault()
    {
        string index = SegmentDirectory.IndexPath(_journal.Directory, SegmentDirectory.List(_journal.Directory)[2].FirstSequence);
        byte[] bytes = File.ReadAllBytes(index);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16)) + 1);
        File.WriteAllBytes(index, bytes);

        var result = Tools.Replay("verify", _journal.Directory, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(Faults(result), f => f.Contains("the record there has sequence"));
    }

    [Fact]
    public void A_segment_without_its_closed_marker_before_a_later_segment_is_a_fault()
    {
        string segment = _journal.Segments[1];
        byte[] bytes = File.ReadAllBytes(segment);
        int marker = FindClosedMarker(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(marker), 0);
        File.WriteAllBytes(segment, bytes);

        var result = Tools.Replay("verify", _journal.Directory, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(Faults(result), f => f.StartsWith(segment, StringComparison.Ordinal) && f.Contains("without the closed marker"));
    }

    [Fact]
    public void Every_fault_is_listed_not_just_the_first()
    {
        FlipBit(_journal.Segments[1], JournalFormat.SegmentHeaderLength + 300);
        FlipBit(_journal.Segments[4], JournalFormat.SegmentHeaderLength + 300);

        var result = Tools.Replay("verify", _journal.Directory, "--json");

        Assert.Equal(1, result.ExitCode);
        var faults = Faults(result);
        Assert.Contains(faults, f => f.StartsWith(_journal.Segments[1], StringComparison.Ordinal));
        Assert.Contains(faults, f => f.StartsWith(_journal.Segments[4], StringComparison.Ordinal));
    }

    [Fact]
    public void A_damaged_segment_header_is_a_fault()
    {
        FlipBit(_journal.Segments[2], 30);

        var result = Tools.Replay("verify", _journal.Directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("bad segment header", result.Stdout);
    }

    private static void FlipBit(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        int b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ 0x04));
    }

    /// <summary>Offset of the closed marker: walk the records by their length words.</summary>
    private static int FindClosedMarker(byte[] segment)
    {
        int at = JournalFormat.SegmentHeaderLength;
        while (true)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(segment.AsSpan(at));
            if (length == JournalFormat.SegmentClosed) return at;
            Assert.True(length > 0, "a closed segment ends in the closed marker");
            at += JournalFormat.Aligned(length);
        }
    }
}
