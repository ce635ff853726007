// A session's message store on disk, so sequence numbers and sent application messages survive a restart:
//   <name>.seqnums  "SSSSSSSSSS : TTTTTTTTTT", the next sender and next target MsgSeqNum (QuickFIX's layout),
//                   rewritten in place on every change;
//   <name>.body     every sent application message exactly as first sent, back to back, so the FIX framing
//                   (BodyLength, CheckSum) delimits and checks each record and `tr '\001' '|'` shows them.
// Both are written (one pwrite each) before the bytes go to the socket; with FileStoreSync=Y, fsync is batched by
// the caller (Sync, at most once per acceptor duty cycle). A crash of the process loses nothing; a crash of the
// machine may lose the last cycle's records (with FileStoreSync) or what the OS had not yet written (without). On open, a torn tail of the body (a message cut short, or zeros the file system left after
// a crash) is truncated; anything else unreadable is an error naming the file and offset.
using System.Globalization;
using Exchange.Fix;
using Microsoft.Win32.SafeHandles;

namespace Exchange.Fix.Session;

internal sealed class MessageStore : IDisposable
{
    private const int SeqNumsLength = 23;
    private const int SeqNumDigits = 10;

    private readonly FileStream _seqNumsFile;
    private readonly FileStream _bodyFile;
    private readonly SafeFileHandle _seqNums;
    private readonly SafeFileHandle _body;
    private readonly IndexEntry[] _index;
    private readonly byte[] _seqNumsText = new byte[SeqNumsLength];
    private long _bodyLength;
    private int _highestStored;
    private bool _dirty;

    private struct IndexEntry
    {
        public int SeqNum;
        public long Offset;
    }

