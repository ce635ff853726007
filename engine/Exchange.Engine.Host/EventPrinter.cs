// Writes engine events for a person (one line each) or a program (--json: one JSON object per line).
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Exchange.Engine.Host;

internal sealed class EventPrinter(TextWriter output, bool json) : IEngineOutput
{
    public int Count { get; private set; }

    private void Write<T>(in T e, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        Count++;
        if (json) output.WriteLine($"{{\"event\":\"{typeof(T).Name}\",\"data\":{JsonSerializer.Serialize(e, type)}}}");
        else output.WriteLine($"  {e}");
    }

    public void OnAccepted(in OrderAccepted e) => Write(e, EventJson.Default.OrderAccepted);
    public void OnRejected(in CommandRejected e) => Write(e, EventJson.Default.CommandRejected);
    public void OnFill(in Fill e) => Write(e, EventJson.Default.Fill);
    public void OnTrade(in Trade e) => Write(e, EventJson.Default.Trade);
    public void OnCancelled(in OrderCancelled e) => Write(e, EventJson.Default.OrderCancelled);
    public void OnReplaced(in OrderReplaced e) => Write(e, EventJson.Default.OrderReplaced);
    public void OnReduced(in OrderReduced e) => Write(e, EventJson.Default.OrderReduced);
    public void OnLevel(in LevelChanged e) => Write(e, EventJson.Default.LevelChanged);
    public void OnBestBidOffer(in BestBidOffer e) => Write(e, EventJson.Default.BestBidOffer);
    public void OnBalance(in BalanceChanged e) => Write(e, EventJson.Default.BalanceChanged);
    public void OnMassCancelled(in MassCancelled e) => Write(e, EventJson.Default.MassCancelled);
    public void OnSymbolStatus(in SymbolStatusChanged e) => Write(e, EventJson.Default.SymbolStatusChanged);
    public void OnAccountAdded(in AccountAdded e) => Write(e, EventJson.Default.AccountAdded);
    public void OnPermissionChanged(in AccountPermissionChanged e) => Write(e, EventJson.Default.AccountPermissionChanged);
    public void OnStopTriggered(in StopTriggered e) => Write(e, EventJson.Default.StopTriggered);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(OrderAccepted))]
[JsonSerializable(typeof(CommandRejected))]
[JsonSerializable(typeof(Fill))]
[JsonSerializable(typeof(Trade))]
[JsonSerializable(typeof(OrderCancelled))]
[JsonSerializable(typeof(OrderReplaced))]
[JsonSerializable(typeof(OrderReduced))]
[JsonSerializable(typeof(LevelChanged))]
[JsonSerializable(typeof(BestBidOffer))]
[JsonSerializable(typeof(BalanceChanged))]
[JsonSerializable(typeof(MassCancelled))]
[JsonSerializable(typeof(SymbolStatusChanged))]
[JsonSerializable(typeof(AccountAdded))]
[JsonSerializable(typeof(AccountPermissionChanged))]
[JsonSerializable(typeof(StopTriggered))]
internal sealed partial class EventJson : JsonSerializerContext;
