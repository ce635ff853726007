-- Stop and stop-limit orders. While a stop waits for its trigger its rows say order_type stop | stop_limit, status
-- pending and its stop_price; its 'triggered' row carries the stop price, the type it becomes (market for a stop, limit
-- for a stop-limit) and, in last_price, the last trade price that reached the stop; the rows after it are a plain
-- order's (stop_price null). Rows of other orders have stop_price null.
ALTER TABLE orders ADD COLUMN stop_price bigint;
COMMENT ON COLUMN orders.event IS 'accepted | triggered | fill | replaced | reduced | cancelled | rejected';
COMMENT ON COLUMN orders.status IS 'pending | new | partially_filled | filled | cancelled | rejected';
COMMENT ON COLUMN orders.order_type IS 'limit | market | stop | stop_limit';
COMMENT ON COLUMN orders.time_in_force IS 'gtc | ioc | fok | day | gtd (a Day or GTD order''s expiry is a cancelled row with reason Expired)';
