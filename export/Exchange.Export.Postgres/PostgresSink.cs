// The PostgreSQL sink: each batch in one transaction that first checks and locks the position row, then binary-COPYs
// the orders, trades and ledger rows, upserts symbols and merges the batch's one-minute candles, and finally moves the
// position. A crash anywhere leaves either all of the batch with its position or none of it.
using Npgsql;
using NpgsqlTypes;

namespace Exchange.Export.Postgres;

public sealed class PostgresSink(string connectionString) : IExportSink, IPhasedSink
{
    private static readonly string[] PhaseNames = ["lock", "orders", "trades", "candles", "ledger", "symbols", "position", "commit"];
    private readonly long[] _phaseTicks = new long[PhaseNames.Length];

    public IReadOnlyList<(string Phase, TimeSpan Time)> Phases =>
        [.. PhaseNames.Select((name, i) => (name, TimeSpan.FromSeconds(_phaseTicks[i] / (double)System.Diagnostics.Stopwatch.Frequency)))];

    /// <summary>Adds the time since <paramref name="since"/> to <paramref name="phase"/> and returns now.</summary>
    private long Lap(int phase, long since)
    {
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        _phaseTicks[phase] += now - since;
        return now;
    }

    private const long NanosPerMinute = 60_000_000_000;
    private readonly NpgsqlDataSource _dataSource = PostgresDatabase.Open(connectionString);
    private NpgsqlConnection? _connection;

    public string Name => "postgres";

    public string Describe() => PostgresDatabase.Describe(connectionString);

    public bool IsTransient(Exception error) => PostgresDatabase.IsTransient(error);

    public long Open()
    {
        Guarded(c => Migrations.Apply(c));
        return ReadPosition();
    }

    public long ReadPosition() => Guarded(c =>
    {
        using var command = new NpgsqlCommand("SELECT last_sequence FROM export_position WHERE id = 1", c);
        return (long)command.ExecuteScalar()!;
    });

