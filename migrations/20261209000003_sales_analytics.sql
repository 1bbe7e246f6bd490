-- Sales analytics for the staff dashboard: one row per day in the shop's time zone (and per product
-- per day), refreshed by the app for the days that orders and refunds touched since; and the visitor
-- funnel counted without cookies or personal data: a hash of the address and browser under a salt
-- of the day, the salt forgotten after two days.
CREATE TABLE sales_daily (
    day            date PRIMARY KEY,
    -- Orders paid that day and what they paid (shipping included) and had off.
    orders         int NOT NULL,
    revenue_minor  bigint NOT NULL,
    discount_minor bigint NOT NULL,
    units          int NOT NULL,
    -- Orders placed that day (checkouts started).
    checkouts      int NOT NULL,
    -- Refunds made that day, whatever day their order was paid.
    refunds        int NOT NULL,
    refunded_minor bigint NOT NULL
);

CREATE TABLE sales_daily_products (
    day           date NOT NULL,
    product_id    bigint NOT NULL,
    name          text NOT NULL,
    units         int NOT NULL,
    -- What was paid for them: line totals less their share of the discount.
    revenue_minor bigint NOT NULL,
    PRIMARY KEY (day, product_id)
);

-- The time zone the rows were counted in (a new one recounts every day).
CREATE TABLE sales_rollup_zone (
    one       boolean PRIMARY KEY DEFAULT true CHECK (one),
    time_zone text NOT NULL
);

-- Moments whose day must be counted again: an order placed or paid, a refund made.
CREATE TABLE sales_dirty (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL
);

CREATE FUNCTION sales_mark_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO sales_dirty (at) VALUES (NEW.created_at);
    END IF;
    IF NEW.paid_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.paid_at IS DISTINCT FROM NEW.paid_at) THEN
        INSERT INTO sales_dirty (at) VALUES (NEW.paid_at);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER orders_sales_dirty AFTER INSERT OR UPDATE OF paid_at ON orders
    FOR EACH ROW EXECUTE FUNCTION sales_mark_order();

CREATE FUNCTION sales_mark_refund() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sales_dirty (at) VALUES (NEW.created_at);
    RETURN NULL;
END $$;
CREATE TRIGGER refunds_sales_dirty AFTER INSERT ON refunds
    FOR EACH ROW EXECUTE FUNCTION sales_mark_refund();

-- The day's counts read orders by when they were placed and paid, and keys by when they were sold.
CREATE INDEX orders_paid_idx ON orders (paid_at) WHERE paid_at IS NOT NULL;
CREATE INDEX license_keys_assigned_idx ON license_keys (assigned_at) WHERE assigned_at IS NOT NULL;

-- The funnel: one row per visitor, stage and day (1 visited, 2 added to the cart).
CREATE TABLE visit_salts (
    day  date PRIMARY KEY,
    salt bytea NOT NULL
);
CREATE TABLE funnel_marks (
    day     date NOT NULL,
    stage   smallint NOT NULL CHECK (stage IN (1, 2)),
    visitor bytea NOT NULL CHECK (length(visitor) = 32),
    PRIMARY KEY (day, stage, visitor)
);
