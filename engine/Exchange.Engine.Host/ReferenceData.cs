// Reference data: what each symbol of the shard is, as the gateways and people need it — its name, its assets with
// their names and decimals, and its trading rules. A session gets every symbol's SymbolDefinition after its Logon and
// before its LogonAck, and every session gets the definition of a symbol added while it is logged on. Symbols and
// their names come from the engine's state (so a symbol an operator adds is announced like the configured ones);
// asset names and decimals from the config, which is the only place assets are defined.
using Exchange.Contract;

namespace Exchange.Engine.Host;

internal sealed class ReferenceData(ShardConfig config)
{
    private const int HeaderLength = MessageHeaderDecoder.EncodedLength;

    private readonly Dictionary<int, AssetConfig> _assets = config.Assets.ToDictionary(a => a.Id);
    private readonly byte[] _name = new byte[SymbolName.MaxLength];
    private readonly byte[] _buffer = new byte[HeaderLength + SymbolDefinitionEncoder.BlockLength];

    /// <summary>The SymbolDefinition of <paramref name="symbol"/>, valid until the next call; empty if the engine does not
    /// trade it.</summary>
    public ReadOnlySpan<byte> Definition(MatchingEngine<SbeEventWriter> engine, int symbol)
    {
        if (!engine.TryGetSymbol(symbol, out var spec, out var status)) return default;
        var d = SymbolDefinitionEncoder.WrapAndApplyHeader(_buffer, 0);
        d.Symbol = spec.Id;
        d.Status = status;
        d.BaseAsset = spec.BaseAsset;
        d.QuoteAsset = spec.QuoteAsset;
        var baseAsset = _assets.GetValueOrDefault(spec.BaseAsset);
        var quoteAsset = _assets.GetValueOrDefault(spec.QuoteAsset);
        d.BaseDecimals = (byte)(baseAsset?.Decimals ?? 0);
        d.QuoteDecimals = (byte)(quoteAsset?.Decimals ?? 0);
        d.TickSize = spec.TickSize;
        d.LotSize = spec.LotSize;
        d.MinQuantity = spec.MinQuantity;
        d.MaxQuantity = spec.MaxQuantity;
        d.ReferencePrice = spec.ReferencePrice;
        d.BandBps = spec.BandBps;
        d.MakerFeeBps = spec.MakerFeeBps;
        d.TakerFeeBps = spec.TakerFeeBps;
        d.MaxNotional = spec.MaxNotional;
        engine.SymbolNameOf(symbol).CopyTo(_name);
        d.Name = _name;
        d.BaseAssetName = System.Text.Encoding.ASCII.GetBytes(baseAsset?.Name ?? "");
        d.QuoteAssetName = System.Text.Encoding.ASCII.GetBytes(quoteAsset?.Name ?? "");
        d.SessionEnd = engine.SessionEndOf(symbol);
        return _buffer.AsSpan(0, HeaderLength + d.EncodedLength);
    }
}