    public void Write(ExportBatch batch) => Guarded(c =>
    {
        long t = System.Diagnostics.Stopwatch.GetTimestamp();
        using var transaction = c.BeginTransaction();
        using (var position = new NpgsqlCommand("SELECT last_sequence FROM export_position WHERE id = 1 FOR UPDATE", c, transaction))
        {
            long now = (long)position.ExecuteScalar()!;
            if (now != batch.FirstSequence - 1) throw new PositionMismatchException(batch.FirstSequence - 1, now);
        }
        t = Lap(0, t);
        if (batch.Orders.Count > 0) CopyOrders(c, batch.Orders);
        t = Lap(1, t);
        if (batch.Trades.Count > 0)
        {
            CopyTrades(c, batch.Trades);
            t = Lap(2, t);
            MergeCandles(c, transaction, batch.Trades);
            t = Lap(3, t);
        }
        if (batch.Ledger.Count > 0) CopyLedger(c, batch.Ledger);
        t = Lap(4, t);
        foreach (var symbol in batch.Symbols) UpsertSymbol(c, transaction, symbol);
        t = Lap(5, t);
        using (var move = new NpgsqlCommand("UPDATE export_position SET last_sequence = $1, last_ts_ns = $2, updated_at = now() WHERE id = 1", c, transaction))
        {
            move.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.LastSequence });
            move.Parameters.Add(new NpgsqlParameter<long> { TypedValue = batch.LastTimestamp });
            move.ExecuteNonQuery();
        }
        t = Lap(6, t);
        transaction.Commit();
        Lap(7, t);
        return 0;
    });

    public void Dispose()
    {
        _connection?.Dispose();
        _dataSource.Dispose();
    }

    /// <summary>Runs <paramref name="work"/> on the open connection, opening one if needed; any failure drops the
    /// connection, so the next call starts on a fresh one.</summary>
    private T Guarded<T>(Func<NpgsqlConnection, T> work)
    {
        try
        {
            _connection ??= _dataSource.OpenConnection();
            return work(_connection);
        }
        catch
        {
            _connection?.Dispose();
            _connection = null;
            throw;
        }
    }

    public static DateTime TimeOf(long nanos) => DateTime.UnixEpoch.AddTicks(nanos / 100);

    private static void CopyOrders(NpgsqlConnection c, List<OrderRow> rows)
    {
        using var copy = c.BeginBinaryImport("COPY orders (sequence, idx, ts, ts_ns, event, status, order_id, account, client_order_id, symbol, side, " +
            "order_type, time_in_force, price, quantity, filled, leaves, trade_id, last_price, last_quantity, reason, stop_price) FROM STDIN (FORMAT BINARY)");
        foreach (var r in rows)
        {
            copy.StartRow();
            copy.Write(r.Sequence, NpgsqlDbType.Bigint);
            copy.Write(r.Index, NpgsqlDbType.Integer);
            copy.Write(TimeOf(r.Timestamp), NpgsqlDbType.TimestampTz);
            copy.Write(r.Timestamp, NpgsqlDbType.Bigint);
            copy.Write(ExportBatch.Name(r.Event), NpgsqlDbType.Text);
            copy.Write(ExportBatch.Name(r.Status), NpgsqlDbType.Text);
            if (r.OrderId != 0) copy.Write(r.OrderId, NpgsqlDbType.Bigint); else copy.WriteNull();
            copy.Write(r.Account, NpgsqlDbType.Bigint);
            copy.Write(r.ClientOrderId, NpgsqlDbType.Bigint);
            copy.Write(r.Symbol, NpgsqlDbType.Integer);
            copy.Write(ExportBatch.Name(r.Side), NpgsqlDbType.Text);
            copy.Write(TypeName(r.Type), NpgsqlDbType.Text);
            copy.Write(TimeInForceName(r.TimeInForce), NpgsqlDbType.Text);
            copy.Write(r.Price, NpgsqlDbType.Bigint);
            copy.Write(r.Quantity, NpgsqlDbType.Bigint);
            copy.Write(r.Filled, NpgsqlDbType.Bigint);
            copy.Write(r.Leaves, NpgsqlDbType.Bigint);
            // A fill's trade, price and quantity; a trigger's last trade price alone.
            if (r.TradeId != 0) copy.Write(r.TradeId, NpgsqlDbType.Bigint); else copy.WriteNull();
            if (r.TradeId != 0 || r.LastPrice != 0) copy.Write(r.LastPrice, NpgsqlDbType.Bigint); else copy.WriteNull();
            if (r.TradeId != 0) copy.Write(r.LastQuantity, NpgsqlDbType.Bigint); else copy.WriteNull();
            if (r.Reason != null) copy.Write(r.Reason, NpgsqlDbType.Text); else copy.WriteNull();
            if (r.StopPrice != 0) copy.Write(r.StopPrice, NpgsqlDbType.Bigint); else copy.WriteNull();
        }
        copy.Complete();
    }

    private static void CopyTrades(NpgsqlConnection c, List<TradeRow> rows)
    {
        using var copy = c.BeginBinaryImport("COPY trades (trade_id, sequence, ts, ts_ns, symbol, price, quantity, notional, taker_side, " +
            "maker_account, maker_order_id, maker_client_order_id, maker_fee, taker_account, taker_order_id, taker_client_order_id, taker_fee) " +
            "FROM STDIN (FORMAT BINARY)");
        foreach (var r in rows)
        {
            copy.StartRow();
            copy.Write(r.TradeId, NpgsqlDbType.Bigint);
            copy.Write(r.Sequence, NpgsqlDbType.Bigint);
            copy.Write(TimeOf(r.Timestamp), NpgsqlDbType.TimestampTz);
            copy.Write(r.Timestamp, NpgsqlDbType.Bigint);
            copy.Write(r.Symbol, NpgsqlDbType.Integer);
            copy.Write(r.Price, NpgsqlDbType.Bigint);
            copy.Write(r.Quantity, NpgsqlDbType.Bigint);
            copy.Write(r.Notional, NpgsqlDbType.Bigint);
            copy.Write(ExportBatch.Name(r.TakerSide), NpgsqlDbType.Text);
            copy.Write(r.MakerAccount, NpgsqlDbType.Bigint);
            copy.Write(r.MakerOrderId, NpgsqlDbType.Bigint);
            copy.Write(r.MakerClientOrderId, NpgsqlDbType.Bigint);
            copy.Write(r.MakerFee, NpgsqlDbType.Bigint);
            copy.Write(r.TakerAccount, NpgsqlDbType.Bigint);
            copy.Write(r.TakerOrderId, NpgsqlDbType.Bigint);
            copy.Write(r.TakerClientOrderId, NpgsqlDbType.Bigint);
            copy.Write(r.TakerFee, NpgsqlDbType.Bigint);
        }
        copy.Complete();
    }

    private static void CopyLedger(NpgsqlConnection c, List<LedgerRow> rows)
    {
        using var copy = c.BeginBinaryImport("COPY ledger (sequence, idx, ts, ts_ns, account, asset, kind, delta_available, delta_held, available, held, " +
            "order_id, trade_id) FROM STDIN (FORMAT BINARY)");
        foreach (var r in rows)
        {
            copy.StartRow();
            copy.Write(r.Sequence, NpgsqlDbType.Bigint);
            copy.Write(r.Index, NpgsqlDbType.Integer);
            copy.Write(TimeOf(r.Timestamp), NpgsqlDbType.TimestampTz);
            copy.Write(r.Timestamp, NpgsqlDbType.Bigint);
            copy.Write(r.Account, NpgsqlDbType.Bigint);
            copy.Write(r.Asset, NpgsqlDbType.Integer);
            copy.Write(ExportBatch.Name(r.Kind), NpgsqlDbType.Text);
            copy.Write(r.DeltaAvailable, NpgsqlDbType.Bigint);
            copy.Write(r.DeltaHeld, NpgsqlDbType.Bigint);
            copy.Write(r.Available, NpgsqlDbType.Bigint);
            copy.Write(r.Held, NpgsqlDbType.Bigint);
            if (r.OrderId != 0) copy.Write(r.OrderId, NpgsqlDbType.Bigint); else copy.WriteNull();
            if (r.TradeId != 0) copy.Write(r.TradeId, NpgsqlDbType.Bigint); else copy.WriteNull();
        }
        copy.Complete();
    }

    /// <summary>The batch's trades folded into one-minute candles (trades arrive in time order), merged with what the
    /// table holds for the same minutes: the earlier open stays, the later close wins, volumes add up.</summary>
    private static void MergeCandles(NpgsqlConnection c, NpgsqlTransaction transaction, List<TradeRow> trades)
    {
        var candles = new Dictionary<(int Symbol, long Minute), int>();
        var symbols = new List<int>();
        var minutes = new List<DateTime>();
        var open = new List<long>();
        var high = new List<long>();
        var low = new List<long>();
        var close = new List<long>();
        var volume = new List<long>();
        var quoteVolume = new List<long>();
        var count = new List<int>();
        foreach (var t in trades)
        {
            long minute = t.Timestamp - ((t.Timestamp % NanosPerMinute) + NanosPerMinute) % NanosPerMinute;
            if (!candles.TryGetValue((t.Symbol, minute), out int i))
            {
                candles[(t.Symbol, minute)] = i = symbols.Count;
                symbols.Add(t.Symbol);
                minutes.Add(TimeOf(minute));
                open.Add(t.Price);
                high.Add(t.Price);
                low.Add(t.Price);
                close.Add(t.Price);
                volume.Add(0);
                quoteVolume.Add(0);
                count.Add(0);
            }
            high[i] = Math.Max(high[i], t.Price);
            low[i] = Math.Min(low[i], t.Price);
            close[i] = t.Price;
            volume[i] += t.Quantity;
            quoteVolume[i] += t.Notional;
            count[i]++;
        }
        using var merge = new NpgsqlCommand("""
            INSERT INTO candles_1m AS c (symbol, minute, open, high, low, close, volume, quote_volume, trades)
            SELECT * FROM unnest($1::integer[], $2::timestamptz[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::integer[])
            ON CONFLICT (symbol, minute) DO UPDATE SET
                high = greatest(c.high, excluded.high), low = least(c.low, excluded.low), close = excluded.close,
                volume = c.volume + excluded.volume, quote_volume = c.quote_volume + excluded.quote_volume, trades = c.trades + excluded.trades
            """, c, transaction);
        merge.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. symbols] });
        merge.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. minutes] });
        foreach (var column in new[] { open, high, low, close, volume, quoteVolume })
            merge.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. column] });
        merge.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. count] });
        merge.ExecuteNonQuery();
    }

    private static void UpsertSymbol(NpgsqlConnection c, NpgsqlTransaction transaction, SymbolRow s)
    {
        using var upsert = new NpgsqlCommand("""
            INSERT INTO symbols (symbol, name, base_asset, quote_asset, tick_size, lot_size, min_quantity, max_quantity, reference_price,
                band_bps, maker_fee_bps, taker_fee_bps, max_notional, status, updated_sequence, updated_ts)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            ON CONFLICT (symbol) DO UPDATE SET name = excluded.name, status = excluded.status,
                updated_sequence = excluded.updated_sequence, updated_ts = excluded.updated_ts
            """, c, transaction);
        var p = s.Spec;
        upsert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = p.Id });
        upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = s.Name });
        upsert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = p.BaseAsset });
        upsert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = p.QuoteAsset });
        upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = p.TickSize });
        upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = p.LotSize });
        upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = p.MinQuantity });
        upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = p.MaxQuantity });
        upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = p.ReferencePrice });
        upsert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = p.BandBps });
        upsert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = p.MakerFeeBps });
        upsert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = p.TakerFeeBps });
        upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = p.MaxNotional });
        upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = s.Status == SymbolStatus.Halted ? "halted" : "open" });
        upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = s.Sequence });
        upsert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeOf(s.Timestamp) });
        upsert.ExecuteNonQuery();
    }

    private static string TypeName(OrderType t) => t switch
    {
        OrderType.Limit => "limit", OrderType.Market => "market", OrderType.Stop => "stop", OrderType.StopLimit => "stop_limit", _ => "unknown",
    };

    private static string TimeInForceName(TimeInForce t) => t switch
    {
        TimeInForce.GoodTillCancel => "gtc", TimeInForce.ImmediateOrCancel => "ioc", TimeInForce.FillOrKill => "fok",
        TimeInForce.Day => "day", TimeInForce.GoodTillDate => "gtd", _ => "unknown",
    };
}
