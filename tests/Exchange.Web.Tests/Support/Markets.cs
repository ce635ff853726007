// A symbol's market as exchange-web keeps it, for tests that need one without an engine: BTC-USD, symbol 1.
namespace Exchange.Web.Tests;

internal static class Markets
{
    public static SymbolMarket BtcUsd()
    {
        var spec = new SymbolSpec(1, 1, 0, 1, 1_000_000, 1_000_000, 100_00000000, 60_000, 2_000, 2, 5, 100_000_000_00);
        var symbol = WebSymbol.From(new SymbolReference("BTC-USD", spec, SymbolStatus.Open, "BTC", 8, "USD", 2))!;
        return new SymbolMarket(symbol, recentTrades: 4, candleWindowMinutes: 60);
    }
}
