// What the PostgreSQL sink holds at a position, for reconciliation: read in one repeatable-read transaction and
// limited to rows at or before the position, so an exporter writing meanwhile changes nothing that is read.
using Npgsql;

namespace Exchange.Export.Postgres;

public static class PostgresContents
{
    public static long ReadPosition(string connectionString)
    {
        using var dataSource = PostgresDatabase.Open(connectionString);
        using var connection = dataSource.OpenConnection();
        using var command = new NpgsqlCommand("SELECT last_sequence FROM export_position WHERE id = 1", connection);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Rows at or before <paramref name="position"/>; "since" sums cover rows after <paramref name="since"/>.</summary>
    public static SinkContents Read(string connectionString, long position, long since)
    {
        using var dataSource = PostgresDatabase.Open(connectionString);
        using var c = dataSource.OpenConnection();
        using var transaction = c.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);

        NpgsqlCommand Query(string sql)
        {
            var command = new NpgsqlCommand(sql, c, transaction);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = since });
            return command;
        }

        long tradeCount, maxTradeId;
        TradeTotals tradesSince;
        using (var q = Query("""
            SELECT count(*), coalesce(max(trade_id), 0),
                   count(*) FILTER (WHERE sequence > $2), coalesce(sum(quantity) FILTER (WHERE sequence > $2), 0)::bigint,
                   coalesce(sum(price::numeric * quantity) FILTER (WHERE sequence > $2), 0)::text,
                   coalesce(sum(maker_fee + taker_fee) FILTER (WHERE sequence > $2), 0)::bigint
            FROM trades WHERE sequence <= $1
            """))
        using (var r = q.ExecuteReader())
        {
            r.Read();
            tradeCount = r.GetInt64(0);
            maxTradeId = r.GetInt64(1);
            tradesSince = new TradeTotals(r.GetInt64(2), r.GetInt64(3), Int128.Parse(r.GetString(4), System.Globalization.CultureInfo.InvariantCulture), r.GetInt64(5));
        }
        long rejectedSince;
        using (var q = Query("SELECT count(*) FROM orders WHERE event = 'rejected' AND sequence <= $1 AND sequence > $2"))
            rejectedSince = (long)q.ExecuteScalar()!;

        var contents = new SinkContents
        {
            Position = position, TradeCount = tradeCount, MaxTradeId = maxTradeId, TradesSince = tradesSince, RejectedSince = rejectedSince,
        };
        using (var q = Query("""
            SELECT DISTINCT ON (account, asset) account, asset, available, held FROM ledger
            WHERE sequence <= $1 AND $2 >= 0 ORDER BY account, asset, sequence DESC, idx DESC
            """))
        using (var r = q.ExecuteReader())
            while (r.Read()) contents.Balances[(r.GetInt64(0), r.GetInt32(1))] = (r.GetInt64(2), r.GetInt64(3));
        using (var q = Query("""
            SELECT DISTINCT ON (order_id) order_id, account, client_order_id, symbol, side, price, quantity, filled, status, sequence FROM orders
            WHERE order_id IS NOT NULL AND sequence <= $1 AND $2 >= 0 ORDER BY order_id, sequence DESC, idx DESC
            """))
        using (var r = q.ExecuteReader())
            while (r.Read())
            {
                long id = r.GetInt64(0);
                contents.Orders[id] = new SinkOrder(r.GetInt64(1), r.GetInt64(2), r.GetInt32(3), r.GetString(4) switch { "buy" => Side.Buy, "sell" => Side.Sell, _ => Side.None },
                    r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetString(8));
                if (r.GetInt64(9) > since) contents.OrdersChangedSince.Add(id);
            }
        transaction.Commit();
        return contents;
    }
}
