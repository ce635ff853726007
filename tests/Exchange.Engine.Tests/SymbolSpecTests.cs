// A symbol spec arrives from config files and admin messages, so even a nonsensical one must print and validate.
namespace Exchange.Engine.Tests;

public sealed class SymbolSpecTests
{
    private static readonly SymbolSpec Zeroes = new(1, 1, 0, TickSize: 0, LotSize: 0, MinQuantity: 0, MaxQuantity: 0,
        ReferencePrice: 0, BandBps: 0, MakerFeeBps: 0, TakerFeeBps: 0, MaxNotional: 0);

    [Fact]
    public void A_spec_with_zero_tick_prints_without_throwing()
    {
        Assert.Contains("TickSize = 0", Zeroes.ToString());
    }

    [Fact]
    public void A_spec_with_zero_tick_is_invalid()
    {
        Assert.Equal(RejectReason.InvalidSymbolSpec, Zeroes.Validate(assetCount: 4, maxSymbols: 8));
    }

    [Fact]
    public void A_spec_whose_notionals_could_overflow_is_invalid()
    {
        var huge = EngineFixture.Spec1 with { ReferencePrice = 1_000_000_000_000, MaxQuantity = Limits.MaxQuantity / 10 * 10, MaxNotional = Limits.MaxAmount };
        Assert.Equal(RejectReason.None, (huge with { MaxQuantity = 1_000 }).Validate(assetCount: 4, maxSymbols: 8));
        Assert.Equal(RejectReason.InvalidSymbolSpec, huge.Validate(assetCount: 4, maxSymbols: 8));
    }

    [Fact]
    public void Band_edges_round_inwards_to_the_tick()
    {
        var spec = EngineFixture.Spec1 with { ReferencePrice = 10_000, BandBps = 55, TickSize = 100 };
        Assert.Equal((10_000 - 55 + 99) / 100 * 100, spec.BandLow);
        Assert.Equal((10_000 + 55) / 100 * 100, spec.BandHigh);
    }
}
