// Engine events on the wire. SbeEventWriter is an IEngineOutput that encodes every event as an SBE message of
// exchange.xml, stamped with the sequence and timestamp of the command that caused it, into one reusable
// buffer of length-prefixed messages; EventCodec.Decode turns such a message back into the event.
using System.Buffers.Binary;
using Exchange.Sbe;

namespace Exchange.Contract;

public struct SbeEventWriter : IEngineOutput
{
    /// <summary>Every message is preceded by its length as a little-endian int32.</summary>
    public const int LengthPrefix = 4;
    private const int Header = MessageHeaderEncoder.EncodedLength;

    /// <summary>In <see cref="Routes"/>: a message for the market (book, top of book, trades, symbol status).</summary>
    public const long MarketWide = long.MinValue;
    /// <summary>In <see cref="Routes"/>: a message addressed to no account (the reject of a symbol's administration).</summary>
    public const long NoAccount = long.MinValue + 1;

    private byte[]? _buffer;
    private int _length;
    private long[]? _routes;
    private int _count;

    public SbeEventWriter(int initialCapacity)
    {
        _buffer = new byte[Math.Max(256, initialCapacity)];
        _routes = new long[64];
    }

    /// <summary>Stamped on every message written until changed: the causing command's sequence and timestamp.</summary>
    public long Sequence { get; set; }
    public long Timestamp { get; set; }
    /// <summary>While set, events are not written (state rebuilt from a journal: its events went out long ago).</summary>
    public bool Muted { get; set; }

    public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>For each message in <see cref="Written"/>, in order, whom it is for, known as it is written: the account
    /// an account's event concerns, <see cref="MarketWide"/> or <see cref="NoAccount"/>. A router reads this instead of
    /// decoding every message again.</summary>
    public readonly ReadOnlySpan<long> Routes => _routes.AsSpan(0, _count);

    public SbeEventWriter() : this(4096) { }
    public readonly int Length => _length;

    public void Clear()
    {
        _length = 0;
        _count = 0;
    }

