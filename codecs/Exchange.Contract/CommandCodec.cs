// Engine commands on the wire: SBE messages of exchange.xml to typed commands and back. Decoding never
// throws: a message that is not a well-formed command comes back as an SbeError for the caller to reject.
using System.Runtime.CompilerServices;
using Exchange.Sbe;

namespace Exchange.Contract;

/// <summary>Receives one decoded command. A struct handler is called without virtual dispatch.</summary>
public interface ICommandHandler
{
    void On(in AddAccount c);
    void On(in AddSymbol c);
    void On(in HaltSymbol c);
    void On(in ResumeSymbol c);
    void On(in Deposit c);
    void On(in Withdraw c);
    void On(in SetAccountPermission c);
    void On(in NewOrder c);
    void On(in CancelOrder c);
    void On(in ReplaceOrder c);
    void On(in MassCancel c);
    void On(in LeaderTerm c);
    void On(in ExpireOrders c);
}

public static class CommandCodec
{
    /// <summary>Template id of the message at the start of <paramref name="message"/>, or -1 if it has no header.</summary>
    public static int TemplateOf(ReadOnlySpan<byte> message) =>
        message.Length < MessageHeaderDecoder.EncodedLength ? -1 : MessageHeaderDecoder.Wrap(message, 0).TemplateId;

    /// <summary>The kind of command a template id carries (0 for a message that is not a command).</summary>
    public static CommandKind KindOf(int template) => template switch
    {
        NewOrderDecoder.TemplateId => CommandKind.NewOrder,
        CancelOrderDecoder.TemplateId => CommandKind.CancelOrder,
        ReplaceOrderDecoder.TemplateId => CommandKind.ReplaceOrder,
        MassCancelDecoder.TemplateId => CommandKind.MassCancel,
        AddAccountDecoder.TemplateId => CommandKind.AddAccount,
        AddSymbolDecoder.TemplateId => CommandKind.AddSymbol,
        HaltSymbolDecoder.TemplateId => CommandKind.HaltSymbol,
        ResumeSymbolDecoder.TemplateId => CommandKind.ResumeSymbol,
        DepositDecoder.TemplateId => CommandKind.Deposit,
        WithdrawDecoder.TemplateId => CommandKind.Withdraw,
        SetAccountPermissionDecoder.TemplateId => CommandKind.SetAccountPermission,
        _ => 0,
    };

    public static SbeError Decode<THandler>(ReadOnlySpan<byte> message, ref THandler handler) where THandler : struct, ICommandHandler
    {
        // Order entry in methods of their own and the rest in one apart: one method with every case had so many locals
        // that the compiler inlined none of the decoders' field reads into it (each field a call, perf/results/2026-12-07-journal-populate).
        int template = TemplateOf(message);
        return template switch
        {
            NewOrderDecoder.TemplateId => DecodeNewOrder(message, ref handler),
            CancelOrderDecoder.TemplateId => DecodeCancelOrder(message, ref handler),
            ReplaceOrderDecoder.TemplateId => DecodeReplaceOrder(message, ref handler),
            MassCancelDecoder.TemplateId => DecodeMassCancel(message, ref handler),
            _ => DecodeOther(template, message, ref handler),
        };
    }

    private static SbeError DecodeNewOrder<THandler>(ReadOnlySpan<byte> message, ref THandler handler) where THandler : struct, ICommandHandler
    {
        SbeError error;
        if ((error = NewOrderDecoder.TryWrapWithHeader(message, 0, out var n)) != SbeError.None) return error;
        // A NewOrder of a version before 3 has no stop price: it reads as the null value, which means none (0).
        handler.On(new NewOrder(n.Account, n.ClientOrderId, n.Symbol, n.Side, n.OrderType,
            n.TimeInForce, n.Price, n.Quantity, n.QuoteBudget, n.SelfTradePrevention,
            (n.Flags & OrderFlags.PostOnly) != 0, n.StopPrice == NewOrderDecoder.StopPriceNullValue ? 0 : n.StopPrice,
            // Before version 4 there was no display quantity: the null value means the whole order shows (0).
            n.DisplayQuantity == NewOrderDecoder.DisplayQuantityNullValue ? 0 : n.DisplayQuantity,
            // Nor one before 4 an expire time: none (0).
            n.ExpireTime == NewOrderDecoder.ExpireTimeNullValue ? 0 : n.ExpireTime));
        return SbeError.None;
    }

    private static SbeError DecodeCancelOrder<THandler>(ReadOnlySpan<byte> message, ref THandler handler) where THandler : struct, ICommandHandler
    {
        SbeError error;
        if ((error = CancelOrderDecoder.TryWrapWithHeader(message, 0, out var c)) != SbeError.None) return error;
        handler.On(new CancelOrder(c.Account, c.ClientOrderId));
        return SbeError.None;
    }

