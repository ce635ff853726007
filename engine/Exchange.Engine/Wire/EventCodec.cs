// Engine events on the wire. SbeEventWriter is an IEngineOutput that encodes every event as an SBE message of
// exchange.xml, stamped with the sequence and timestamp of the command that caused it, into one reusable
// buffer of length-prefixed messages; EventCodec.Decode turns such a message back into the event.
using System.Buffers.Binary;
using Exchange.Sbe;
using Msg = Exchange.Codecs.Sbe;

namespace Exchange.Engine.Wire;

public struct SbeEventWriter : IEngineOutput
{
    /// <summary>Every message is preceded by its length as a little-endian int32.</summary>
    public const int LengthPrefix = 4;
    private const int Header = Msg.MessageHeaderEncoder.EncodedLength;

    private byte[]? _buffer;
    private int _length;

    public SbeEventWriter(int initialCapacity) => _buffer = new byte[Math.Max(256, initialCapacity)];

    /// <summary>Stamped on every message written until changed: the causing command's sequence and timestamp.</summary>
    public long Sequence { get; set; }
    public long Timestamp { get; set; }

    public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public SbeEventWriter() : this(4096) { }
    public readonly int Length => _length;

    public void Clear() => _length = 0;

    /// <summary>Room for one more message of up to <paramref name="size"/> bytes after its length prefix. Grows
    /// (and so allocates) only when one command's output exceeds anything seen before.</summary>
    private Span<byte> Reserve(int size)
    {
        _buffer ??= new byte[4096];
        if (_buffer.Length - _length < LengthPrefix + size) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + LengthPrefix + size));
        return _buffer.AsSpan(_length + LengthPrefix);
    }

    private void Commit(int messageLength)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer!.AsSpan(_length), messageLength);
        _length += LengthPrefix + messageLength;
    }

    public void OnAccepted(in OrderAccepted e)
    {
        var m = Msg.OrderAcceptedEncoder.WrapAndApplyHeader(Reserve(Header + Msg.OrderAcceptedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account; m.ClientOrderId = e.ClientOrderId; m.OrderId = e.OrderId; m.Symbol = e.Symbol;
        m.Side = (Msg.Side)e.Side; m.OrderType = (Msg.OrderType)e.Type; m.TimeInForce = (Msg.TimeInForce)e.TimeInForce;
        m.Price = e.Price; m.Quantity = e.Quantity;
        Commit(Header + m.EncodedLength);
    }

    public void OnRejected(in CommandRejected e)
    {
        var m = Msg.CommandRejectedEncoder.WrapAndApplyHeader(Reserve(Header + Msg.CommandRejectedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Command = (Msg.CommandKind)e.Command; m.Account = e.Account; m.ClientOrderId = e.ClientOrderId; m.Symbol = e.Symbol;
        m.Reason = (Msg.RejectReason)e.Reason;
        Commit(Header + m.EncodedLength);
    }

    public void OnFill(in Fill e)
    {
        var m = Msg.FillEncoder.WrapAndApplyHeader(Reserve(Header + Msg.FillEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.TradeId = e.TradeId; m.Account = e.Account; m.ClientOrderId = e.ClientOrderId; m.OrderId = e.OrderId; m.Symbol = e.Symbol;
        m.Side = (Msg.Side)e.Side; m.Liquidity = (Msg.Liquidity)e.Liquidity; m.Price = e.Price; m.Quantity = e.Quantity; m.Fee = e.Fee;
        m.FilledQuantity = e.FilledQuantity; m.LeavesQuantity = e.LeavesQuantity;
        Commit(Header + m.EncodedLength);
    }

    public void OnCancelled(in OrderCancelled e)
    {
        var m = Msg.OrderCancelledEncoder.WrapAndApplyHeader(Reserve(Header + Msg.OrderCancelledEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account; m.ClientOrderId = e.ClientOrderId; m.OrderId = e.OrderId; m.Symbol = e.Symbol; m.Side = (Msg.Side)e.Side;
        m.Reason = (Msg.CancelReason)e.Reason; m.CancelledQuantity = e.CancelledQuantity; m.FilledQuantity = e.FilledQuantity;
        Commit(Header + m.EncodedLength);
    }

    public void OnReplaced(in OrderReplaced e)
    {
        var m = Msg.OrderReplacedEncoder.WrapAndApplyHeader(Reserve(Header + Msg.OrderReplacedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account; m.OrigClientOrderId = e.OrigClientOrderId; m.ClientOrderId = e.ClientOrderId; m.OrderId = e.OrderId;
        m.Symbol = e.Symbol; m.Side = (Msg.Side)e.Side; m.Price = e.Price; m.Quantity = e.Quantity; m.LeavesQuantity = e.LeavesQuantity;
        m.KeptPriority = (byte)(e.KeptPriority ? 1 : 0);
        Commit(Header + m.EncodedLength);
    }

    public void OnReduced(in OrderReduced e)
    {
        var m = Msg.OrderReducedEncoder.WrapAndApplyHeader(Reserve(Header + Msg.OrderReducedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account; m.ClientOrderId = e.ClientOrderId; m.OrderId = e.OrderId; m.Symbol = e.Symbol; m.Side = (Msg.Side)e.Side;
        m.ReducedBy = e.ReducedBy; m.LeavesQuantity = e.LeavesQuantity;
        Commit(Header + m.EncodedLength);
    }

    public void OnLevel(in LevelChanged e)
    {
        var m = Msg.BookUpdateEncoder.WrapAndApplyHeader(
            Reserve(Header + Msg.BookUpdateEncoder.BlockLength + Msg.BookUpdateEncoder.LevelsEncoder.DimensionLength + Msg.BookUpdateEncoder.LevelsEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp; m.Symbol = e.Symbol;
        var level = m.LevelsCount(1);
        level.Next();
        level.Side = (Msg.Side)e.Side; level.Price = e.Price; level.Quantity = e.Quantity; level.OrderCount = e.OrderCount;
        Commit(Header + m.EncodedLength);
    }

    public void OnBestBidOffer(in BestBidOffer e)
    {
        var m = Msg.BestBidOfferEncoder.WrapAndApplyHeader(Reserve(Header + Msg.BestBidOfferEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Symbol = e.Symbol; m.BidPrice = e.BidPrice; m.BidQuantity = e.BidQuantity; m.AskPrice = e.AskPrice; m.AskQuantity = e.AskQuantity;
        Commit(Header + m.EncodedLength);
    }

    public void OnBalance(in BalanceChanged e)
    {
        var m = Msg.BalanceChangedEncoder.WrapAndApplyHeader(Reserve(Header + Msg.BalanceChangedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account; m.Asset = e.Asset; m.Available = e.Available; m.Held = e.Held;
        Commit(Header + m.EncodedLength);
    }

    public void OnMassCancelled(in MassCancelled e)
    {
        var m = Msg.MassCancelReportEncoder.WrapAndApplyHeader(Reserve(Header + Msg.MassCancelReportEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account; m.Symbol = e.Symbol; m.Side = (Msg.Side)e.Side; m.CancelledCount = e.Count;
        Commit(Header + m.EncodedLength);
    }

    public void OnSymbolStatus(in SymbolStatusChanged e)
    {
        var m = Msg.SymbolStatusChangedEncoder.WrapAndApplyHeader(Reserve(Header + Msg.SymbolStatusChangedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Symbol = e.Symbol; m.Status = (Msg.SymbolStatus)e.Status;
        Commit(Header + m.EncodedLength);
    }

    public void OnAccountAdded(in AccountAdded e)
    {
        var m = Msg.AccountAddedEncoder.WrapAndApplyHeader(Reserve(Header + Msg.AccountAddedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account;
        Commit(Header + m.EncodedLength);
    }
}

public static class EventCodec
{
    /// <summary>Decodes one event message and delivers it to <paramref name="output"/> (a book update delivers one
    /// event per level). Never throws on bad input: errors come back as an SbeError.</summary>
    public static SbeError Decode<TOutput>(ReadOnlySpan<byte> message, ref TOutput output, out long sequence, out long timestamp)
        where TOutput : IEngineOutput
    {
        sequence = timestamp = 0;
        SbeError error;
        switch (CommandCodec.TemplateOf(message))
        {
            case Msg.OrderAcceptedDecoder.TemplateId:
            {
                if ((error = Msg.OrderAcceptedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnAccepted(new OrderAccepted(m.Account, m.ClientOrderId, m.OrderId, m.Symbol, (Side)m.Side, (OrderType)m.OrderType,
                    (TimeInForce)m.TimeInForce, m.Price, m.Quantity));
                return SbeError.None;
            }
            case Msg.CommandRejectedDecoder.TemplateId:
            {
                if ((error = Msg.CommandRejectedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnRejected(new CommandRejected((CommandKind)m.Command, m.Account, m.ClientOrderId, m.Symbol, (RejectReason)m.Reason));
                return SbeError.None;
            }
            case Msg.FillDecoder.TemplateId:
            {
                if ((error = Msg.FillDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnFill(new Fill(m.TradeId, m.Account, m.ClientOrderId, m.OrderId, m.Symbol, (Side)m.Side, (Liquidity)m.Liquidity,
                    m.Price, m.Quantity, m.Fee, m.FilledQuantity, m.LeavesQuantity));
                return SbeError.None;
            }
            case Msg.OrderCancelledDecoder.TemplateId:
            {
                if ((error = Msg.OrderCancelledDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnCancelled(new OrderCancelled(m.Account, m.ClientOrderId, m.OrderId, m.Symbol, (Side)m.Side, (CancelReason)m.Reason,
                    m.CancelledQuantity, m.FilledQuantity));
                return SbeError.None;
            }
            case Msg.OrderReplacedDecoder.TemplateId:
            {
                if ((error = Msg.OrderReplacedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnReplaced(new OrderReplaced(m.Account, m.OrigClientOrderId, m.ClientOrderId, m.OrderId, m.Symbol, (Side)m.Side,
                    m.Price, m.Quantity, m.LeavesQuantity, m.KeptPriority != 0));
                return SbeError.None;
            }
            case Msg.OrderReducedDecoder.TemplateId:
            {
                if ((error = Msg.OrderReducedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnReduced(new OrderReduced(m.Account, m.ClientOrderId, m.OrderId, m.Symbol, (Side)m.Side, m.ReducedBy, m.LeavesQuantity));
                return SbeError.None;
            }
            case Msg.BookUpdateDecoder.TemplateId:
            {
                if ((error = Msg.BookUpdateDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                int symbol = m.Symbol;
                try
                {
                    var levels = m.ReadLevels();
                    while (levels.Next())
                        output.OnLevel(new LevelChanged(symbol, (Side)levels.Side, levels.Price, levels.Quantity, levels.OrderCount));
                }
                catch (SbeException e)
                {
                    return e.Error;
                }
                return SbeError.None;
            }
            case Msg.BestBidOfferDecoder.TemplateId:
            {
                if ((error = Msg.BestBidOfferDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnBestBidOffer(new BestBidOffer(m.Symbol, m.BidPrice, m.BidQuantity, m.AskPrice, m.AskQuantity));
                return SbeError.None;
            }
            case Msg.BalanceChangedDecoder.TemplateId:
            {
                if ((error = Msg.BalanceChangedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnBalance(new BalanceChanged(m.Account, m.Asset, m.Available, m.Held));
                return SbeError.None;
            }
            case Msg.MassCancelReportDecoder.TemplateId:
            {
                if ((error = Msg.MassCancelReportDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnMassCancelled(new MassCancelled(m.Account, m.Symbol, (Side)m.Side, m.CancelledCount));
                return SbeError.None;
            }
            case Msg.SymbolStatusChangedDecoder.TemplateId:
            {
                if ((error = Msg.SymbolStatusChangedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnSymbolStatus(new SymbolStatusChanged(m.Symbol, (SymbolStatus)m.Status));
                return SbeError.None;
            }
            case Msg.AccountAddedDecoder.TemplateId:
            {
                if ((error = Msg.AccountAddedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnAccountAdded(new AccountAdded(m.Account));
                return SbeError.None;
            }
            case -1:
                return SbeError.Truncated;
            default:
                return Msg.MessageHeaderDecoder.Wrap(message, 0).SchemaId != Msg.FillDecoder.SchemaId ? SbeError.WrongSchema : SbeError.WrongTemplate;
        }
    }
}
