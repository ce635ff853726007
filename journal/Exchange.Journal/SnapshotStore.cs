// Snapshot files next to a journal: the engine's state at a sequence, with its state hash and a CRC. Written
// atomically (temp file, fsync, rename, fsync the directory), so a crash leaves the old set intact; read
// newest first, skipping (and reporting) any that fail their checks.
using System.Buffers.Binary;

namespace Exchange.Journal;

public sealed record SnapshotInfo(string Path, long Sequence, long StateHash, long BodyLength);

public sealed class SnapshotStore(string directory)
{
    public const string Extension = ".snapshot";
    private const int HeaderLength = 48;
    private static ReadOnlySpan<byte> Magic => "EXSNAP\0\u0001"u8;

    public string Directory { get; } = directory;

    /// <summary>Writes a snapshot of the state at <paramref name="sequence"/>; <paramref name="writeBody"/> serialises it.</summary>
    public SnapshotInfo Write(long sequence, long stateHash, Action<Stream> writeBody)
    {
        PrivateFiles.CreateDirectory(Directory);
        string path = System.IO.Path.Combine(Directory, $"{sequence:D20}{Extension}");
        string temp = path + ".tmp";
        long bodyLength;
        try
        {
            bodyLength = WriteTemp(temp, sequence, stateHash, writeBody);
            File.Move(temp, path, overwrite: true);
            NativeFile.SyncDirectory(Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk, say: the snapshot is not written, and no half-written file is left to be mistaken for one.
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw new IOException($"snapshot at sequence {sequence} not written to {Directory}: {e.Message}", e);
        }
        return new SnapshotInfo(path, sequence, stateHash, bodyLength);
    }

    /// <summary>Takes a snapshot file written elsewhere (received whole, already fsynced and checked) into the store as
    /// the snapshot at <paramref name="sequence"/>: renamed into place, the directory fsynced.</summary>
    public string Adopt(string file, long sequence)
    {
        PrivateFiles.CreateDirectory(Directory);
        string path = System.IO.Path.Combine(Directory, $"{sequence:D20}{Extension}");
        File.Move(file, path, overwrite: true);
        NativeFile.SyncDirectory(Directory);
        return path;
    }

    private static long WriteTemp(string temp, long sequence, long stateHash, Action<Stream> writeBody)
    {
        long bodyLength;
        using (var file = PrivateFiles.OpenWrite(temp, FileMode.Create, FileShare.None, 1 << 20))
        {
            file.Write(new byte[HeaderLength]);
            var crc = new CrcStream(file);
            writeBody(crc);
            bodyLength = file.Position - HeaderLength;
            Span<byte> header = stackalloc byte[HeaderLength];
            Magic.CopyTo(header);
            BinaryPrimitives.WriteInt64LittleEndian(header[8..], sequence);
            BinaryPrimitives.WriteInt64LittleEndian(header[16..], stateHash);
            BinaryPrimitives.WriteInt64LittleEndian(header[24..], bodyLength);
            BinaryPrimitives.WriteUInt32LittleEndian(header[32..], crc.Crc);
            BinaryPrimitives.WriteUInt32LittleEndian(header[44..], Crc32C.Compute(header[..44]));
            file.Position = 0;
            file.Write(header);
            file.Flush(flushToDisk: true);
        }
        return bodyLength;
    }

    /// <summary>Every snapshot file, newest (highest sequence) first, unchecked.</summary>
    public List<string> Newest()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var files = System.IO.Directory.GetFiles(Directory, "*" + Extension).ToList();
        files.Sort((a, b) => string.CompareOrdinal(b, a));
        return files;
    }

    /// <summary>Checks a snapshot file whole (header and body CRC); returns why it is unusable, or null.</summary>
    public static string? Check(string path, out SnapshotInfo? info)
    {
        info = null;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            Span<byte> header = stackalloc byte[HeaderLength];
            if (file.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false) < HeaderLength) return "shorter than a snapshot header";
            if (!header[..8].SequenceEqual(Magic)) return "wrong magic: not a snapshot";
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[44..]) != Crc32C.Compute(header[..44])) return "header CRC mismatch";
            long length = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
            if (length != file.Length - HeaderLength) return $"body is {file.Length - HeaderLength} bytes, header says {length}";
            var crc = new CrcStream(file);
            crc.CopyTo(Stream.Null);
            if (crc.Crc != BinaryPrimitives.ReadUInt32LittleEndian(header[32..])) return "body CRC mismatch";
            info = new SnapshotInfo(path, BinaryPrimitives.ReadInt64LittleEndian(header[8..]), BinaryPrimitives.ReadInt64LittleEndian(header[16..]), length);
            return null;
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    /// <summary>Opens a checked snapshot's body for reading.</summary>
    public static Stream OpenBody(SnapshotInfo info)
    {
        var file = new FileStream(info.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        file.Position = HeaderLength;
        return file;
    }

    /// <summary>The newest snapshot that passes its checks at or before <paramref name="atOrBefore"/>; the ones skipped
    /// on the way, with why, go to <paramref name="skipped"/>.</summary>
    public SnapshotInfo? NewestValid(List<string> skipped, long atOrBefore = long.MaxValue)
    {
        foreach (string path in Newest())
        {
            // Names carry the sequence, so snapshots beyond the limit are not even opened.
            string name = System.IO.Path.GetFileName(path);
            if (name.Length >= 20 && long.TryParse(name.AsSpan(0, 20), out long named) && named > atOrBefore) continue;
            string? problem = Check(path, out var info);
            if (problem != null) { skipped.Add($"{path}: {problem}"); continue; }
            if (info!.Sequence <= atOrBefore) return info;
        }
        return null;
    }

    /// <summary>Passes bytes through, computing their CRC32C.</summary>
    private sealed class CrcStream(Stream inner) : Stream
    {
        public uint Crc { get; private set; }
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => inner.CanWrite;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            Crc = Crc32C.Append(Crc, buffer[..n]);
            return n;
        }
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Crc = Crc32C.Append(Crc, buffer);
            inner.Write(buffer);
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
