-- Orders, stock holds and the stock ledger, payments, webhook events, discount codes and the job queue.
-- Money is in minor units; every amount carries CHECKs so no code path can store a negative total.

ALTER TABLE products ADD COLUMN max_per_order INT NOT NULL DEFAULT 10 CHECK (max_per_order BETWEEN 1 AND 99);

CREATE TABLE discount_codes (
    code              citext PRIMARY KEY CHECK (code ~* '^[A-Z0-9-]{3,32}$'),
    kind              text NOT NULL CHECK (kind IN ('percent', 'fixed')),
    -- Percent: 1..100; fixed: minor units.
    value             bigint NOT NULL CHECK (value > 0),
    min_subtotal_minor bigint NOT NULL DEFAULT 0 CHECK (min_subtotal_minor >= 0),
    expires_at        timestamptz,
    usage_limit       int CHECK (usage_limit > 0),
    per_customer_limit int CHECK (per_customer_limit > 0),
    used_count        int NOT NULL DEFAULT 0 CHECK (used_count >= 0),
    CHECK (kind <> 'percent' OR value <= 100),
    CHECK (usage_limit IS NULL OR used_count <= usage_limit)
);

CREATE SEQUENCE order_number_seq START 1001;

CREATE TABLE orders (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number            bigint NOT NULL UNIQUE DEFAULT nextval('order_number_seq'),
    -- One order per checkout attempt, whatever the retries: the idempotency key.
    checkout_key      uuid NOT NULL UNIQUE,
    user_id           uuid REFERENCES users (id),
    email             citext NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    status            text NOT NULL DEFAULT 'pending_payment' CHECK (status IN (
                        'pending_payment', 'paid', 'fulfilled', 'shipped', 'delivered',
                        'cancelled', 'refunded', 'partially_refunded')),
    currency          char(3) NOT NULL,
    subtotal_minor    bigint NOT NULL CHECK (subtotal_minor >= 0),
    discount_minor    bigint NOT NULL CHECK (discount_minor >= 0 AND discount_minor <= subtotal_minor),
    shipping_minor    bigint NOT NULL CHECK (shipping_minor >= 0),
    tax_minor         bigint NOT NULL CHECK (tax_minor >= 0),
    total_minor       bigint NOT NULL CHECK (total_minor >= 0),
    refunded_minor    bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= total_minor),
    discount_code     citext REFERENCES discount_codes (code),
    shipping_method   text CHECK (shipping_method IN ('standard', 'insured')),
    shipping_address  jsonb,
    tracking_number   text,
    -- Hash of the priced lines at payment start: a cart that changed afterwards is a different order.
    lines_fingerprint text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    paid_at           timestamptz,
    CHECK (total_minor = subtotal_minor - discount_minor + shipping_minor),
    CHECK ((shipping_method IS NULL) = (shipping_address IS NULL))
);
CREATE INDEX orders_user_idx ON orders (user_id, created_at DESC);

-- Legal order transitions, enforced by the database too: an illegal update is an error, never silent.
CREATE FUNCTION order_transition_allowed(from_status text, to_status text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT from_status = to_status OR (from_status, to_status) IN (
        ('pending_payment', 'paid'), ('pending_payment', 'cancelled'),
        ('paid', 'fulfilled'), ('paid', 'shipped'), ('paid', 'refunded'), ('paid', 'partially_refunded'),
        ('fulfilled', 'refunded'), ('fulfilled', 'partially_refunded'),
        ('shipped', 'delivered'), ('shipped', 'refunded'), ('shipped', 'partially_refunded'),
        ('delivered', 'refunded'), ('delivered', 'partially_refunded'),
        ('partially_refunded', 'partially_refunded'), ('partially_refunded', 'refunded'))
$$;

CREATE FUNCTION orders_check_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT order_transition_allowed(OLD.status, NEW.status) THEN
        RAISE EXCEPTION 'illegal order transition % -> %', OLD.status, NEW.status USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER orders_transition BEFORE UPDATE OF status ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_check_transition();

CREATE TABLE order_lines (
    order_id          uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    variant_id        bigint NOT NULL REFERENCES variants (id),
    product_name      text NOT NULL,
    variant_label     text NOT NULL,
    department        text NOT NULL CHECK (department IN ('games', 'jewelry')),
    unit_price_minor  bigint NOT NULL CHECK (unit_price_minor > 0),
    quantity          int NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    line_total_minor  bigint NOT NULL CHECK (line_total_minor = unit_price_minor * quantity),
    PRIMARY KEY (order_id, variant_id)
);

-- Units held for an order while it is paid for; converted into a sale, or released when it expires.
CREATE TABLE stock_holds (
    id          bigserial PRIMARY KEY,
    order_id    uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    variant_id  bigint NOT NULL REFERENCES variants (id),
    quantity    int NOT NULL CHECK (quantity > 0),
    expires_at  timestamptz NOT NULL,
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'released', 'sold')),
    UNIQUE (order_id, variant_id)
);
CREATE INDEX stock_holds_active_idx ON stock_holds (expires_at) WHERE status = 'active';

-- Every change of available stock. For each variant: stock now = stock at the first row's time + sum(delta).
CREATE TABLE stock_ledger (
    id          bigserial PRIMARY KEY,
    variant_id  bigint NOT NULL REFERENCES variants (id),
    delta       int NOT NULL,
    reason      text NOT NULL CHECK (reason IN ('hold', 'release', 'sale', 'restock', 'adjust')),
    order_id    uuid REFERENCES orders (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((reason = 'hold' AND delta < 0) OR (reason = 'release' AND delta > 0) OR (reason = 'sale' AND delta = 0)
           OR reason IN ('restock', 'adjust'))
);
CREATE INDEX stock_ledger_variant_idx ON stock_ledger (variant_id, id);

CREATE TABLE payments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    order_id        uuid NOT NULL REFERENCES orders (id),
    provider        text NOT NULL,
    provider_ref    text NOT NULL,
    amount_minor    bigint NOT NULL CHECK (amount_minor >= 0),
    status          text NOT NULL CHECK (status IN ('requires_payment', 'succeeded', 'failed', 'refunded')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (provider, provider_ref)
);
-- One successful charge per order, whatever the replays.
CREATE UNIQUE INDEX payments_one_success ON payments (order_id) WHERE status = 'succeeded';

-- Each provider event is acted on once.
CREATE TABLE webhook_events (
    provider    text NOT NULL,
    event_id    text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, event_id)
);

-- Durable side effects (e-mails, later licence keys), written in the same transaction as their cause.
CREATE TABLE jobs (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL,
    payload      jsonb NOT NULL,
    -- The same effect is queued once (e.g. 'order-confirmation:<order id>').
    dedupe_key   text UNIQUE,
    status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'dead')),
    attempts     int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts int NOT NULL DEFAULT 8 CHECK (max_attempts > 0),
    run_at       timestamptz NOT NULL DEFAULT now(),
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    done_at      timestamptz
);
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE status = 'queued';
