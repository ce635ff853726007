// One administrative command: encoded, sent over an operator's session, and answered by the event the engine
// produces for it (or its refusal). The engine copies every event of an operator's command to the operator.
using System.Text.Json;
using Exchange.Client;
using Exchange.Hosting;
using Exchange.Transport;

namespace Exchange.Admin.Tool;

internal sealed record Connection(string Engine, string? KeyFile, string ResponseHost, TimeSpan Timeout);

/// <summary>What to send, and which event answers it.</summary>
internal sealed record Request(string Name, byte[] Command, Func<object, bool> Answers)
{
    private static byte[] Encode(Func<byte[], int> encode)
    {
        var buffer = new byte[256];
        return buffer[..encode(buffer)];
    }

    public static Request AddAccount(long account, AccountPermission permission = AccountPermission.Trade) =>
        new("add-account", Encode(b => CommandCodec.Encode(new AddAccount(account, Permission: permission), b)), e => e is AccountAdded a && a.Account == account);

    public static Request SetPermission(long account, AccountPermission permission) =>
        new("set-permission", Encode(b => CommandCodec.Encode(new SetAccountPermission(account, permission), b)),
            e => e is AccountPermissionChanged c && c.Account == account);

    public static Request Deposit(long account, int asset, long amount) =>
        new("deposit", Encode(b => CommandCodec.Encode(new Deposit(account, asset, amount), b)), e => e is BalanceChanged c && c.Account == account && c.Asset == asset);

    public static Request Withdraw(long account, int asset, long amount) =>
        new("withdraw", Encode(b => CommandCodec.Encode(new Withdraw(account, asset, amount), b)), e => e is BalanceChanged c && c.Account == account && c.Asset == asset);

    public static Request Halt(int symbol) =>
        new("halt", Encode(b => CommandCodec.Encode(new HaltSymbol(symbol), b)), e => e is SymbolStatusChanged s && s.Symbol == symbol);

    public static Request Resume(int symbol) =>
        new("resume", Encode(b => CommandCodec.Encode(new ResumeSymbol(symbol), b)), e => e is SymbolStatusChanged s && s.Symbol == symbol);

    public static Request AddSymbol(SymbolSpec spec, SymbolName name) =>
        new("add-symbol", Encode(b => CommandCodec.Encode(new AddSymbol(spec, name), b)), e => e is SymbolStatusChanged s && s.Symbol == spec.Id);

    public static SymbolName ParseName(string text) =>
        SymbolName.TryParse(text, out var name, out string? error) ? name : throw new UsageException($"--name: {error}");

    public static SymbolSpec ParseSpec(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 12 || !parts.All(p => long.TryParse(p, out _)))
            throw new UsageException("--spec needs 12 integers: id,baseAsset,quoteAsset,tick,lot,minQuantity,maxQuantity,referencePrice,bandBps,makerFeeBps,takerFeeBps,maxNotional");
        long[] v = parts.Select(long.Parse).ToArray();
        return new SymbolSpec((int)v[0], (int)v[1], (int)v[2], v[3], v[4], v[5], v[6], v[7], (int)v[8], (int)v[9], (int)v[10], v[11]);
    }
}

internal static class Administration
{
    public static int Run(Request request, Connection connection, bool json)
    {
        string key = OperatorKey(connection.KeyFile);
        var listener = new Answers();
        ExchangeClient<Answers> client;
        try
        {
            client = new ExchangeClient<Answers>(new ClientOptions
            {
                ApiKey = key, Account = 0, Shards = [new ShardEndpoint(connection.Engine, [])], ResponseHost = connection.ResponseHost,
            }, listener);
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        using (client)
        {
            try { client.Connect(connection.Timeout); }
            catch (Exception e) when (e is TimeoutException or LogonRejectedException or InvalidOperationException)
            {
                Console.Error.WriteLine($"exchange-admin: cannot log on as an operator: {e.Message}");
                return 1;
            }
            long sent = client.SendAdministration(0, request.Command);
            if (!SendResult.IsSent(sent))
            {
                Console.Error.WriteLine($"exchange-admin: could not send: {SendResult.Describe(sent)}");
                return 1;
            }
            long deadline = NanoClock.Now() + connection.Timeout.Ticks * 100;
            var idle = new BackoffIdleStrategy();
            client.Listener.Wanted = request.Answers;
            while (client.Listener.Answer == null && NanoClock.Now() < deadline) idle.Idle(client.Poll());
            var answer = client.Listener.Answer;
            client.Logout();
            if (answer == null)
            {
                Console.Error.WriteLine($"exchange-admin: no answer from the engine within {connection.Timeout.TotalSeconds:0.#} s");
                return 1;
            }
            bool refused = answer.Value.Event is CommandRejected;
            if (json) Console.WriteLine(Json(request.Name, answer.Value.Sequence, answer.Value.Event, refused));
            else Console.WriteLine(refused
                ? $"refused: {((CommandRejected)answer.Value.Event).Reason} ({request.Name}{(answer.Value.Sequence > 0 ? $", sequence {answer.Value.Sequence}" : "")})"
                : $"done: {answer.Value.Event} (sequence {answer.Value.Sequence})");
            return refused ? 1 : 0;
        }
    }

    private static string OperatorKey(string? keyFile)
    {
        if (keyFile != null)
        {
            try { return File.ReadAllText(keyFile).Trim(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UsageException($"cannot read the key file {keyFile}: {e.Message}"); }
        }
        return Environment.GetEnvironmentVariable("EXCHANGE_OPERATOR_KEY") is { Length: > 0 } key
            ? key
            : throw new UsageException("no operator key: give --key-file FILE or set EXCHANGE_OPERATOR_KEY");
    }

    private static string Json(string command, long sequence, object e, bool refused)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("command", command);
            w.WriteBoolean("applied", !refused);
            w.WriteNumber("sequence", sequence);
            w.WriteString("event", e.GetType().Name);
            if (e is CommandRejected r) w.WriteString("reason", r.Reason.ToString());
            w.WriteString("detail", e.ToString());
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Keeps the first event that answers the request (the operator's copy, or the market-data one), or a refusal.</summary>
    private sealed class Answers : ClientListener
    {
        public Func<object, bool>? Wanted;
        public (long Sequence, object Event)? Answer;

        private void Consider(long sequence, object e)
        {
            if (Answer == null && (e is CommandRejected || Wanted?.Invoke(e) == true)) Answer = (sequence, e);
        }

        public override void OnRejected(in CommandRejected e) => Consider(EventSequence, e);
        public override void OnAccountAdded(in AccountAdded e) => Consider(EventSequence, e);
        public override void OnPermissionChanged(in AccountPermissionChanged e) => Consider(EventSequence, e);
        public override void OnBalance(in BalanceChanged e) => Consider(EventSequence, e);
        public override void OnSymbolStatus(in SymbolStatusChanged e) => Consider(EventSequence, e);
    }
}
