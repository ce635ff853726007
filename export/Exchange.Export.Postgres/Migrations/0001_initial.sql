-- The exchange's exported history, one shard per database. Amounts, prices and quantities are the engine's integers
-- (smallest units of an asset; price in quote units per lot); times are the sequencer's, as ts (microseconds) and
-- ts_ns (the exact nanoseconds). sequence is the input that caused a row; (sequence, idx) orders the rows of one input.

-- The last input sequence whose every row is here. Written in the same transaction as the rows.
CREATE TABLE export_position (
    id             smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    last_sequence  bigint NOT NULL,
    last_ts_ns     bigint NOT NULL,
    updated_at     timestamptz NOT NULL
);
INSERT INTO export_position VALUES (1, 0, 0, now());

CREATE TABLE symbols (
    symbol           integer PRIMARY KEY,
    name             text NOT NULL,
    base_asset       integer NOT NULL,
    quote_asset      integer NOT NULL,
    tick_size        bigint NOT NULL,
    lot_size         bigint NOT NULL,
    min_quantity     bigint NOT NULL,
    max_quantity     bigint NOT NULL,
    reference_price  bigint NOT NULL,
    band_bps         integer NOT NULL,
    maker_fee_bps    integer NOT NULL,
    taker_fee_bps    integer NOT NULL,
    max_notional     bigint NOT NULL,
    status           text NOT NULL,           -- open | halted
    updated_sequence bigint NOT NULL,
    updated_ts       timestamptz NOT NULL
);

-- Every state change of every order: accepted, each fill, replaced, reduced (self-trade prevention), cancelled; and
-- new orders the engine rejected (order_id null, reason the reject reason). An order's current state is its last row.
CREATE TABLE orders (
    sequence        bigint NOT NULL,
    idx             integer NOT NULL,
    ts              timestamptz NOT NULL,
    ts_ns           bigint NOT NULL,
    event           text NOT NULL,            -- accepted | fill | replaced | reduced | cancelled | rejected
    status          text NOT NULL,            -- new | partially_filled | filled | cancelled | rejected
    order_id        bigint,
    account         bigint NOT NULL,
    client_order_id bigint NOT NULL,
    symbol          integer NOT NULL,
    side            text NOT NULL,            -- buy | sell
    order_type      text NOT NULL,            -- limit | market
    time_in_force   text NOT NULL,            -- gtc | ioc | fok
    price           bigint NOT NULL,          -- 0 for a market order
    quantity        bigint NOT NULL,
    filled          bigint NOT NULL,
    leaves          bigint NOT NULL,
    trade_id        bigint,                   -- fill rows: the trade
    last_price      bigint,
    last_quantity   bigint,
    reason          text,                     -- cancel or reject reason
    PRIMARY KEY (sequence, idx)
);
CREATE INDEX orders_by_order ON orders (order_id, sequence, idx);
CREATE INDEX orders_by_account ON orders (account, sequence);

-- Every trade with both sides. notional = price * quantity / lot_size, in the quote asset; fees in the quote asset.
CREATE TABLE trades (
    trade_id              bigint PRIMARY KEY,
    sequence              bigint NOT NULL,
    ts                    timestamptz NOT NULL,
    ts_ns                 bigint NOT NULL,
    symbol                integer NOT NULL,
    price                 bigint NOT NULL,
    quantity              bigint NOT NULL,
    notional              bigint NOT NULL,
    taker_side            text NOT NULL,      -- the aggressor's side
    maker_account         bigint NOT NULL,
    maker_order_id        bigint NOT NULL,
    maker_client_order_id bigint NOT NULL,
    maker_fee             bigint NOT NULL,
    taker_account         bigint NOT NULL,
    taker_order_id        bigint NOT NULL,
    taker_client_order_id bigint NOT NULL,
    taker_fee             bigint NOT NULL
);
CREATE INDEX trades_by_symbol ON trades (symbol, ts);
CREATE INDEX trades_by_maker ON trades (maker_account, trade_id);
CREATE INDEX trades_by_taker ON trades (taker_account, trade_id);

-- Every balance movement of every account and asset, with the balance after it. kind: deposit | withdrawal | hold
-- (available to held for an order) | release (held back to available) | fill (a trade's settlement, fees included)
-- | fee (the fee account's takings). An account's balance in an asset is its last row's available + held.
CREATE TABLE ledger (
    sequence        bigint NOT NULL,
    idx             integer NOT NULL,
    ts              timestamptz NOT NULL,
    ts_ns           bigint NOT NULL,
    account         bigint NOT NULL,
    asset           integer NOT NULL,
    kind            text NOT NULL,
    delta_available bigint NOT NULL,
    delta_held      bigint NOT NULL,
    available       bigint NOT NULL,
    held            bigint NOT NULL,
    order_id        bigint,
    trade_id        bigint,
    PRIMARY KEY (sequence, idx)
);
CREATE INDEX ledger_by_account ON ledger (account, asset, sequence, idx);

-- One-minute OHLCV per symbol, by sequencer time. volume in base units, quote_volume in quote units.
CREATE TABLE candles_1m (
    symbol       integer NOT NULL,
    minute       timestamptz NOT NULL,
    open         bigint NOT NULL,
    high         bigint NOT NULL,
    low          bigint NOT NULL,
    close        bigint NOT NULL,
    volume       bigint NOT NULL,
    quote_volume bigint NOT NULL,
    trades       integer NOT NULL,
    PRIMARY KEY (symbol, minute)
);
