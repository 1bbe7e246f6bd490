-- The staff order desk: find an order by the buyer's e-mail, a SKU or a date range, and read one
-- order's timeline (its jobs are found by the order id in their payload).
CREATE INDEX orders_email_idx ON orders (email);
CREATE INDEX orders_created_idx ON orders (created_at);
CREATE INDEX order_lines_variant_idx ON order_lines (variant_id);
CREATE INDEX jobs_order_idx ON jobs ((payload->>'order_id'));
