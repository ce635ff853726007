// A symbol as the engine announces it to its sessions (SymbolDefinition): what a gateway needs to name it, convert
// prices and quantities, and show it to people. Reference data, read at logon and when a symbol is added; not a hot path.
using System.Text;
using Exchange.Sbe;

namespace Exchange.Contract;

/// <param name="SessionEnd">When the symbol's Day orders expire: nanoseconds after UTC midnight; 0: none (Day orders are
/// rejected; also from an engine of a schema version before 4).</param>
public sealed record SymbolReference(
    string Name, SymbolSpec Spec, SymbolStatus Status, string BaseAsset, int BaseDecimals, string QuoteAsset, int QuoteDecimals, long SessionEnd = 0)
{
    public int Id => Spec.Id;

    /// <summary>Decodes a SymbolDefinition message (header included); null with the reason if it is not a well-formed one.</summary>
    public static SymbolReference? Decode(ReadOnlySpan<byte> message, out SbeError error)
    {
        if ((error = SymbolDefinitionDecoder.TryWrapWithHeader(message, 0, out var d)) != SbeError.None) return null;
        var spec = new SymbolSpec(d.Symbol, d.BaseAsset, d.QuoteAsset, d.TickSize, d.LotSize, d.MinQuantity, d.MaxQuantity,
            d.ReferencePrice, d.BandBps, d.MakerFeeBps, d.TakerFeeBps, d.MaxNotional);
        return new SymbolReference(Text(d.Name), spec, d.Status,
            Text(d.BaseAssetName), d.BaseDecimals, Text(d.QuoteAssetName), d.QuoteDecimals,
            d.SessionEnd == SymbolDefinitionDecoder.SessionEndNullValue ? 0 : d.SessionEnd);
    }

    private static string Text(ReadOnlySpan<byte> padded)
    {
        int nul = padded.IndexOf((byte)0);
        var bytes = nul < 0 ? padded : padded[..nul];
        foreach (byte b in bytes)
            if (b is <= (byte)' ' or > (byte)'~') return "?";
        return Encoding.ASCII.GetString(bytes);
    }

    /// <summary>
    /// How many decimal places a price in whole quote asset per whole base asset (as people and FIX write it) has
    /// beyond the engine's integer price (quote units per lot): engine price = price × 10^PriceDecimals. It exists when
    /// a lot's worth in quote units is a power of ten of the whole-asset price (LotSize × 10^QuoteDecimals /
    /// 10^BaseDecimals = 10^k, k ≥ 0), which holds for the usual lot sizes; null otherwise.
    /// </summary>
    public int? PriceDecimals
    {
        get
        {
            long lot = Spec.LotSize;
            int k = QuoteDecimals - BaseDecimals;
            while (lot > 1 && lot % 10 == 0) { lot /= 10; k++; }
            return lot == 1 && k >= 0 ? k : null;
        }
    }

    /// <summary>Engine quantity = quantity in whole base asset × 10^QuantityDecimals.</summary>
    public int QuantityDecimals => BaseDecimals;
}
