// A journaled payload in words, for operators: the command's name, the account and symbol it concerns (what
// dump filters on), and its fields in wire order. Not for the hot path: it allocates per record.
using Exchange.Engine;
using Exchange.Contract;
using Exchange.Sbe;

namespace Exchange.Replay;

/// <summary>One field of a decoded command: a number, or a name for enums and flags.</summary>
public readonly record struct CommandField(string Name, long Number, string? Text = null)
{
    public override string ToString() => Text ?? Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record CommandDescription(string Name, long? Account, int? Symbol, IReadOnlyList<CommandField> Fields, SbeError Error)
{
    public bool Malformed => Error != SbeError.None;

    /// <summary>"NewOrder account=1001 clientOrderId=7 …", or "malformed (Truncated)".</summary>
    public string Text => Malformed ? $"malformed ({Error})" : string.Join(' ', Fields.Select(f => $"{f.Name}={f}").Prepend(Name));

    public static CommandDescription Of(ReadOnlySpan<byte> payload)
    {
        var handler = new Describer();
        var error = CommandCodec.Decode(payload, ref handler);
        int template = CommandCodec.TemplateOf(payload);
        return error != SbeError.None || handler.Result == null
            ? new CommandDescription(MessageTypes.NameOf(template < 0 ? -1 : template), null, null, [], error == SbeError.None ? SbeError.Truncated : error)
            : handler.Result;
    }

    private struct Describer : ICommandHandler
    {
        public CommandDescription? Result { get; private set; }

        private void Set(string name, long? account, int? symbol, params CommandField[] fields) =>
            Result = new CommandDescription(name, account, symbol, fields, SbeError.None);

        private static CommandField F(string name, long value) => new(name, value);
        private static CommandField E<T>(string name, T value) where T : struct, Enum => new(name, Convert.ToInt64(value, null), value.ToString());

        // An account that trades (and every account of records before schema version 4) shows no permission.
        public void On(in AddAccount c) => Set("AddAccount", c.Account, null,
            c.Permission == AccountPermission.Trade ? [F("account", c.Account)] : [F("account", c.Account), E("permission", c.Permission)]);

        public void On(in AddSymbol c)
        {
            var s = c.Spec;
            CommandField[] fields = [F("symbol", s.Id), F("baseAsset", s.BaseAsset), F("quoteAsset", s.QuoteAsset), F("tickSize", s.TickSize),
                F("lotSize", s.LotSize), F("minQuantity", s.MinQuantity), F("maxQuantity", s.MaxQuantity), F("referencePrice", s.ReferencePrice),
                F("bandBps", s.BandBps), F("makerFeeBps", s.MakerFeeBps), F("takerFeeBps", s.TakerFeeBps), F("maxNotional", s.MaxNotional)];
            // Records of schema version 0 carry no name.
            if (!c.Name.IsEmpty) fields = [.. fields, new CommandField("name", 0, c.Name.ToString())];
            // Symbols without a session end (and records of schema versions before 4) show none.
            Set("AddSymbol", null, s.Id, c.SessionEnd != 0 ? [.. fields, F("sessionEnd", c.SessionEnd)] : fields);
        }

        public void On(in HaltSymbol c) => Set("HaltSymbol", null, c.Symbol, F("symbol", c.Symbol));
        public void On(in ResumeSymbol c) => Set("ResumeSymbol", null, c.Symbol, F("symbol", c.Symbol));
        public void On(in Deposit c) => Set("Deposit", c.Account, null, F("account", c.Account), F("asset", c.Asset), F("amount", c.Amount));
        public void On(in Withdraw c) => Set("Withdraw", c.Account, null, F("account", c.Account), F("asset", c.Asset), F("amount", c.Amount));
        public void On(in SetAccountPermission c) => Set("SetAccountPermission", c.Account, null, F("account", c.Account), E("permission", c.Permission));

        public void On(in NewOrder c)
        {
            CommandField[] fields = [F("account", c.Account), F("clientOrderId", c.ClientOrderId),
                F("symbol", c.Symbol), E("side", c.Side), E("type", c.Type), E("timeInForce", c.TimeInForce), F("price", c.Price),
                F("quantity", c.Quantity), F("quoteBudget", c.QuoteBudget), E("selfTrade", c.SelfTrade), new CommandField("postOnly", c.PostOnly ? 1 : 0, c.PostOnly ? "true" : "false")];
            // Only stop and stop-limit orders have a stop price (records of schema versions before 3 have none).
            if (c.Type is OrderType.Stop or OrderType.StopLimit) fields = [.. fields, F("stopPrice", c.StopPrice)];
            // Only icebergs have a display quantity, only GoodTillDate orders an expire time (records of schema versions
            // before 4 have neither).
            if (c.DisplayQuantity != 0) fields = [.. fields, F("displayQuantity", c.DisplayQuantity)];
            Set("NewOrder", c.Account, c.Symbol, c.TimeInForce == TimeInForce.GoodTillDate ? [.. fields, F("expireTime", c.ExpireTime)] : fields);
        }

        public void On(in CancelOrder c) => Set("CancelOrder", c.Account, null, F("account", c.Account), F("clientOrderId", c.ClientOrderId));

        public void On(in ReplaceOrder c) => Set("ReplaceOrder", c.Account, null, F("account", c.Account), F("origClientOrderId", c.OrigClientOrderId),
            F("clientOrderId", c.ClientOrderId), F("price", c.Price), F("quantity", c.Quantity));

        // Symbol -1 means every symbol: the command concerns no one symbol, so a symbol filter does not match it.
        public void On(in LeaderTerm c) => Set("LeaderTerm", null, null, F("term", c.Term));
        public void On(in ExpireOrders c) => Set("ExpireOrders", null, null, F("dueAt", c.DueAt));

        public void On(in MassCancel c) => Set("MassCancel", c.Account, c.Symbol < 0 ? null : c.Symbol, F("account", c.Account),
            F("symbol", c.Symbol), E("side", c.Side));
    }
}

/// <summary>Names of the journal's message types (SBE template ids of exchange.xml's engine commands).</summary>
public static class MessageTypes
{
    public static readonly IReadOnlyList<(int Id, string Name)> Commands =
    [
        (NewOrderDecoder.TemplateId, "NewOrder"),
        (CancelOrderDecoder.TemplateId, "CancelOrder"),
        (ReplaceOrderDecoder.TemplateId, "ReplaceOrder"),
        (MassCancelDecoder.TemplateId, "MassCancel"),
        (AddAccountDecoder.TemplateId, "AddAccount"),
        (AddSymbolDecoder.TemplateId, "AddSymbol"),
        (HaltSymbolDecoder.TemplateId, "HaltSymbol"),
        (ResumeSymbolDecoder.TemplateId, "ResumeSymbol"),
        (DepositDecoder.TemplateId, "Deposit"),
        (WithdrawDecoder.TemplateId, "Withdraw"),
        (LeaderTermDecoder.TemplateId, "LeaderTerm"),
        (ExpireOrdersDecoder.TemplateId, "ExpireOrders"),
    ];

    public static string NameOf(int id)
    {
        foreach (var (i, name) in Commands)
            if (i == id) return name;
        return $"type{id}";
    }

    /// <summary>A type given by name (any case) or by number.</summary>
    public static bool TryParse(string text, out int id)
    {
        foreach (var (i, name) in Commands)
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase)) { id = i; return true; }
        return int.TryParse(text, System.Globalization.NumberStyles.None, null, out id) && id <= ushort.MaxValue;
    }
}