    private static SbeError DecodeReplaceOrder<THandler>(ReadOnlySpan<byte> message, ref THandler handler) where THandler : struct, ICommandHandler
    {
        SbeError error;
        if ((error = ReplaceOrderDecoder.TryWrapWithHeader(message, 0, out var r)) != SbeError.None) return error;
        handler.On(new ReplaceOrder(r.Account, r.OrigClientOrderId, r.ClientOrderId, r.Price, r.Quantity));
        return SbeError.None;
    }

    private static SbeError DecodeMassCancel<THandler>(ReadOnlySpan<byte> message, ref THandler handler) where THandler : struct, ICommandHandler
    {
        SbeError error;
        if ((error = MassCancelDecoder.TryWrapWithHeader(message, 0, out var m)) != SbeError.None) return error;
        handler.On(new MassCancel(m.Account, m.Symbol, m.Side));
        return SbeError.None;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static SbeError DecodeOther<THandler>(int template, ReadOnlySpan<byte> message, ref THandler handler) where THandler : struct, ICommandHandler
    {
        SbeError error;
        switch (template)
        {
            case DepositDecoder.TemplateId:
                if ((error = DepositDecoder.TryWrapWithHeader(message, 0, out var d)) != SbeError.None) return error;
                handler.On(new Deposit(d.Account, d.Asset, d.Amount));
                return SbeError.None;
            case WithdrawDecoder.TemplateId:
                if ((error = WithdrawDecoder.TryWrapWithHeader(message, 0, out var w)) != SbeError.None) return error;
                handler.On(new Withdraw(w.Account, w.Asset, w.Amount));
                return SbeError.None;
            case SetAccountPermissionDecoder.TemplateId:
                if ((error = SetAccountPermissionDecoder.TryWrapWithHeader(message, 0, out var p)) != SbeError.None) return error;
                handler.On(new SetAccountPermission(p.Account, p.Permission));
                return SbeError.None;
            case AddAccountDecoder.TemplateId:
                if ((error = AddAccountDecoder.TryWrapWithHeader(message, 0, out var a)) != SbeError.None) return error;
                handler.On(new AddAccount(a.Account, a.OrdersPerSecond == AddAccountDecoder.OrdersPerSecondNullValue ? 0 : a.OrdersPerSecond,
                    a.OrderBurst == AddAccountDecoder.OrderBurstNullValue ? 0 : a.OrderBurst,
                    // Before version 4 every account traded.
                    a.Permission == AccountPermission.NULL_VALUE ? AccountPermission.Trade : a.Permission));
                return SbeError.None;
            case AddSymbolDecoder.TemplateId:
                if ((error = AddSymbolDecoder.TryWrapWithHeader(message, 0, out var s)) != SbeError.None) return error;
                handler.On(new AddSymbol(new SymbolSpec(s.Symbol, s.BaseAsset, s.QuoteAsset, s.TickSize, s.LotSize, s.MinQuantity,
                    s.MaxQuantity, s.ReferencePrice, s.BandBps, s.MakerFeeBps, s.TakerFeeBps, s.MaxNotional), SymbolName.FromBytes(s.Name),
                    s.SessionEnd == AddSymbolDecoder.SessionEndNullValue ? 0 : s.SessionEnd));
                return SbeError.None;
            case HaltSymbolDecoder.TemplateId:
                if ((error = HaltSymbolDecoder.TryWrapWithHeader(message, 0, out var h)) != SbeError.None) return error;
                handler.On(new HaltSymbol(h.Symbol));
                return SbeError.None;
            case ResumeSymbolDecoder.TemplateId:
                if ((error = ResumeSymbolDecoder.TryWrapWithHeader(message, 0, out var u)) != SbeError.None) return error;
                handler.On(new ResumeSymbol(u.Symbol));
                return SbeError.None;
            case LeaderTermDecoder.TemplateId:
                if ((error = LeaderTermDecoder.TryWrapWithHeader(message, 0, out var t)) != SbeError.None) return error;
                handler.On(new LeaderTerm(t.Term));
                return SbeError.None;
            case ExpireOrdersDecoder.TemplateId:
                if ((error = ExpireOrdersDecoder.TryWrapWithHeader(message, 0, out var x)) != SbeError.None) return error;
                handler.On(new ExpireOrders(x.DueAt));
                return SbeError.None;
            case -1:
                return SbeError.Truncated;
            default:
                return MessageHeaderDecoder.Wrap(message, 0).SchemaId != NewOrderDecoder.SchemaId ? SbeError.WrongSchema : SbeError.WrongTemplate;
        }
    }

    // Encoders: each writes header + block at the start of the destination and returns the bytes written.

    public static int Encode(in NewOrder c, Span<byte> destination)
    {
        var e = NewOrderEncoder.WrapAndApplyHeader(destination, 0);
        e.Account = c.Account;
        e.ClientOrderId = c.ClientOrderId;
        e.Symbol = c.Symbol;
        e.Side = c.Side;
        e.OrderType = c.Type;
        e.TimeInForce = c.TimeInForce;
        e.SelfTradePrevention = c.SelfTrade;
        e.Price = c.Price;
        e.Quantity = c.Quantity;
        e.QuoteBudget = c.QuoteBudget;
        e.Flags = c.PostOnly ? OrderFlags.PostOnly : OrderFlags.None;
        e.StopPrice = c.StopPrice;
        e.DisplayQuantity = c.DisplayQuantity;
        e.ExpireTime = c.ExpireTime;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }

    public static int Encode(in CancelOrder c, Span<byte> destination)
    {
        var e = CancelOrderEncoder.WrapAndApplyHeader(destination, 0);
        e.Account = c.Account;
        e.ClientOrderId = c.ClientOrderId;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }

    public static int Encode(in ReplaceOrder c, Span<byte> destination)
    {
        var e = ReplaceOrderEncoder.WrapAndApplyHeader(destination, 0);
        e.Account = c.Account;
        e.OrigClientOrderId = c.OrigClientOrderId;
        e.ClientOrderId = c.ClientOrderId;
        e.Price = c.Price;
        e.Quantity = c.Quantity;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }

    public static int Encode(in MassCancel c, Span<byte> destination)
    {
        var e = MassCancelEncoder.WrapAndApplyHeader(destination, 0);
        e.Account = c.Account;
        e.Symbol = c.Symbol;
        e.Side = c.Side;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }

    public static int Encode(in Deposit c, Span<byte> destination)
    {
        var e = DepositEncoder.WrapAndApplyHeader(destination, 0);
        e.Account = c.Account;
        e.Asset = c.Asset;
        e.Amount = c.Amount;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }

    public static int Encode(in LeaderTerm c, Span<byte> destination)
    {
        var e = LeaderTermEncoder.WrapAndApplyHeader(destination, 0);
        e.Term = c.Term;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }

    public static int Encode(in ExpireOrders c, Span<byte> destination)
    {
        var e = ExpireOrdersEncoder.WrapAndApplyHeader(destination, 0);
        e.DueAt = c.DueAt;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }

    public static int Encode(in Withdraw c, Span<byte> destination)
    {
        var e = WithdrawEncoder.WrapAndApplyHeader(destination, 0);
        e.Account = c.Account;
        e.Asset = c.Asset;
        e.Amount = c.Amount;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }

    public static int Encode(in SetAccountPermission c, Span<byte> destination)
    {
        var e = SetAccountPermissionEncoder.WrapAndApplyHeader(destination, 0);
        e.Account = c.Account;
        e.Permission = c.Permission;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }

    public static int Encode(in AddAccount c, Span<byte> destination)
    {
        var e = AddAccountEncoder.WrapAndApplyHeader(destination, 0);
        e.Account = c.Account;
        e.OrdersPerSecond = c.OrdersPerSecond;
        e.OrderBurst = c.OrderBurst;
        e.Permission = c.Permission;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }

    public static int Encode(in AddSymbol c, Span<byte> destination)
    {
        var e = AddSymbolEncoder.WrapAndApplyHeader(destination, 0);
        SymbolSpec s = c.Spec;
        e.Symbol = s.Id;
        e.BaseAsset = s.BaseAsset;
        e.QuoteAsset = s.QuoteAsset;
        e.TickSize = s.TickSize;
        e.LotSize = s.LotSize;
        e.MinQuantity = s.MinQuantity;
        e.MaxQuantity = s.MaxQuantity;
        e.ReferencePrice = s.ReferencePrice;
        e.BandBps = s.BandBps;
        e.MakerFeeBps = s.MakerFeeBps;
        e.TakerFeeBps = s.TakerFeeBps;
        e.MaxNotional = s.MaxNotional;
        var name = new byte[SymbolName.MaxLength]; // administration only: the order path does not come here
        c.Name.CopyTo(name);
        e.Name = name;
        e.SessionEnd = c.SessionEnd;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }

    public static int Encode(in HaltSymbol c, Span<byte> destination)
    {
        var e = HaltSymbolEncoder.WrapAndApplyHeader(destination, 0);
        e.Symbol = c.Symbol;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }

    public static int Encode(in ResumeSymbol c, Span<byte> destination)
    {
        var e = ResumeSymbolEncoder.WrapAndApplyHeader(destination, 0);
        e.Symbol = c.Symbol;
        return MessageHeaderEncoder.EncodedLength + e.EncodedLength;
    }
}
