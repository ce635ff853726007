// HdrHistogram.NET 2.5.0's HistogramLogWriter writes UTF-16 with a byte-order mark, which the Java tools that
// read interval logs (HistogramLogProcessor, HistogramLogAnalyzer) cannot parse. The writer is handed this
// stream, which passes on the same text as UTF-8 (the log is plain ASCII) without the mark.
using System.Text;

namespace Exchange.Latency;

internal sealed class Utf16ToUtf8Stream(Stream inner) : Stream
{
    private const char ByteOrderMark = '\uFEFF';
    private readonly Decoder _decoder = Encoding.Unicode.GetDecoder();
    private readonly Encoder _encoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetEncoder();
    private char[] _chars = new char[512];
    private byte[] _bytes = new byte[1536];

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int needed = _decoder.GetCharCount(buffer, flush: false);
        if (needed > _chars.Length) _chars = new char[needed];
        int charCount = _decoder.GetChars(buffer, _chars, flush: false);
        // A pair split across writes stays in the decoder; the mark can only be the first character.
        var text = _chars.AsSpan(0, charCount);
        int start = text.Length > 0 && text[0] == ByteOrderMark ? 1 : 0;
        var chars = text[start..];
        int byteCount = _encoder.GetByteCount(chars, flush: false);
        if (byteCount > _bytes.Length) _bytes = new byte[byteCount];
        int written = _encoder.GetBytes(chars, _bytes, flush: false);
        inner.Write(_bytes, 0, written);
    }

    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
