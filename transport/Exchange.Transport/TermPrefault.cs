// Faults a stream's term buffers in ahead of where it is written, on the transport's agent. The terms are pinned arrays
// (or an ipc log's shared mapping) the OS maps lazily: until a stream has gone once through its three terms, the first store into each 4 KiB page takes
// a page fault (11-25 us on a paravirtualized VM), on the path of the message being offered or received. Faulting in a
// 64 KiB chunk at a time ahead of the writer (one madvise(MADV_POPULATE_WRITE) per chunk, in a duty cycle with
// nothing else to do, or when the writer is about to reach unfaulted pages) takes those faults off the path; once the
// first pass is done there is nothing left to do (the pages stay). It follows the writer only, so a peer can make it
// fault in no more than it has sent plus two chunks.
namespace Exchange.Transport;

internal struct TermPrefault
{
    /// <summary>Faulted in at a time; divides every term length (64 KiB and up), so a chunk lies in one term.</summary>
    public const int Chunk = 64 << 10;

    /// <summary>The stream position of the first byte not yet faulted in (chunk-aligned), and where the first pass ends.</summary>
    private long _next, _end;

    /// <summary>The stream's first pass through its terms starts at <paramref name="position"/>.</summary>
    public void Start(long position, int termLength)
    {
        _next = position & ~(Chunk - 1L);
        _end = _next + (long)termLength * Publication.PartitionCount;
    }

    /// <summary>Faults in the next chunk when the writer, at <paramref name="written"/>, is within two chunks of it
    /// (<paramref name="idle"/>: the duty cycle had nothing else to do) or within half a chunk (it would otherwise fault
    /// now). Returns 1 if it did.</summary>
    public unsafe int Advance(byte* terms, int termLength, int positionBitsToShift, long written, bool idle)
    {
        if (terms == null || _next >= _end) return 0;
        long lead = _next - written;
        if (lead >= (idle ? 2L * Chunk : Chunk / 2)) return 0;
        int index = (int)((_next >>> positionBitsToShift) % Publication.PartitionCount) * termLength + (int)(_next & (termLength - 1));
        Populate(terms, index, Chunk);
        _next += Chunk;
        return 1;
    }

    /// <summary>Faults in the whole pages of <paramref name="terms"/>[<paramref name="index"/>, +<paramref name="length"/>)
    /// (a pinned array or an ipc log's mapping: the address does not move). A kernel without MADV_POPULATE_WRITE (before
    /// 5.14) leaves them to fault as they are written.</summary>
    private static unsafe void Populate(byte* terms, int index, int length)
    {
        long page = Environment.SystemPageSize;
        long start = (long)terms + index;
        long from = (start + page - 1) & ~(page - 1), to = (start + length) & ~(page - 1);
        if (to > from) Pages.PopulateForWrite((void*)from, (nuint)(to - from));
    }
}