    private MessageStore(string seqNumsPath, string bodyPath, int indexCapacity, int maxMessageLength)
    {
        SeqNumsPath = seqNumsPath;
        BodyPath = bodyPath;
        _index = new IndexEntry[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(indexCapacity, 16))];
        _seqNumsFile = PrivateFiles.Open(seqNumsPath, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        try
        {
            _bodyFile = PrivateFiles.Open(bodyPath, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        }
        catch
        {
            _seqNumsFile.Dispose();
            throw;
        }
        // Written at explicit offsets (RandomAccess), never through the streams.
        _seqNums = _seqNumsFile.SafeFileHandle;
        _body = _bodyFile.SafeFileHandle;
        try
        {
            LoadSeqNums();
            LoadBody(maxMessageLength);
            if (NextSenderMsgSeqNum <= _highestStored) NextSenderMsgSeqNum = _highestStored + 1;
            WriteSeqNums();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Opens (creating when absent) the store of <paramref name="id"/> in <paramref name="directory"/>.
    /// Throws <see cref="FixSessionException"/> when it cannot be read.</summary>
    public static MessageStore Open(string directory, SessionId id, int indexCapacity, int maxMessageLength)
    {
        string name = id.FilePrefix;
        try
        {
            PrivateFiles.CreateDirectory(directory);
            return new MessageStore(Path.Combine(directory, name + ".seqnums"), Path.Combine(directory, name + ".body"), indexCapacity, maxMessageLength);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FixSessionException($"{Path.Combine(directory, name)}: cannot open the message store: {e.Message}");
        }
    }

    public string SeqNumsPath { get; }
    public string BodyPath { get; }

    public int NextSenderMsgSeqNum { get; private set; } = 1;
    public int NextTargetMsgSeqNum { get; private set; } = 1;

    public long BodyLength => _bodyLength;

    public void SetNextSenderMsgSeqNum(int value)
    {
        NextSenderMsgSeqNum = value;
        WriteSeqNums();
    }

    public void SetNextTargetMsgSeqNum(int value)
    {
        NextTargetMsgSeqNum = value;
        WriteSeqNums();
    }

    /// <summary>Appends a sent application message; MsgSeqNums must increase.</summary>
    public void Store(int seqNum, ReadOnlySpan<byte> message)
    {
        RandomAccess.Write(_body, message, _bodyLength);
        Index(seqNum, _bodyLength);
        _bodyLength += message.Length;
        _dirty = true;
    }

    private void Index(int seqNum, long offset)
    {
        ref var entry = ref _index[seqNum & (_index.Length - 1)];
        entry.SeqNum = seqNum;
        entry.Offset = offset;
        _highestStored = seqNum;
    }

    /// <summary>Where to start reading for the first stored message with MsgSeqNum &gt;= <paramref name="seqNum"/>: its
    /// offset, or an earlier one (the reader skips lower numbers), or <see cref="BodyLength"/> when there is none.</summary>
    public long FindOffset(int seqNum)
    {
        if (seqNum > _highestStored) return _bodyLength;
        // Every stored number within one index length of the highest is still in the index.
        int lowestIndexed = _highestStored - _index.Length + 1;
        if (seqNum < lowestIndexed) return 0;
        for (int s = Math.Max(seqNum, 1); s <= _highestStored; s++)
        {
            ref var entry = ref _index[s & (_index.Length - 1)];
            if (entry.SeqNum == s) return entry.Offset;
        }
        return _bodyLength;
    }

    public int Read(long offset, Span<byte> destination) =>
        offset >= _bodyLength ? 0 : RandomAccess.Read(_body, destination[..(int)Math.Min(destination.Length, _bodyLength - offset)], offset);

    /// <summary>Both sequence numbers back to 1 and no stored messages (ResetSeqNumFlag, ResetOnLogon, …).</summary>
    public void Reset()
    {
        RandomAccess.SetLength(_body, 0);
        _bodyLength = 0;
        _highestStored = 0;
        Array.Clear(_index);
        NextSenderMsgSeqNum = 1;
        NextTargetMsgSeqNum = 1;
        WriteSeqNums();
    }

    /// <summary>fsync of what was written since the last call; nothing when nothing was.</summary>
    public bool Sync()
    {
        if (!_dirty) return false;
        _dirty = false;
        RandomAccess.FlushToDisk(_body);
        RandomAccess.FlushToDisk(_seqNums);
        return true;
    }

    public void Dispose()
    {
        if (!_seqNums.IsClosed && !_body.IsClosed && _dirty) Sync();
        _seqNumsFile.Dispose();
        _bodyFile.Dispose();
    }

    private void WriteSeqNums()
    {
        var text = _seqNumsText.AsSpan();
        NextSenderMsgSeqNum.TryFormat(text[..SeqNumDigits], out _, "D10", CultureInfo.InvariantCulture);
        " : "u8.CopyTo(text[SeqNumDigits..]);
        NextTargetMsgSeqNum.TryFormat(text[(SeqNumDigits + 3)..], out _, "D10", CultureInfo.InvariantCulture);
        RandomAccess.Write(_seqNums, text, 0);
        _dirty = true;
    }

    private void LoadSeqNums()
    {
        long length = RandomAccess.GetLength(_seqNums);
        if (length == 0) return;
        Span<byte> text = stackalloc byte[SeqNumsLength];
        if (length != SeqNumsLength || RandomAccess.Read(_seqNums, text, 0) != SeqNumsLength
            || !text.Slice(SeqNumDigits, 3).SequenceEqual(" : "u8)
            || !FixValue.TryParseInt(text[..SeqNumDigits], out int sender) || sender < 1
            || !FixValue.TryParseInt(text[(SeqNumDigits + 3)..], out int target) || target < 1)
            throw new FixSessionException($"{SeqNumsPath}: corrupt sequence-number file: expected \"SSSSSSSSSS : TTTTTTTTTT\" ({SeqNumsLength} bytes)");
        NextSenderMsgSeqNum = sender;
        NextTargetMsgSeqNum = target;
    }

    // Reads every record to rebuild the index, checking each frames and numbers increase.
    private void LoadBody(int maxMessageLength)
    {
        long fileLength = RandomAccess.GetLength(_body);
        var buffer = new byte[Math.Max(1 << 20, 2 * maxMessageLength)];
        var fields = new FixField[FixMessage.DefaultFieldCapacity];
        long offset = 0;
        long tornAt = -1;
        int filled = 0;
        int start = 0;
        long bufferOffset = 0;
        while (true)
        {
            var pending = buffer.AsSpan(start, filled - start);
            if (FixFraming.TryFrame(pending, maxMessageLength, out int length, out var error))
            {
                long at = bufferOffset + start;
                if (tornAt >= 0)
                    throw new FixSessionException($"{BodyPath}: corrupt message store: unreadable bytes at offset {tornAt} before a valid message at {at}");
                var record = pending[..length];
                if (!FixMessage.TryParse(record, fields, out var message, out _) || !message.TryGetInt(FixTag.MsgSeqNum, out int seqNum)
                    || seqNum <= _highestStored)
                    throw new FixSessionException($"{BodyPath}: corrupt message store: record at offset {at} has no MsgSeqNum above {_highestStored}");
                Index(seqNum, at);
                start += length;
                continue;
            }
            if (error != FramingError.Incomplete)
            {
                if (tornAt < 0) tornAt = bufferOffset + start;
                start += length;
                continue;
            }
            // Need more bytes: keep the partial record and read on.
            if (start > 0)
            {
                pending.CopyTo(buffer);
                bufferOffset += start;
                filled -= start;
                start = 0;
            }
            offset = bufferOffset + filled;
            int read = offset < fileLength ? RandomAccess.Read(_body, buffer.AsSpan(filled), offset) : 0;
            if (read == 0) break;
            filled += read;
        }
        long end = tornAt >= 0 ? tornAt : bufferOffset + start;
        // What is left is a torn tail: a record the crash cut short, or zeros in place of unwritten data.
        if (end < fileLength) RandomAccess.SetLength(_body, end);
        _bodyLength = end;
        _dirty = false;
    }
}