    /// <summary>Room for one more message of up to <paramref name="size"/> bytes after its length prefix. Grows
    /// (and so allocates) only when one command's output exceeds anything seen before.</summary>
    private Span<byte> Reserve(int size)
    {
        _buffer ??= new byte[4096];
        if (_buffer.Length - _length < LengthPrefix + size) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + LengthPrefix + size));
        return _buffer.AsSpan(_length + LengthPrefix);
    }

    /// <summary>An account's event (an account id equal to one of the markers is routed to no one, never to the market).</summary>
    private void Commit(int messageLength, long account) => Append(messageLength, account is MarketWide ? NoAccount : account);

    private void CommitMarketWide(int messageLength) => Append(messageLength, MarketWide);

    private void Append(int messageLength, long route)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer!.AsSpan(_length), messageLength);
        _length += LengthPrefix + messageLength;
        _routes ??= new long[64];
        if (_count == _routes.Length) Array.Resize(ref _routes, _count * 2);
        _routes[_count++] = route;
    }

    public void OnAccepted(in OrderAccepted e)
    {
        if (Muted) return;
        var m = OrderAcceptedEncoder.WrapAndApplyHeader(Reserve(Header + OrderAcceptedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account; m.ClientOrderId = e.ClientOrderId; m.OrderId = e.OrderId; m.Symbol = e.Symbol;
        m.Side = e.Side; m.OrderType = e.Type; m.TimeInForce = e.TimeInForce;
        m.Price = e.Price; m.Quantity = e.Quantity; m.StopPrice = e.StopPrice;
        m.DisplayQuantity = e.DisplayQuantity;
        Commit(Header + m.EncodedLength, e.Account);
    }

    public void OnRejected(in CommandRejected e)
    {
        if (Muted) return;
        var m = CommandRejectedEncoder.WrapAndApplyHeader(Reserve(Header + CommandRejectedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Command = e.Command; m.Account = e.Account; m.ClientOrderId = e.ClientOrderId; m.Symbol = e.Symbol;
        m.Reason = e.Reason;
        Commit(Header + m.EncodedLength, e.Command is CommandKind.AddSymbol or CommandKind.HaltSymbol or CommandKind.ResumeSymbol ? NoAccount : e.Account);
    }

    public void OnFill(in Fill e)
    {
        if (Muted) return;
        var m = FillEncoder.WrapAndApplyHeader(Reserve(Header + FillEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.TradeId = e.TradeId; m.Account = e.Account; m.ClientOrderId = e.ClientOrderId; m.OrderId = e.OrderId; m.Symbol = e.Symbol;
        m.Side = e.Side; m.Liquidity = e.Liquidity; m.Price = e.Price; m.Quantity = e.Quantity; m.Fee = e.Fee;
        m.FilledQuantity = e.FilledQuantity; m.LeavesQuantity = e.LeavesQuantity;
        Commit(Header + m.EncodedLength, e.Account);
    }

    public void OnTrade(in Trade e)
    {
        if (Muted) return;
        var m = TradeEncoder.WrapAndApplyHeader(Reserve(Header + TradeEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Symbol = e.Symbol; m.TradeId = e.TradeId; m.Price = e.Price; m.Quantity = e.Quantity; m.AggressorSide = e.AggressorSide;
        CommitMarketWide(Header + m.EncodedLength);
    }

    public void OnCancelled(in OrderCancelled e)
    {
        if (Muted) return;
        var m = OrderCancelledEncoder.WrapAndApplyHeader(Reserve(Header + OrderCancelledEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account; m.ClientOrderId = e.ClientOrderId; m.OrderId = e.OrderId; m.Symbol = e.Symbol; m.Side = e.Side;
        m.Reason = e.Reason; m.CancelledQuantity = e.CancelledQuantity; m.FilledQuantity = e.FilledQuantity;
        Commit(Header + m.EncodedLength, e.Account);
    }

    public void OnReplaced(in OrderReplaced e)
    {
        if (Muted) return;
        var m = OrderReplacedEncoder.WrapAndApplyHeader(Reserve(Header + OrderReplacedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account; m.OrigClientOrderId = e.OrigClientOrderId; m.ClientOrderId = e.ClientOrderId; m.OrderId = e.OrderId;
        m.Symbol = e.Symbol; m.Side = e.Side; m.Price = e.Price; m.Quantity = e.Quantity; m.LeavesQuantity = e.LeavesQuantity;
        m.KeptPriority = (byte)(e.KeptPriority ? 1 : 0);
        Commit(Header + m.EncodedLength, e.Account);
    }

    public void OnReduced(in OrderReduced e)
    {
        if (Muted) return;
        var m = OrderReducedEncoder.WrapAndApplyHeader(Reserve(Header + OrderReducedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account; m.ClientOrderId = e.ClientOrderId; m.OrderId = e.OrderId; m.Symbol = e.Symbol; m.Side = e.Side;
        m.ReducedBy = e.ReducedBy; m.LeavesQuantity = e.LeavesQuantity;
        Commit(Header + m.EncodedLength, e.Account);
    }

    public void OnLevel(in LevelChanged e)
    {
        if (Muted) return;
        var m = BookUpdateEncoder.WrapAndApplyHeader(
            Reserve(Header + BookUpdateEncoder.BlockLength + BookUpdateEncoder.LevelsEncoder.DimensionLength + BookUpdateEncoder.LevelsEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp; m.Symbol = e.Symbol;
        var level = m.LevelsCount(1);
        level.Next();
        level.Side = e.Side; level.Price = e.Price; level.Quantity = e.Quantity; level.OrderCount = e.OrderCount;
        CommitMarketWide(Header + m.EncodedLength);
    }

    public void OnBestBidOffer(in BestBidOffer e)
    {
        if (Muted) return;
        var m = BestBidOfferEncoder.WrapAndApplyHeader(Reserve(Header + BestBidOfferEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Symbol = e.Symbol; m.BidPrice = e.BidPrice; m.BidQuantity = e.BidQuantity; m.AskPrice = e.AskPrice; m.AskQuantity = e.AskQuantity;
        CommitMarketWide(Header + m.EncodedLength);
    }

    public void OnBalance(in BalanceChanged e)
    {
        if (Muted) return;
        var m = BalanceChangedEncoder.WrapAndApplyHeader(Reserve(Header + BalanceChangedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account; m.Asset = e.Asset; m.Available = e.Available; m.Held = e.Held;
        Commit(Header + m.EncodedLength, e.Account);
    }

    public void OnMassCancelled(in MassCancelled e)
    {
        if (Muted) return;
        var m = MassCancelReportEncoder.WrapAndApplyHeader(Reserve(Header + MassCancelReportEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account; m.Symbol = e.Symbol; m.Side = e.Side; m.CancelledCount = e.Count;
        Commit(Header + m.EncodedLength, e.Account);
    }

    public void OnSymbolStatus(in SymbolStatusChanged e)
    {
        if (Muted) return;
        var m = SymbolStatusChangedEncoder.WrapAndApplyHeader(Reserve(Header + SymbolStatusChangedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Symbol = e.Symbol; m.Status = e.Status;
        CommitMarketWide(Header + m.EncodedLength);
    }

    public void OnAccountAdded(in AccountAdded e)
    {
        if (Muted) return;
        var m = AccountAddedEncoder.WrapAndApplyHeader(Reserve(Header + AccountAddedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account;
        Commit(Header + m.EncodedLength, e.Account);
    }

    public void OnPermissionChanged(in AccountPermissionChanged e)
    {
        if (Muted) return;
        var m = AccountPermissionChangedEncoder.WrapAndApplyHeader(Reserve(Header + AccountPermissionChangedEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account; m.Permission = e.Permission;
        Commit(Header + m.EncodedLength, e.Account);
    }

    public void OnStopTriggered(in StopTriggered e)
    {
        if (Muted) return;
        var m = StopTriggeredEncoder.WrapAndApplyHeader(Reserve(Header + StopTriggeredEncoder.BlockLength), 0);
        m.Sequence = Sequence; m.Timestamp = Timestamp;
        m.Account = e.Account; m.ClientOrderId = e.ClientOrderId; m.OrderId = e.OrderId; m.Symbol = e.Symbol; m.Side = e.Side;
        m.OrderType = e.Type; m.StopPrice = e.StopPrice; m.LastPrice = e.LastPrice;
        Commit(Header + m.EncodedLength, e.Account);
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
            case OrderAcceptedDecoder.TemplateId:
            {
                if ((error = OrderAcceptedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                // Written before version 3, the stop price reads as its null value: those orders had none.
                long stopPrice = m.StopPrice == OrderAcceptedDecoder.StopPriceNullValue ? 0 : m.StopPrice;
                // Written before version 4, the display quantity reads as its null value: no icebergs then.
                long displayQuantity = m.DisplayQuantity == OrderAcceptedDecoder.DisplayQuantityNullValue ? 0 : m.DisplayQuantity;
                output.OnAccepted(new OrderAccepted(m.Account, m.ClientOrderId, m.OrderId, m.Symbol, m.Side, m.OrderType,
                    m.TimeInForce, m.Price, m.Quantity, stopPrice, displayQuantity));
                return SbeError.None;
            }
            case CommandRejectedDecoder.TemplateId:
            {
                if ((error = CommandRejectedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnRejected(new CommandRejected(m.Command, m.Account, m.ClientOrderId, m.Symbol, m.Reason));
                return SbeError.None;
            }
            case FillDecoder.TemplateId:
            {
                if ((error = FillDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnFill(new Fill(m.TradeId, m.Account, m.ClientOrderId, m.OrderId, m.Symbol, m.Side, m.Liquidity,
                    m.Price, m.Quantity, m.Fee, m.FilledQuantity, m.LeavesQuantity));
                return SbeError.None;
            }
            case TradeDecoder.TemplateId:
            {
                if ((error = TradeDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnTrade(new Trade(m.Symbol, m.TradeId, m.Price, m.Quantity, m.AggressorSide));
                return SbeError.None;
            }
            case OrderCancelledDecoder.TemplateId:
            {
                if ((error = OrderCancelledDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnCancelled(new OrderCancelled(m.Account, m.ClientOrderId, m.OrderId, m.Symbol, m.Side, m.Reason,
                    m.CancelledQuantity, m.FilledQuantity));
                return SbeError.None;
            }
            case OrderReplacedDecoder.TemplateId:
            {
                if ((error = OrderReplacedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnReplaced(new OrderReplaced(m.Account, m.OrigClientOrderId, m.ClientOrderId, m.OrderId, m.Symbol, m.Side,
                    m.Price, m.Quantity, m.LeavesQuantity, m.KeptPriority != 0));
                return SbeError.None;
            }
            case OrderReducedDecoder.TemplateId:
            {
                if ((error = OrderReducedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnReduced(new OrderReduced(m.Account, m.ClientOrderId, m.OrderId, m.Symbol, m.Side, m.ReducedBy, m.LeavesQuantity));
                return SbeError.None;
            }
            case BookUpdateDecoder.TemplateId:
            {
                if ((error = BookUpdateDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
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
            case BestBidOfferDecoder.TemplateId:
            {
                if ((error = BestBidOfferDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnBestBidOffer(new BestBidOffer(m.Symbol, m.BidPrice, m.BidQuantity, m.AskPrice, m.AskQuantity));
                return SbeError.None;
            }
            case BalanceChangedDecoder.TemplateId:
            {
                if ((error = BalanceChangedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnBalance(new BalanceChanged(m.Account, m.Asset, m.Available, m.Held));
                return SbeError.None;
            }
            case MassCancelReportDecoder.TemplateId:
            {
                if ((error = MassCancelReportDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnMassCancelled(new MassCancelled(m.Account, m.Symbol, m.Side, m.CancelledCount));
                return SbeError.None;
            }
            case SymbolStatusChangedDecoder.TemplateId:
            {
                if ((error = SymbolStatusChangedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnSymbolStatus(new SymbolStatusChanged(m.Symbol, m.Status));
                return SbeError.None;
            }
            case AccountAddedDecoder.TemplateId:
            {
                if ((error = AccountAddedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnAccountAdded(new AccountAdded(m.Account));
                return SbeError.None;
            }
            case AccountPermissionChangedDecoder.TemplateId:
            {
                if ((error = AccountPermissionChangedDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnPermissionChanged(new AccountPermissionChanged(m.Account, m.Permission));
                return SbeError.None;
            }
            case StopTriggeredDecoder.TemplateId:
            {
                if ((error = StopTriggeredDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
                (sequence, timestamp) = (m.Sequence, m.Timestamp);
                output.OnStopTriggered(new StopTriggered(m.Account, m.ClientOrderId, m.OrderId, m.Symbol, m.Side, m.OrderType,
                    m.StopPrice, m.LastPrice));
                return SbeError.None;
            }
            case -1:
                return SbeError.Truncated;
            default:
                return MessageHeaderDecoder.Wrap(message, 0).SchemaId != FillDecoder.SchemaId ? SbeError.WrongSchema : SbeError.WrongTemplate;
        }
    }
}
